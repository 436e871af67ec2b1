#include "relay/jwt/key_cache.hpp"

namespace relay::jwt {

std::shared_ptr<const KeySet> KeyCache::keys() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

std::optional<std::string> KeyCache::store_jwks(std::string_view jwks) {
  auto parsed = parse_jwks(jwks);
  if (auto* why = std::get_if<std::string>(&parsed)) return std::move(*why);
  auto keys = std::make_shared<const KeySet>(std::get<KeySet>(std::move(parsed)));
  std::lock_guard lock(mutex_);
  keys_ = std::move(keys);
  return std::nullopt;
}

void KeyCache::set_refresher(std::function<void()> refresh, std::chrono::seconds min_interval) {
  std::lock_guard lock(mutex_);
  refresh_ = std::move(refresh);
  min_interval_ = min_interval;
}

bool KeyCache::request_refresh(std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!refresh_) return false;
  if (last_request_ && now < *last_request_ + min_interval_ && now >= *last_request_) return false;
  last_request_ = now;
  refresh_();  // under the lock: once set_refresher({}) returns, the old refresher is never called
  return true;
}

}  // namespace relay::jwt
