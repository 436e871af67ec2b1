// The shared credentials and config files: where they are, how they parse, what a profile gives.
#include "relay/aws/shared_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::aws {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

SharedFile file(std::string path, std::optional<std::string> text) { return {std::move(path), std::move(text)}; }

ProfileCredentials resolved(const SharedFile& credentials, const SharedFile& config, std::string_view profile) {
  auto got = resolve_profile(credentials, config, profile);
  if (auto* e = std::get_if<ProfileProblem>(&got)) ADD_FAILURE() << e->why;
  return std::holds_alternative<ProfileCredentials>(got) ? std::get<ProfileCredentials>(got) : ProfileCredentials{};
}

std::string refused(const SharedFile& credentials, const SharedFile& config, std::string_view profile) {
  auto got = resolve_profile(credentials, config, profile);
  EXPECT_TRUE(std::holds_alternative<ProfileProblem>(got)) << profile;
  return std::holds_alternative<ProfileProblem>(got) ? std::get<ProfileProblem>(got).why : "";
}

TEST(SharedFiles, PathsFromTheEnvironmentOrHome) {
  auto p = shared_file_paths(nullptr, nullptr, "/home/op");
  EXPECT_EQ(p.credentials, "/home/op/.aws/credentials");
  EXPECT_EQ(p.config, "/home/op/.aws/config");
  p = shared_file_paths("/etc/relay/aws-credentials", "~/cfg", "/home/op");
  EXPECT_EQ(p.credentials, "/etc/relay/aws-credentials");
  EXPECT_EQ(p.config, "/home/op/cfg");
  p = shared_file_paths("", "", "/root");
  EXPECT_EQ(p.credentials, "/root/.aws/credentials");
}

TEST(SharedFiles, CredentialsFileProfiles) {
  const auto creds = file("/c", "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\r\naws_secret_access_key=sdefault\n\n"
                                "; another\n[ops]\n  \nAWS_ACCESS_KEY_ID = AKIDOPS\naws_secret_access_key = s=ops\n"
                                "aws_session_token = tok\n");
  const auto none = file("/cfg", std::nullopt);
  auto p = resolved(creds, none, "default");
  EXPECT_EQ(p.keys.access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(p.keys.secret_access_key, "sdefault");
  EXPECT_EQ(p.keys.session_token, "");
  EXPECT_FALSE(p.role);
  p = resolved(creds, none, "ops");
  EXPECT_EQ(p.keys.access_key_id, "AKIDOPS");
  EXPECT_EQ(p.keys.secret_access_key, "s=ops");
  EXPECT_EQ(p.keys.session_token, "tok");
}

TEST(SharedFiles, ConfigFileProfilesAndTheCredentialsFileWins) {
  const auto config = file("/cfg", "[default]\nregion = eu-west-1\n[profile ops]\nregion = us-east-2\n"
                                   "aws_access_key_id = FROMCONFIG\naws_secret_access_key = sconfig\n"
                                   "s3 =\n  max_concurrent_requests = 10\n[sso-session x]\naws_access_key_id = NOTAPROFILE\n"
                                   "[ops]\naws_access_key_id = ALSONOTAPROFILE\n");
  const auto creds = file("/c", "[ops]\naws_access_key_id = FROMCREDS\n");
  auto p = resolved(creds, config, "ops");
  EXPECT_EQ(p.keys.access_key_id, "FROMCREDS");
  EXPECT_EQ(p.keys.secret_access_key, "sconfig");
  EXPECT_EQ(p.region, "us-east-2");
  EXPECT_EQ(refused(creds, config, "default"), "profile default has no aws_access_key_id and aws_secret_access_key");
  EXPECT_EQ(refused(creds, config, "x"), "profile x is in neither /c and /cfg");
  EXPECT_TRUE(std::get<ProfileProblem>(resolve_profile(creds, config, "x")).missing);
  EXPECT_FALSE(std::get<ProfileProblem>(resolve_profile(creds, config, "default")).missing);
}

TEST(SharedFiles, RoleWithSourceProfile) {
  const auto config = file("/cfg", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\n"
                                   "external_id = ext-9\nrole_session_name = relay-deploy\nduration_seconds = 1800\n"
                                   "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/s\nsource_profile = self\n"
                                   "aws_access_key_id = AKIDSELF\naws_secret_access_key = sself\n"
                                   "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = deploy\n"
                                   "[profile orphan]\nrole_arn = arn:aws:iam::123456789012:role/o\n"
                                   "[profile long]\nrole_arn = arn:aws:iam::123456789012:role/l\nsource_profile = base\n"
                                   "duration_seconds = 99999\n");
  const auto creds = file("/c", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = sbase\n");
  auto p = resolved(creds, config, "deploy");
  EXPECT_EQ(p.keys.access_key_id, "AKIDBASE");
  ASSERT_TRUE(p.role);
  EXPECT_EQ(p.role->role_arn, "arn:aws:iam::123456789012:role/deploy");
  EXPECT_EQ(p.role->external_id, "ext-9");
  EXPECT_EQ(p.role->session_name, "relay-deploy");
  EXPECT_EQ(p.role->duration, 1800s);
  p = resolved(creds, config, "self");
  EXPECT_EQ(p.keys.access_key_id, "AKIDSELF");
  ASSERT_TRUE(p.role);
  EXPECT_FALSE(p.role->duration);
  EXPECT_EQ(refused(creds, config, "chained"),
            "profile chained: its source_profile deploy assumes a role too (chained roles are not supported)");
  EXPECT_EQ(refused(creds, config, "orphan"), "profile orphan: role_arn needs source_profile");
  EXPECT_EQ(refused(creds, config, "long"), "profile long: duration_seconds must be a whole number from 900 to 43200");
}

TEST(SharedFiles, UnsupportedSourcesAndHalfKeysAreRefusedWithoutSecrets) {
  const auto creds = file("/c", "[half]\naws_secret_access_key = hush\n[proc]\ncredential_process = /bin/get-creds\n");
  const auto none = file("/cfg", std::nullopt);
  EXPECT_EQ(refused(creds, none, "half"), "profile half has aws_secret_access_key without aws_access_key_id");
  EXPECT_THAT(refused(creds, none, "proc"), HasSubstr("profile proc: credential_process is not supported"));
  EXPECT_EQ(refused(file("/c", std::nullopt), none, "default"), "profile default is in neither /c (absent) and /cfg (absent)");
}

TEST(SharedFiles, MalformedLinesNameFileAndLine) {
  const auto none = file("/cfg", std::nullopt);
  EXPECT_EQ(refused(file("/c", "[default]\naws_access_key_id = A\nthis line is wrong\n"), none, "default"),
            "/c line 3: expected [section] or key = value");
  EXPECT_EQ(refused(file("/c", "aws_access_key_id = A\n"), none, "default"), "/c line 1: a setting before any [section]");
  EXPECT_EQ(refused(file("/c", "[default\n"), none, "default"), "/c line 1: expected [section]");
  EXPECT_EQ(refused(file("/c", "[]\n"), none, "default"), "/c line 1: a section without a name");
  EXPECT_EQ(refused(file("/c", "[default]\n  nested = 1\n"), none, "default"),
            "/c line 2: an indented line without a setting above it");
  EXPECT_THAT(refused(none, file("/cfg", "[profile a]\n= hush\n"), "a"),
              AllOf(HasSubstr("/cfg line 2: a setting without a name"), Not(HasSubstr("hush"))));
}

}  // namespace
}  // namespace relay::aws
