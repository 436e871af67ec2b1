#include "relay/core/failure_limiter.hpp"

#include <gtest/gtest.h>

namespace relay::core {
namespace {

using namespace std::chrono_literals;
const FailureLimiter::TimePoint kStart{std::chrono::hours(1000)};

TEST(FailureLimiter, BlocksAKeyAfterTheFailuresUntilItsWindowEnds) {
  FailureLimiter limiter(3, 60s);
  for (int i = 0; i < 2; ++i) limiter.record_failure("10.0.0.1", kStart + std::chrono::seconds(i));
  EXPECT_FALSE(limiter.blocked("10.0.0.1", kStart + 2s));
  limiter.record_failure("10.0.0.1", kStart + 10s);
  EXPECT_EQ(limiter.blocked("10.0.0.1", kStart + 10s), 50s);
  EXPECT_EQ(limiter.blocked("10.0.0.1", kStart + 59s + 1ms), 1s);  // rounded up
  EXPECT_FALSE(limiter.blocked("10.0.0.1", kStart + 60s));
  EXPECT_FALSE(limiter.blocked("10.0.0.2", kStart + 10s)) << "other keys are not blocked";
}

TEST(FailureLimiter, FailuresSpreadOverSeveralWindowsNeverBlock) {
  FailureLimiter limiter(3, 60s);
  for (int i = 0; i < 10; ++i) {
    const auto now = kStart + std::chrono::seconds(31 * i);  // two per window at most
    limiter.record_failure("a", now);
    EXPECT_FALSE(limiter.blocked("a", now)) << i;
  }
}

TEST(FailureLimiter, RemembersAtMostMaxKeys) {
  FailureLimiter limiter(1, 60s, 2);
  limiter.record_failure("a", kStart);
  limiter.record_failure("b", kStart + 1s);
  limiter.record_failure("c", kStart + 2s);  // forgets "a", the oldest
  EXPECT_FALSE(limiter.blocked("a", kStart + 3s));
  EXPECT_TRUE(limiter.blocked("b", kStart + 3s));
  EXPECT_TRUE(limiter.blocked("c", kStart + 3s));
  limiter.record_failure("d", kStart + 61s);  // "b"'s window has passed: it goes first
  EXPECT_TRUE(limiter.blocked("c", kStart + 61s));
  EXPECT_TRUE(limiter.blocked("d", kStart + 61s));
}

}  // namespace
}  // namespace relay::core
