#include "relay/net/retry.hpp"

#include "relay/destination/webhook.hpp"

#include <gtest/gtest.h>

namespace relay::net {
namespace {

using namespace std::chrono_literals;

TEST(Retry, AWebhookClassifiesStatuses) {
  using destination::verdict_for_status;
  EXPECT_EQ(verdict_for_status(200), destination::Verdict::delivered);
  EXPECT_EQ(verdict_for_status(204), destination::Verdict::delivered);
  for (unsigned s : {0u, 408u, 429u, 500u, 502u, 503u, 504u})
    EXPECT_EQ(verdict_for_status(s), destination::Verdict::retry) << s;
  for (unsigned s : {301u, 400u, 401u, 403u, 404u, 409u, 413u})
    EXPECT_EQ(verdict_for_status(s), destination::Verdict::dead) << s;
}

TEST(Retry, DelayFollowsTheScheduleWithinTheJitter) {
  destination::RetryPolicy p;
  p.schedule = {1000ms, 4000ms};
  p.jitter = 0.25;
  EXPECT_EQ(retry_delay(p, 0, std::nullopt, 0.0), 750ms);
  EXPECT_EQ(retry_delay(p, 0, std::nullopt, 0.5), 1000ms);
  EXPECT_EQ(retry_delay(p, 1, std::nullopt, 0.999999), 4999ms);
  EXPECT_EQ(retry_delay(p, 2, std::nullopt, 0.5), std::nullopt);
}

TEST(Retry, RetryAfterIsALowerBoundCapped) {
  destination::RetryPolicy p;
  p.schedule = {100ms};
  p.jitter = 0;
  EXPECT_EQ(retry_delay(p, 0, 2000ms, 0.5), 2000ms);
  EXPECT_EQ(retry_delay(p, 0, 10ms, 0.5), 100ms);
  EXPECT_EQ(retry_delay(p, 0, std::chrono::hours(48), 0.5), kMaxRetryAfter);
}

TEST(Retry, SettlesAStoredDeliveryByStatusAndAttempt) {
  destination::RetryPolicy p;
  p.schedule = {100ms, 200ms};
  p.jitter = 0;
  using store::Verdict;
  EXPECT_EQ(settle(p, 1, destination::Verdict::delivered, std::nullopt, 0.5).verdict, Verdict::delivered);
  EXPECT_EQ(settle(p, 1, destination::Verdict::dead, std::nullopt, 0.5).verdict, Verdict::dead) << "other 4xx: dead at once";
  const auto first = settle(p, 1, destination::Verdict::retry, std::nullopt, 0.5);
  EXPECT_EQ(first.verdict, Verdict::retry);
  EXPECT_EQ(first.delay, 100ms);
  EXPECT_EQ(settle(p, 2, destination::Verdict::retry, std::nullopt, 0.5).delay, 200ms) << "a network error is retried on the schedule";
  EXPECT_EQ(settle(p, 2, destination::Verdict::retry, 1000ms, 0.5).delay, 1000ms) << "Retry-After";
  EXPECT_EQ(settle(p, 3, destination::Verdict::retry, std::nullopt, 0.5).verdict, Verdict::dead) << "the schedule is used up";
}

TEST(Retry, ParsesRetryAfterSecondsAndDates) {
  const auto now =
      std::chrono::sys_days(std::chrono::year(2015) / 10 / 21) + std::chrono::hours(7) + std::chrono::minutes(28);
  EXPECT_EQ(parse_retry_after("3", now), 3000ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now), 10000ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0ms);
  for (const char* bad : {"", "-1", "soon", "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00"})
    EXPECT_FALSE(parse_retry_after(bad, now)) << bad;
}

TEST(Retry, RetryAfterFarAwayIsCappedNotOverflowed) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year(2025) / 1 / 1));
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("Fri, 11 Apr 2262 23:47:17 GMT", now), kMaxRetryAfter) << "just past the clock's end";
  EXPECT_EQ(parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", now), 0ms) << "long past: now";
  EXPECT_EQ(parse_retry_after("86400", now), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("Wed, 01 Jan 2025 00:30:00 GMT", now), 30min);
}

}  // namespace
}  // namespace relay::net
