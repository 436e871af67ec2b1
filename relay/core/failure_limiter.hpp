#pragma once
// Failed attempts counted per key (a client address) in fixed windows: a key with
// `max_failures` failures within `window` of its first one is blocked until that window
// ends. Pure (time is an argument) and not thread-safe. At most `max_keys` keys are
// remembered; beyond that the ones whose window has passed are forgotten first, then the
// oldest.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace relay::core {

class FailureLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  FailureLimiter(std::size_t max_failures, std::chrono::seconds window, std::size_t max_keys = 10000);

  // The whole seconds `key` must wait before it may try again, or nullopt when it may now.
  std::optional<std::chrono::seconds> blocked(std::string_view key, TimePoint now) const;

  void record_failure(std::string_view key, TimePoint now);

 private:
  struct Window {
    TimePoint start;
    std::size_t failures = 0;
  };
  void make_room(TimePoint now);

  std::size_t max_failures_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  std::map<std::string, Window, std::less<>> keys_;
};

}  // namespace relay::core
