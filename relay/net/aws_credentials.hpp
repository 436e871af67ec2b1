#pragma once
// A destination's AWS credentials, resolved on first use and again before they expire
// (5 minutes ahead, as the AWS SDKs do), never logged. The chain, in the SDKs' order:
//   1. static keys from the destination's `credentials` (or, with `profile`, only that profile);
//   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN];
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME],
//      STS AssumeRoleWithWebIdentity (unsigned);
//   4. the shared credentials/config files, profile AWS_PROFILE or "default";
//   5. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (at 169.254.170.2)
//      or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE / _TOKEN;
//   6. EC2 instance metadata, IMDSv2 only (AWS_EC2_METADATA_SERVICE_ENDPOINT,
//      AWS_EC2_METADATA_DISABLED=true), 1 s per call so a machine without it fails fast.
// A source that is not set up is passed over; one that is set up but fails ends the chain
// (its error is the answer: another identity is never picked up silently). With `role_arn`,
// STS AssumeRole (SigV4, service sts) with what the chain found. STS is
// https://sts.REGION.amazonaws.com unless `sts_endpoint` or AWS_ENDPOINT_URL_STS says else.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "relay/aws/credentials.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

// One per destination, shared by every server thread: get() may be called from coroutines of
// any io_context that one thread runs; the provider outlives every get(). The environment and
// files are read at each resolution, not at construction.
class CredentialProvider {
 public:
  explicit CredentialProvider(aws::CredentialSource source);

  // Credentials that are valid for at least 5 more minutes (or, while a renewal fails, until
  // they expire); or why none can be found, naming every source tried, never a secret. One
  // resolution runs at a time: callers that arrive meanwhile wait for its outcome.
  awaitable<std::variant<aws::Credentials, std::string>> get();

 private:
  awaitable<std::variant<aws::Credentials, std::string>> resolve(asio::io_context& io);
  std::shared_ptr<ssl::context> tls();

  const aws::CredentialSource source_;
  std::mutex mutex_;
  std::optional<aws::Credentials> current_;
  bool resolving_ = false;
  std::uint64_t finished_ = 0;  // resolutions finished so far
  std::string last_error_;      // why the last one failed; empty when it succeeded
  std::vector<std::function<void()>> waiting_;  // wake-ups of the callers waiting for it
  std::shared_ptr<ssl::context> tls_;
};

}  // namespace relay::net
