#pragma once
// A JSON Web Key Set (RFC 7517) as relay verifies tokens with it: RSA keys (n, e; at least
// 2048 bits) for RS256 and EC P-256 keys (crv, x, y) for ES256. Each key verifies with one
// algorithm only, the one its type decides (a JWK's `alg`, when given, must agree): a token
// cannot pick how a key is used. Immutable once parsed; any thread may read it.
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace relay::jwt {

enum class Algorithm { rs256, es256 };

std::string_view algorithm_name(Algorithm alg);

struct PublicKey {
  std::string kid;  // empty when the JWK has none
  Algorithm alg = Algorithm::rs256;
  std::shared_ptr<evp_pkey_st> key;
};

struct KeySet {
  std::vector<PublicKey> keys;
  // Keys of the document passed over, each with why ("keys[2]: kty \"oct\" is not RSA or
  // EC"): another use than "sig", another type, curve or algorithm, or a malformed key.
  std::vector<std::string> skipped;
};

// The key set of a JWKS document; an error (what, where) when the text is not a JWKS or
// holds no usable key, so a cache keeps the set it has.
std::variant<KeySet, std::string> parse_jwks(std::string_view text);

}  // namespace relay::jwt
