#pragma once
// Ingress authentication, one scheme per listener, as EventBridge connections send it:
// none, api_key (a named header), basic, bearer, and hmac-timestamp with a clock tolerance.
// Pure: the caller passes the header values and the current time. Secrets are compared
// in constant time (their lengths included); nothing here logs or returns a secret.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "relay/config/config.hpp"
#include "relay/core/hmac.hpp"

namespace relay::net {

// The request headers authentication may look at (empty when absent).
struct Credentials {
  std::string_view authorization{};
  std::string_view api_key{};    // the value of the configured api_key header
  std::string_view timestamp{};  // x-amzn-event-timestamp
  std::string_view signature{};  // x-amzn-event-signature
};

// `unavailable`: the request cannot be judged now (a key set that was never fetched), so
// it is refused with 503 rather than 401.
enum class AuthVerdict { allowed, refused, unavailable };

class IngressAuthenticator {
 public:
  explicit IngressAuthenticator(const config::IngressConfig& config);

  // The header an api_key listener reads; empty for other schemes.
  const std::string& api_key_header() const { return api_key_header_; }

  // True for hmac-timestamp, which signs the body; the other schemes decide on headers alone.
  bool needs_body() const { return scheme_ == config::IngressAuth::hmac_timestamp; }

  // Whether the request may pass; `body` is the exact bytes received.
  AuthVerdict check(const Credentials& credentials, std::string_view body,
                    std::chrono::system_clock::time_point now) const;

 private:
  bool allows(const Credentials& credentials, std::string_view body, std::chrono::system_clock::time_point now) const;

  config::IngressAuth scheme_;
  std::string api_key_header_;
  std::string secret_;
  std::chrono::seconds tolerance_;
  std::optional<core::HmacSha256> hmac_;
};

}  // namespace relay::net
