#pragma once
// For tests of relay's AWS calls: a process environment without the developer's AWS settings.
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "tests/support/run_process.hpp"

namespace relay::testing {

// Every variable the credential chain and the Secrets Manager fetcher read, cleared for the test and restored afterwards. HOME points
// at an empty directory and instance metadata is off unless a test says otherwise, so no
// test ever reaches past loopback.
class AwsEnvironment {
 public:
  AwsEnvironment() {
    for (const char* name : kNames) {
      const char* value = std::getenv(name);
      saved_[name] = value ? std::optional<std::string>(value) : std::nullopt;
      unsetenv(name);
    }
    set("HOME", home.path());
    set("AWS_EC2_METADATA_DISABLED", "true");
  }
  ~AwsEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }
  void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }
  void unset(const char* name) { unsetenv(name); }

  TempDir home;

 private:
  static constexpr const char* kNames[] = {
      "HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
      "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL_STS", "AWS_REGION",
      "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"};
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace relay::testing
