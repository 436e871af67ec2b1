// A destination's `credentials` mapping: what each key gives and the path-qualified error
// each bad value gets (never quoting a secret).
#include "relay/aws/credential_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cstdlib>

namespace relay::aws {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Read {
  CredentialSource source;
  std::vector<std::string> errors;
};

Read read(std::string_view destination_json) {
  const auto v = boost::json::parse(destination_json);
  Read out;
  core::ObjectReader r(v.as_object(), "destinations.bus", out.errors);
  out.source = read_credential_source(r, "credentials");
  return out;
}

TEST(CredentialConfig, AbsentMeansTheDefaultChain) {
  const auto r = read(R"({"type": "eventbridge"})");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(r.source.fixed);
  EXPECT_EQ(r.source.profile, "");
  EXPECT_EQ(r.source.role_arn, "");
  EXPECT_EQ(r.source.session_name, "relay");
  EXPECT_EQ(r.source.duration, 1h);
}

TEST(CredentialConfig, StaticKeysTakeValuesAndSecretReferences) {
  setenv("RELAY_TEST_AWS_SECRET", "wJalrXUtnFEMI/K7MDENG", 1);
  const auto r = read(R"({"credentials": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "env:RELAY_TEST_AWS_SECRET",
                                          "session_token": "tok"}})");
  unsetenv("RELAY_TEST_AWS_SECRET");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  ASSERT_TRUE(r.source.fixed);
  EXPECT_EQ(r.source.fixed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r.source.fixed->secret_access_key, "wJalrXUtnFEMI/K7MDENG");
  EXPECT_EQ(r.source.fixed->session_token, "tok");
  EXPECT_FALSE(r.source.fixed->expiration);
}

TEST(CredentialConfig, RoleWithEverySetting) {
  const auto r = read(R"({"credentials": {"profile": "ops", "role_arn": "arn:aws:iam::123456789012:role/team/relay-publisher",
                                          "external_id": "ext-123", "session_name": "relay@ops", "duration": "2h",
                                          "sts_endpoint": "http://127.0.0.1:4566"}})");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  EXPECT_EQ(r.source.profile, "ops");
  EXPECT_EQ(r.source.role_arn, "arn:aws:iam::123456789012:role/team/relay-publisher");
  EXPECT_EQ(r.source.external_id, "ext-123");
  EXPECT_EQ(r.source.session_name, "relay@ops");
  EXPECT_EQ(r.source.duration, 2h);
  EXPECT_EQ(r.source.sts_endpoint, "http://127.0.0.1:4566");
}

TEST(CredentialConfig, KeyIdAndSecretGoTogether) {
  EXPECT_THAT(read(R"({"credentials": {"access_key_id": "AKID"}})").errors,
              ElementsAre("destinations.bus.credentials.secret_access_key: missing: access_key_id and secret_access_key go together"));
  EXPECT_THAT(read(R"({"credentials": {"secret_access_key": "s"}})").errors,
              ElementsAre("destinations.bus.credentials.access_key_id: missing: access_key_id and secret_access_key go together"));
  EXPECT_THAT(read(R"({"credentials": {"session_token": "t"}})").errors,
              ElementsAre("destinations.bus.credentials.session_token: only with access_key_id and secret_access_key"));
}

TEST(CredentialConfig, AnUnresolvableSecretNamesTheVariableNotAValue) {
  unsetenv("RELAY_TEST_NO_SUCH_SECRET");
  const auto r = read(R"({"credentials": {"access_key_id": "AKID", "secret_access_key": "env:RELAY_TEST_NO_SUCH_SECRET"}})");
  EXPECT_THAT(r.errors, ElementsAre("destinations.bus.credentials.secret_access_key: environment variable "
                                    "RELAY_TEST_NO_SUCH_SECRET is not set"));
  EXPECT_FALSE(r.source.fixed);
  EXPECT_THAT(read(R"({"credentials": {"access_key_id": "AKID", "secret_access_key": "file:/nonexistent/relay-secret"}})").errors,
              ElementsAre(HasSubstr("destinations.bus.credentials.secret_access_key: cannot read secret file /nonexistent/relay-secret")));
}

TEST(CredentialConfig, BadValuesArePathQualified) {
  const auto r = read(R"({"credentials": {"role_arn": "arn:aws:iam::123:user/bob", "session_name": "a b",
                                          "duration": "10m", "sts_endpoint": "ftp://sts.example", "extra": 1}})");
  EXPECT_THAT(r.errors,
              ElementsAre("destinations.bus.credentials.role_arn: expected an IAM role ARN such as arn:aws:iam::123456789012:role/relay",
                          "destinations.bus.credentials.session_name: expected 2 to 64 letters, digits or +=,.@_-",
                          "destinations.bus.credentials.duration: expected whole seconds from 15m to 12h",
                          HasSubstr("destinations.bus.credentials.sts_endpoint: "),
                          HasSubstr("destinations.bus.credentials.extra: unknown key (known: access_key_id, ")));
  EXPECT_THAT(read(R"({"credentials": {"role_arn": "arn:aws:iam::123456789012:role/r", "duration": "13h"}})").errors,
              ElementsAre("destinations.bus.credentials.duration: expected whole seconds from 15m to 12h"));
  EXPECT_THAT(read(R"({"credentials": "default"})").errors, ElementsAre("destinations.bus.credentials: expected a mapping"));
}

TEST(CredentialConfig, RoleSettingsNeedARoleAndKeysExcludeAProfile) {
  EXPECT_THAT(read(R"({"credentials": {"external_id": "ext", "duration": "1h"}})").errors,
              ElementsAre("destinations.bus.credentials.external_id: only with role_arn",
                          "destinations.bus.credentials.duration: only with role_arn"));
  EXPECT_THAT(read(R"({"credentials": {"access_key_id": "A", "secret_access_key": "S", "profile": "p"}})").errors,
              ElementsAre("destinations.bus.credentials.profile: give either static keys or a profile, not both"));
}

TEST(CredentialConfig, RoleArnShapes) {
  EXPECT_TRUE(is_role_arn("arn:aws:iam::123456789012:role/relay"));
  EXPECT_TRUE(is_role_arn("arn:aws-cn:iam::123456789012:role/a/b/c+=,.@_-"));
  EXPECT_TRUE(is_role_arn("arn:aws-us-gov:iam::123456789012:role/service-role/x"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::123456789012:role/"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::123456789012:user/relay"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam:us-east-1:123456789012:role/relay"));
  EXPECT_FALSE(is_role_arn("arn:aws:sts::123456789012:role/relay"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::12345678901:role/relay"));
  EXPECT_FALSE(is_role_arn("arn:other:iam::123456789012:role/relay"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::123456789012:role/has space"));
  EXPECT_FALSE(is_role_arn("relay"));
}

}  // namespace
}  // namespace relay::aws
