#pragma once
// A compact JWS (RFC 7515) as a JWT travels in `Authorization: Bearer`: its header fields,
// its claims, and the signature over "header.payload", checked with one key. Pure; any thread.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "relay/jwt/jwks.hpp"

namespace relay::jwt {

struct Token {
  std::string alg;
  std::optional<std::string> kid;
  boost::json::object claims;
  std::string_view signing_input;  // "header.payload": points into the text parsed
  std::string signature;           // decoded
};

// Three base64url parts, a header that is a JSON object with a string `alg` (and, when
// present, a string `kid`, a `typ` of JWT or at+jwt, no `crit`), and claims that are a
// JSON object; otherwise why not. The token text must outlive the result.
std::variant<Token, std::string> parse_token(std::string_view compact);

// Whether `signature` is `key`'s signature over `signing_input` with the key's algorithm
// (RS256: RSASSA-PKCS1-v1_5 with SHA-256; ES256: ECDSA P-256 with SHA-256, signature r||s).
bool signature_valid(const PublicKey& key, std::string_view signing_input, std::string_view signature);

}  // namespace relay::jwt
