#include "relay/core/utf8.hpp"

#include <gtest/gtest.h>

namespace relay::core {
namespace {

const std::string kReplacement = "\xef\xbf\xbd";

TEST(ValidUtf8, KeepsWellFormedText) {
  for (std::string_view text : {"", "plain", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(valid_utf8(text), text);
  }
}

TEST(ValidUtf8, ReplacesEveryByteOutsideAWellFormedSequence) {
  EXPECT_EQ(valid_utf8("a\xff" "b"), "a" + kReplacement + "b");
  EXPECT_EQ(valid_utf8("\xc0\xaf"), kReplacement + kReplacement);                  // overlong '/'
  EXPECT_EQ(valid_utf8("\xe0\x80\xaf"), kReplacement + kReplacement + kReplacement);  // overlong
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), kReplacement + kReplacement + kReplacement);  // a surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), kReplacement + kReplacement + kReplacement + kReplacement);  // above U+10FFFF
  EXPECT_EQ(valid_utf8("\xe2\x82"), kReplacement + kReplacement);  // cut short
  EXPECT_EQ(valid_utf8("\xe2\x82" "A"), kReplacement + kReplacement + "A");
}

}  // namespace
}  // namespace relay::core
