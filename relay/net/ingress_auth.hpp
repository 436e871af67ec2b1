#pragma once
// Ingress authentication, one scheme per listener, as EventBridge connections send it:
// none, api_key (a named header), basic, bearer, hmac-timestamp with a clock tolerance, and
// jwt (a bearer JWT verified with a shared key cache, see relay/jwt/verify.hpp; a refused
// token's reason is logged at info, never the token).
// Pure: the caller passes the header values and the current time. Secrets are compared
// in constant time (their lengths included); nothing here logs or returns a secret.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "relay/config/config.hpp"
#include "relay/core/hmac.hpp"
#include "relay/jwt/key_cache.hpp"

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
  // `keys` is required for jwt (the door's key cache) and not looked at otherwise; throws
  // std::invalid_argument when jwt has none.
  explicit IngressAuthenticator(const config::IngressConfig& config, std::shared_ptr<jwt::KeyCache> keys = nullptr);

  // The header an api_key listener reads; empty for other schemes.
  const std::string& api_key_header() const { return api_key_header_; }

  // True for hmac-timestamp, which signs the body; the other schemes decide on headers alone.
  bool needs_body() const { return scheme_ == config::IngressAuth::hmac_timestamp; }

  // Whether the request may pass; `body` is the exact bytes received. Any thread.
  AuthVerdict check(const Credentials& credentials, std::string_view body,
                    std::chrono::system_clock::time_point now) const;

 private:
  bool allows(const Credentials& credentials, std::string_view body, std::chrono::system_clock::time_point now) const;
  AuthVerdict check_jwt(std::string_view authorization, std::chrono::system_clock::time_point now) const;

  config::IngressAuth scheme_;
  std::string api_key_header_;
  std::string secret_;
  std::chrono::seconds tolerance_;
  std::optional<core::HmacSha256> hmac_;
  jwt::Policy jwt_policy_;
  std::shared_ptr<jwt::KeyCache> jwt_keys_;
};

}  // namespace relay::net
