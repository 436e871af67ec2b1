#include "relay/net/ingress_auth.hpp"

#include <algorithm>
#include <cctype>

#include "relay/core/base64.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/jwt/verify.hpp"
#include "relay/net/log.hpp"

namespace relay::net {

namespace {

// The credentials after "<scheme> " in an Authorization header (scheme case-insensitive),
// or nullopt when the header uses another scheme.
std::optional<std::string_view> authorization_param(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  const bool same = std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  if (!same) return std::nullopt;
  std::string_view param = header.substr(scheme.size() + 1);
  while (!param.empty() && param.front() == ' ') param.remove_prefix(1);
  return param;
}

}  // namespace

IngressAuthenticator::IngressAuthenticator(const config::IngressConfig& config, std::shared_ptr<jwt::KeyCache> keys)
    : scheme_(config.auth), secret_(config.secret), tolerance_(config.hmac_tolerance) {
  if (scheme_ == config::IngressAuth::jwt) {
    if (!keys) throw std::invalid_argument("jwt ingress auth needs a key cache");
    jwt_policy_ = config.jwt.policy;
    jwt_keys_ = std::move(keys);
  }
  if (scheme_ == config::IngressAuth::api_key) {
    api_key_header_ = config.api_key_header;
    std::transform(api_key_header_.begin(), api_key_header_.end(), api_key_header_.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (scheme_ == config::IngressAuth::hmac_timestamp) hmac_.emplace(secret_);
}

AuthVerdict IngressAuthenticator::check(const Credentials& c, std::string_view body,
                                        std::chrono::system_clock::time_point now) const {
  if (scheme_ == config::IngressAuth::jwt) return check_jwt(c.authorization, now);
  return allows(c, body, now) ? AuthVerdict::allowed : AuthVerdict::refused;
}

AuthVerdict IngressAuthenticator::check_jwt(std::string_view authorization,
                                            std::chrono::system_clock::time_point now) const {
  const auto token = authorization_param(authorization, "Bearer");
  if (!token || token->empty()) return AuthVerdict::refused;
  const auto keys = jwt_keys_->keys();
  if (!keys) {
    jwt_keys_->request_refresh(now);
    return AuthVerdict::unavailable;
  }
  const auto verdict = jwt::verify_token(*token, *keys, jwt_policy_, now);
  if (verdict.outcome == jwt::Verdict::accepted) return AuthVerdict::allowed;
  if (verdict.outcome == jwt::Verdict::unknown_key) jwt_keys_->request_refresh(now);
  if (log_enabled(observe::LogLevel::info))
    log(observe::LogLevel::info, "ingress: bearer JWT refused", {{"reason", verdict.reason}});
  return AuthVerdict::refused;
}

bool IngressAuthenticator::allows(const Credentials& c, std::string_view body,
                                  std::chrono::system_clock::time_point now) const {
  switch (scheme_) {
    case config::IngressAuth::none:
      return true;
    case config::IngressAuth::jwt:
      return false;  // check_jwt
    case config::IngressAuth::api_key:
      return !c.api_key.empty() && core::constant_time_equal(c.api_key, secret_);
    case config::IngressAuth::bearer: {
      const auto token = authorization_param(c.authorization, "Bearer");
      return token && !token->empty() && core::constant_time_equal(*token, secret_);
    }
    case config::IngressAuth::basic: {
      const auto param = authorization_param(c.authorization, "Basic");
      const auto decoded = param ? core::base64_decode(*param) : std::nullopt;
      return decoded && core::constant_time_equal(*decoded, secret_);
    }
    case config::IngressAuth::hmac_timestamp: {
      const auto signed_at = core::parse_signing_time(c.timestamp);
      if (!signed_at) return false;
      const auto skew = now > *signed_at ? now - *signed_at : *signed_at - now;
      return skew <= tolerance_ && core::hmac_timestamp_valid(*hmac_, c.timestamp, body, c.signature);
    }
  }
  return false;
}

}  // namespace relay::net
