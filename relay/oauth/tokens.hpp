#pragma once
// The access tokens relay issues: compact JWS (RFC 7515) signed ES256, header
// {"alg":"ES256","typ":"JWT","kid":<thumbprint>}, and the JWKS that verifies them.
#include <chrono>
#include <string>
#include <string_view>

#include "relay/oauth/settings.hpp"
#include "relay/oauth/signing_key.hpp"

namespace relay::oauth {

// Claims: iss, sub (the client id), aud (when configured), iat, nbf (both `now`, in whole
// seconds), exp (now + token_lifetime), jti, roles (the client's, possibly empty).
std::string issue_token(const SigningKey& key, const Settings& settings, const Client& client,
                        std::chrono::system_clock::time_point now, std::string_view jti);

// {"keys": [{"kty": "EC", "crv": "P-256", "x", "y", "kid", "use": "sig", "alg": "ES256"}]}
std::string jwks_text(const SigningKey& key);

}  // namespace relay::oauth
