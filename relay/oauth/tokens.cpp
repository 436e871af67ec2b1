#include "relay/oauth/tokens.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "relay/core/base64.hpp"

namespace relay::oauth {

namespace json = boost::json;

std::string issue_token(const SigningKey& key, const Settings& settings, const Client& client,
                        std::chrono::system_clock::time_point now, std::string_view jti) {
  const std::int64_t issued = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const json::object header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.thumbprint()}};
  json::object claims{{"iss", settings.issuer}, {"sub", client.id}};
  if (!settings.audience.empty()) claims["aud"] = settings.audience;
  claims["iat"] = issued;
  claims["nbf"] = issued;
  claims["exp"] = issued + settings.token_lifetime.count();
  claims["jti"] = jti;
  json::array roles;
  for (const auto& role : client.roles) roles.emplace_back(role);
  claims["roles"] = std::move(roles);
  const std::string signing_input = core::base64url_encode(json::serialize(header)) + "." + core::base64url_encode(json::serialize(claims));
  return signing_input + "." + core::base64url_encode(key.sign(signing_input));
}

std::string jwks_text(const SigningKey& key) {
  const json::object jwk{{"kty", "EC"},  {"crv", "P-256"}, {"x", key.x()}, {"y", key.y()}, {"kid", key.thumbprint()},
                         {"use", "sig"}, {"alg", "ES256"}};
  return json::serialize(json::object{{"keys", json::array{jwk}}});
}

}  // namespace relay::oauth
