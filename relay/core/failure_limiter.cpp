#include "relay/core/failure_limiter.hpp"

#include <algorithm>

namespace relay::core {

FailureLimiter::FailureLimiter(std::size_t max_failures, std::chrono::seconds window, std::size_t max_keys)
    : max_failures_(max_failures), window_(window), max_keys_(std::max<std::size_t>(1, max_keys)) {}

std::optional<std::chrono::seconds> FailureLimiter::blocked(std::string_view key, TimePoint now) const {
  const auto it = keys_.find(key);
  if (it == keys_.end() || it->second.failures < max_failures_) return std::nullopt;
  const auto end = it->second.start + window_;
  if (now >= end) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(end - now);
}

void FailureLimiter::record_failure(std::string_view key, TimePoint now) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    if (keys_.size() >= max_keys_) make_room(now);
    it = keys_.emplace(std::string(key), Window{now, 0}).first;
  } else if (now >= it->second.start + window_) {
    it->second = Window{now, 0};
  }
  ++it->second.failures;
}

void FailureLimiter::make_room(TimePoint now) {
  std::erase_if(keys_, [&](const auto& kv) { return now >= kv.second.start + window_; });
  if (keys_.size() < max_keys_) return;
  keys_.erase(std::min_element(keys_.begin(), keys_.end(), [](const auto& a, const auto& b) {
    return a.second.start < b.second.start;
  }));
}

}  // namespace relay::core
