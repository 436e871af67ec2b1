#pragma once
// What a door asks of a token's claims (RFC 7519): its issuer, its audience, a valid time
// window, and roles. Pure (the current time is an argument); any thread.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

namespace relay::jwt {

struct Policy {
  std::string issuer;                        // `iss` must equal it
  std::optional<std::string> audience;       // `aud` (a string or a list) must hold it, when set
  std::vector<std::string> required_roles;   // each must be among the roles claim's values
  std::string roles_claim = "roles";         // a claim name, or a dotted path (realm_access.roles)
  std::chrono::seconds leeway{60};           // clock skew allowed on exp, nbf and iat
};

// nullopt when the claims satisfy `policy` at `now`; otherwise why not (naming the claim,
// never quoting the token). `exp` is required; `nbf` and `iat` are checked when present.
std::optional<std::string> claims_refusal(const boost::json::object& claims, const Policy& policy,
                                          std::chrono::system_clock::time_point now);

}  // namespace relay::jwt
