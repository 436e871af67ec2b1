#pragma once
// Delivery retry policy. Pure: the random draw and the clock are arguments.
#include <chrono>
#include <optional>
#include <string_view>

#include "relay/destination/destination.hpp"
#include "relay/store/outbox.hpp"

namespace relay::net {

// The longest wait a Retry-After header can impose.
inline constexpr std::chrono::milliseconds kMaxRetryAfter = std::chrono::hours(1);

// The wait before retry number `retry` (0 for the first retry), or nullopt when the policy
// has no more attempts: the schedule's delay spread by +/- jitter using `unit_random` in
// [0, 1), and at least the receiver's Retry-After (capped at kMaxRetryAfter).
std::optional<std::chrono::milliseconds> retry_delay(const destination::RetryPolicy& policy, std::size_t retry,
                                                     std::optional<std::chrono::milliseconds> retry_after,
                                                     double unit_random);

// What one attempt means for a stored delivery, given its destination's verdict: delivered,
// retried after `delay`, or dead (a final verdict, or the schedule is used up). `attempt` is
// 1 for the first.
struct Settlement {
  store::Verdict verdict = store::Verdict::delivered;
  std::chrono::milliseconds delay{0};
};
Settlement settle(const destination::RetryPolicy& policy, int attempt, destination::Verdict verdict,
                  std::optional<std::chrono::milliseconds> retry_after, double unit_random);

// A Retry-After value: delay-seconds or an IMF-fixdate, as a wait from `now` between 0 and
// kMaxRetryAfter (a date past 2262 included); nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace relay::net
