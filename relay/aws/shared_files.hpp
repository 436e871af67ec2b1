#pragma once
// The AWS shared credentials and config files (~/.aws/credentials, ~/.aws/config): where
// they are, and what a profile in them says. Pure: the caller reads the files and the
// environment; any thread.
//
// Supported in a profile: aws_access_key_id, aws_secret_access_key, aws_session_token,
// region, and role_arn with source_profile (whose static keys sign one AssumeRole; external_id,
// role_session_name, duration_seconds apply). credential_source, credential_process,
// sso_* and web_identity_token_file are refused with a clear error, never silently skipped.
#include "relay/aws/credentials.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace relay::aws {

struct SharedFilePaths {
  std::string credentials;
  std::string config;
};

// AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE when set (a leading ~/ is `home`), else
// `home`/.aws/credentials and `home`/.aws/config. Null or empty arguments count as unset.
SharedFilePaths shared_file_paths(const char* credentials_env, const char* config_env, const char* home);

// One file's text and its path (for messages); an absent file has no text.
struct SharedFile {
  std::string path;
  std::optional<std::string> text;
};

// A profile's settings: key -> value, from both files (the credentials file wins).
using ProfileSettings = std::map<std::string, std::string, std::less<>>;

// Every profile in `file`: "[name]" sections of a credentials file (`is_config` false),
// "[default]" and "[profile name]" of a config file. Other sections, comments (# ;) and
// indented sub-settings are skipped; a line that is neither is an error "PATH line N: what".
std::variant<std::map<std::string, ProfileSettings, std::less<>>, std::string> parse_shared_file(const SharedFile& file,
                                                                                                bool is_config);

// An AssumeRole a profile asks for on top of its source profile's keys.
struct ProfileRole {
  std::string role_arn;
  std::string external_id;
  std::string session_name;  // empty: the caller's default
  std::optional<std::chrono::seconds> duration;
};

struct ProfileCredentials {
  Credentials keys;                 // the profile's own, or its source profile's
  std::optional<ProfileRole> role;  // set when the profile names a role_arn
  std::string region;               // the profile's region setting, empty when none
};

// Why a profile gives no credentials. Never quotes a secret.
struct ProfileProblem {
  std::string why;
  bool missing = false;  // neither file has the profile (the rest: it is there but unusable)
};

// What `profile` in the two files gives, or why nothing (the profile is missing from both,
// has no keys, a file is malformed, or it uses a source relay does not support).
std::variant<ProfileCredentials, ProfileProblem> resolve_profile(const SharedFile& credentials, const SharedFile& config,
                                                                 std::string_view profile);

}  // namespace relay::aws
