#include "relay/oauth/form.hpp"

#include <gtest/gtest.h>

namespace relay::oauth {

TEST(Form, ReadsPairsPlusAsSpaceAndPercentEscapes) {
  const auto fields = parse_form("grant_type=client_credentials&scope=a+b&x=%2F%3d&flag&&y=");
  ASSERT_TRUE(fields);
  const FormFields expected{
      {"grant_type", "client_credentials"}, {"scope", "a b"}, {"x", "/="}, {"flag", ""}, {"y", ""}};
  EXPECT_EQ(*fields, expected);
}

TEST(Form, EmptyTextHasNoFields) { EXPECT_EQ(parse_form("")->size(), 0u); }

TEST(Form, AMalformedEscapeIsRefused) {
  EXPECT_FALSE(parse_form("a=%zz"));
  EXPECT_FALSE(parse_form("a=%4"));
  EXPECT_FALSE(parse_form("a=%"));
  EXPECT_FALSE(form_decode("100%"));
  EXPECT_EQ(form_decode("100%25"), "100%");
}

}  // namespace relay::oauth
