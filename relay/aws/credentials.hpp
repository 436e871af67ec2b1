#pragma once
// AWS credentials and where a destination gets them from. Plain data: resolving the chain
// (environment, shared files, container and instance endpoints, STS) is the network
// layer's; values here are secrets and are never printed.
#include <chrono>
#include <optional>
#include <string>

namespace relay::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: they do not expire
};

// A destination's `credentials` setting. Static keys when given, else the standard chain
// (environment, shared credentials/config file with `profile`, container credentials,
// instance metadata, web identity); with `role_arn`, STS AssumeRole on top of whichever applies.
struct CredentialSource {
  std::optional<Credentials> fixed;
  std::string profile;  // empty: AWS_PROFILE, else "default"
  std::string role_arn;
  std::string external_id;
  std::string session_name;
  std::chrono::seconds duration{3600};
  std::string sts_endpoint;  // empty: the regional STS endpoint of `region`
  std::string region;        // the destination's region (for STS)
};

}  // namespace relay::aws
