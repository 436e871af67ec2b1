#include "relay/core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace relay::core {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

const Clock::time_point t0 = Clock::time_point() + 1h;

TEST(TokenBucket, ABurstGoesAtOnceThenOneTokenPerInterval) {
  TokenBucket bucket(10, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.take(t0), t0) << "token " << i;
  EXPECT_EQ(bucket.take(t0), t0 + 100ms);
  EXPECT_EQ(bucket.take(t0), t0 + 200ms);
}

TEST(TokenBucket, WaitersAreQueuedInTheOrderTheyAsked) {
  TokenBucket bucket(20, 1);
  EXPECT_EQ(bucket.take(t0), t0);
  std::vector<Clock::time_point> due;
  for (int i = 0; i < 5; ++i) due.push_back(bucket.take(t0 + 1ms));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(due[i], t0 + (i + 1) * 50ms);
}

TEST(TokenBucket, AnIdleBucketRefillsUpToItsBurstOnly) {
  TokenBucket bucket(10, 2);
  EXPECT_EQ(bucket.take(t0), t0);
  EXPECT_EQ(bucket.take(t0), t0);
  const auto later = t0 + 10s;  // enough for a hundred tokens; the bucket holds two
  EXPECT_EQ(bucket.take(later), later);
  EXPECT_EQ(bucket.take(later), later);
  EXPECT_EQ(bucket.take(later), later + 100ms);
}

TEST(TokenBucket, APartlyRefilledBucketGivesWhatHasRefilled) {
  TokenBucket bucket(10, 1);
  EXPECT_EQ(bucket.take(t0), t0);
  EXPECT_EQ(bucket.take(t0 + 40ms), t0 + 100ms);
  EXPECT_EQ(bucket.take(t0 + 250ms), t0 + 250ms);
}

TEST(TokenBucket, ARateBelowOnePerSecondSpacesTokensBySeconds) {
  TokenBucket bucket(0.5, 1);
  EXPECT_EQ(bucket.take(t0), t0);
  EXPECT_EQ(bucket.take(t0), t0 + 2s);
}

// Over any window, at most burst + rate * window tokens are handed out.
TEST(TokenBucket, NoWindowGetsMoreThanTheBurstPlusTheRate) {
  TokenBucket bucket(20, 5);
  std::vector<Clock::time_point> given;
  for (int i = 0; i < 200; ++i) given.push_back(bucket.take(t0 + i * 7ms));
  for (std::size_t a = 0; a < given.size(); ++a) {
    std::size_t in_window = 0;
    for (std::size_t b = a; b < given.size() && given[b] < given[a] + 1s; ++b) ++in_window;
    EXPECT_LE(in_window, 25u);
  }
}

}  // namespace
}  // namespace relay::core
