#include "relay/jwt/claims.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cmath>

namespace relay::jwt {

namespace json = boost::json;

namespace {

// A NumericDate claim in seconds since the epoch; nullopt when absent or not a number.
std::optional<double> numeric_date(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (!v || !v->is_number()) return std::nullopt;
  const double seconds = v->to_number<double>();
  if (!std::isfinite(seconds)) return std::nullopt;
  return seconds;
}

const json::value* at_path(const json::object& claims, std::string_view path) {
  const json::object* object = &claims;
  for (;;) {
    const auto dot = path.find('.');
    const auto* v = object->if_contains(path.substr(0, dot));
    if (!v || dot == std::string_view::npos) return v;
    if (!v->is_object()) return nullptr;
    object = &v->get_object();
    path.remove_prefix(dot + 1);
  }
}

// The roles claim's values: a list of strings, or one space-separated string (`scope`).
std::vector<std::string_view> roles_of(const json::value& v) {
  std::vector<std::string_view> roles;
  if (v.is_array()) {
    for (const auto& item : v.get_array())
      if (item.is_string()) roles.emplace_back(item.get_string());
  } else if (v.is_string()) {
    std::string_view rest = v.get_string();
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      if (space != 0) roles.push_back(rest.substr(0, space));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }
  return roles;
}

bool audience_holds(const json::value& aud, std::string_view audience) {
  if (aud.is_string()) return aud.get_string() == audience;
  if (!aud.is_array()) return false;
  const auto& list = aud.get_array();
  return std::any_of(list.begin(), list.end(),
                     [&](const json::value& a) { return a.is_string() && a.get_string() == audience; });
}

}  // namespace

std::optional<std::string> claims_refusal(const json::object& claims, const Policy& policy,
                                          std::chrono::system_clock::time_point now) {
  const double at = std::chrono::duration<double>(now.time_since_epoch()).count();
  const auto leeway = static_cast<double>(policy.leeway.count());
  const auto exp = numeric_date(claims, "exp");
  if (!exp) return std::string("exp is missing or not a number");
  if (at > *exp + leeway) return std::string("expired (exp)");
  if (claims.contains("nbf")) {
    const auto nbf = numeric_date(claims, "nbf");
    if (!nbf) return std::string("nbf is not a number");
    if (at + leeway < *nbf) return std::string("not yet valid (nbf)");
  }
  if (claims.contains("iat")) {
    const auto iat = numeric_date(claims, "iat");
    if (!iat) return std::string("iat is not a number");
    if (at + leeway < *iat) return std::string("issued in the future (iat)");
  }
  const auto* iss = claims.if_contains("iss");
  if (!iss || !iss->is_string() || iss->get_string() != policy.issuer)
    return std::string("issuer (iss) does not match");
  if (policy.audience) {
    const auto* aud = claims.if_contains("aud");
    if (!aud || !audience_holds(*aud, *policy.audience)) return std::string("audience (aud) does not match");
  }
  if (!policy.required_roles.empty()) {
    const auto* value = at_path(claims, policy.roles_claim);
    const auto roles = value ? roles_of(*value) : std::vector<std::string_view>{};
    for (const auto& role : policy.required_roles)
      if (std::find(roles.begin(), roles.end(), role) == roles.end())
        return "role \"" + role + "\" missing from " + policy.roles_claim;
  }
  return std::nullopt;
}

}  // namespace relay::jwt
