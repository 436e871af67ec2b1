#pragma once
// Keys and JWTs made by the npm `jose` package (tests/support/jose_tokens.mjs), a real
// peer for relay's JWT checks. Fresh keys on every call.
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace relay::testing {

struct JoseToken {
  std::string key = "rsa";  // rsa (kid rsa-1), ec (ec-1), other (rsa-2), hs-rsa-public, none
  boost::json::object claims;
  std::string alg;                  // the header's alg when not the key's
  std::string kid = "(key's)";      // "" leaves it out
  boost::json::object tamper;       // when not empty: the payload swapped for this after signing
};

struct JoseKeys {
  std::string jwks;        // rsa-1 and ec-1
  std::string jwks_other;  // rsa-2 only
  std::string jwks_all;    // all three
  std::vector<std::string> tokens;  // in the order asked
};

// Throws std::runtime_error when npm or node fails.
JoseKeys jose_tokens(const std::vector<JoseToken>& tokens);

}  // namespace relay::testing
