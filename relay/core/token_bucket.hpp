#pragma once
// A token bucket for rate limits: `per_second` tokens a second, holding at most `burst`,
// full at the start. Each take() reserves the next token, so callers that must wait are
// served in the order they asked. Pure: time is an argument; not thread-safe (callers lock).
#include <chrono>

namespace relay::core {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` > 0, `burst` >= 1.
  TokenBucket(double per_second, double burst);

  // Takes one token: the time it is there, `now` when the bucket holds one.
  Clock::time_point take(Clock::time_point now);

 private:
  Clock::duration interval_;   // between two tokens
  Clock::duration tolerance_;  // how far ahead of the steady rate a burst may run
  Clock::time_point next_{};   // when the steady rate has the next token ready (GCRA's "theoretical arrival")
};

}  // namespace relay::core
