#pragma once
// A bearer JWT judged against a key set and a policy: parse, pick the key, check the
// signature, then the claims. The key decides the algorithm: `none`, HS256 and any alg the
// chosen key does not verify with are refused, so a token cannot turn an RSA public key
// into an HMAC secret. Pure; any thread.
#include <chrono>
#include <string>
#include <string_view>

#include "relay/jwt/claims.hpp"
#include "relay/jwt/jwks.hpp"

namespace relay::jwt {

struct Verdict {
  // unknown_key: the token names a kid the set does not hold (a fetch of the JWKS may
  // find it); it is refused like any other.
  enum Outcome { accepted, refused, unknown_key } outcome = refused;
  std::string reason;  // why not, for logs; never quotes the token
};

Verdict verify_token(std::string_view compact, const KeySet& keys, const Policy& policy,
                     std::chrono::system_clock::time_point now);

}  // namespace relay::jwt
