#pragma once
// Delivery retry policy. Pure: the random draw and the clock are arguments.
#include <chrono>
#include <optional>
#include <string_view>

#include "relay/config/config.hpp"
#include "relay/store/outbox.hpp"

namespace relay::net {

enum class AttemptVerdict { delivered, retry, failed };

// 2xx delivered; 408, 429, 5xx and network errors (status 0) retried; other statuses final.
AttemptVerdict classify_status(unsigned status);

// The longest wait a Retry-After header can impose.
inline constexpr std::chrono::milliseconds kMaxRetryAfter = std::chrono::hours(1);

// The wait before retry number `retry` (0 for the first retry), or nullopt when the policy
// has no more attempts: the schedule's delay spread by +/- jitter using `unit_random` in
// [0, 1), and at least the receiver's Retry-After (capped at kMaxRetryAfter).
std::optional<std::chrono::milliseconds> retry_delay(const config::RetryPolicy& policy, std::size_t retry,
                                                     std::optional<std::chrono::milliseconds> retry_after,
                                                     double unit_random);

// What one attempt means for a stored delivery: delivered, retried after `delay`, or dead
// (a final status, or the schedule is used up). `attempt` is 1 for the first.
struct Settlement {
  store::Verdict verdict = store::Verdict::delivered;
  std::chrono::milliseconds delay{0};
};
Settlement settle(const config::RetryPolicy& policy, int attempt, unsigned status,
                  std::optional<std::chrono::milliseconds> retry_after, double unit_random);

// A Retry-After value: delay-seconds or an IMF-fixdate, as a wait from `now` between 0 and
// kMaxRetryAfter (a date past 2262 included); nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace relay::net
