#include "relay/core/token_bucket.hpp"

#include <algorithm>

namespace relay::core {

namespace {

TokenBucket::Clock::duration seconds(double s) {
  return std::chrono::duration_cast<TokenBucket::Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

TokenBucket::TokenBucket(double per_second, double burst)
    : interval_(seconds(1.0 / per_second)), tolerance_(seconds((burst - 1.0) / per_second)) {}

TokenBucket::Clock::time_point TokenBucket::take(Clock::time_point now) {
  // The generic cell rate algorithm: a bucket of `burst` tokens refilled at the rate is
  // the same as a schedule of one token per interval that may run `burst - 1` intervals early.
  const auto due = std::max(next_, now);
  next_ = due + interval_;
  return std::max(now, due - tolerance_);
}

}  // namespace relay::core
