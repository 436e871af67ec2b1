#pragma once
// relay's authorization-server paths as plain functions of the request:
//   GET /oauth/jwks.json    the public key that verifies relay's tokens
//   GET|POST|PUT /oauth/token   client-credentials grant (RFC 6749 4.4), as an EventBridge
//                               OAuth connection asks: client id and secret as HTTP Basic
//                               (or client_id/client_secret form fields), grant_type in a
//                               form (or JSON) body or the query.
// Errors follow RFC 6749 5.2: invalid_client 401 with WWW-Authenticate: Basic,
// invalid_request / unsupported_grant_type 400. Immutable once built: any thread may call.
#include <chrono>
#include <string>
#include <string_view>

#include "relay/oauth/settings.hpp"
#include "relay/oauth/signing_key.hpp"

namespace relay::oauth {

inline constexpr std::string_view kTokenPath = "/oauth/token";
inline constexpr std::string_view kJwksPath = "/oauth/jwks.json";

// Whether the request target's path (the query ignored) is one of the paths above.
bool is_oauth_target(std::string_view target);

struct OAuthRequest {
  std::string_view method;
  std::string_view target;  // path and query
  std::string_view content_type;
  std::string_view authorization;
  std::string_view body;
};

// A JSON answer and the headers it needs besides Content-Type (empty: not sent).
struct OAuthAnswer {
  unsigned status = 200;
  std::string body;
  std::string cache_control;     // "no-store" for every token answer
  std::string www_authenticate;  // on 401
  std::string allow;             // on 405
};

class TokenEndpoint {
 public:
  TokenEndpoint(Settings settings, SigningKey key);

  // `now` stamps a token, `jti` (unique, unguessable) names it.
  OAuthAnswer answer(const OAuthRequest& request, std::chrono::system_clock::time_point now,
                     std::string_view jti) const;
  // The JWKS text GET /oauth/jwks.json serves (for verifying relay's tokens in-process too).
  const std::string& jwks() const { return jwks_; }
  const Settings& settings() const { return settings_; }

 private:
  OAuthAnswer token(const OAuthRequest& request, std::chrono::system_clock::time_point now, std::string_view jti) const;

  Settings settings_;
  SigningKey key_;
  std::string jwks_;
};

}  // namespace relay::oauth
