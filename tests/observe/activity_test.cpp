#include "relay/observe/activity.hpp"
#include "relay/observe/overview_json.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "relay/core/utc_time.hpp"

namespace relay::observe {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;

TimePoint at(const char* iso) { return *core::parse_utc(iso); }

TEST(MinuteSeries, CountsEachMinuteOfTheLastHourOldestFirst) {
  MinuteSeries series;
  const TimePoint now = at("2026-01-01T12:00:30Z");
  series.add(MinuteSeries::events, now, 3);
  series.add(MinuteSeries::events, now - 59s);  // 11:59:31: the minute before
  series.add(MinuteSeries::deliveries, now - 59min);
  series.add(MinuteSeries::failures, now - 60min);  // 11:00:30: an hour ago, out of the window
  const auto s = series.snapshot(now);
  EXPECT_EQ(s.start, at("2026-01-01T11:01:00Z"));
  EXPECT_EQ(s.counts[MinuteSeries::events][59], 3u);
  EXPECT_EQ(s.counts[MinuteSeries::events][58], 1u);
  EXPECT_EQ(s.counts[MinuteSeries::deliveries][0], 1u);
  std::uint64_t failures = 0;
  for (auto n : s.counts[MinuteSeries::failures]) failures += n;
  EXPECT_EQ(failures, 0u);
}

TEST(MinuteSeries, ABucketStartsAfreshWhenItsMinuteComesRoundAgain) {
  MinuteSeries series;
  const TimePoint t = at("2026-01-01T12:00:00Z");
  series.add(MinuteSeries::events, t, 5);
  series.add(MinuteSeries::events, t + 60min, 2);  // the same bucket, an hour on
  EXPECT_EQ(series.snapshot(t + 60min).counts[MinuteSeries::events][59], 2u);
  series.add(MinuteSeries::events, t, 7);  // more than an hour late: dropped
  EXPECT_EQ(series.snapshot(t + 60min).counts[MinuteSeries::events][59], 2u);
  // Two hours of silence: nothing left in the window.
  const auto later = series.snapshot(t + 3h);
  for (auto n : later.counts[MinuteSeries::events]) EXPECT_EQ(n, 0u);
}

TEST(MinuteSeries, ThreadsCountingTogetherLoseNothing) {
  MinuteSeries series;
  const TimePoint t = at("2026-01-01T12:00:00Z");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&series, t] {
      for (int k = 0; k < 10000; ++k) series.add(MinuteSeries::deliveries, t + std::chrono::seconds(k % 120));
    });
  for (auto& th : threads) th.join();
  const auto s = series.snapshot(t + 1min);
  EXPECT_EQ(s.counts[MinuteSeries::deliveries][58] + s.counts[MinuteSeries::deliveries][59], 40000u);
}

TEST(DestinationHealth, ReportsTheLastAttemptRateAndP99OverTheWindow) {
  DestinationHealth health;
  const TimePoint now = at("2026-01-01T12:00:00Z");
  EXPECT_EQ(health.report("a", now).last_status, std::nullopt);
  // 100 attempts in the window: latencies 1..100 ms, every tenth failed.
  for (int i = 1; i <= 100; ++i)
    health.record("a", {now - 10min + std::chrono::seconds(i), i % 10 == 0 ? 503 : 200, std::chrono::milliseconds(i),
                        i % 10 != 0});
  health.record("a", {now - 20min, 500, 5000ms, false});  // older than the window: last only if newest
  const auto r = health.report("a", now);
  EXPECT_EQ(r.last_status, 503);
  EXPECT_EQ(r.last_attempt, now - 10min + 100s);
  ASSERT_TRUE(r.success_rate);
  EXPECT_DOUBLE_EQ(*r.success_rate, 0.9);
  EXPECT_EQ(r.p99, 99ms);
  EXPECT_EQ(health.report("b", now).p99, std::nullopt);

  // Once the window has passed, the last attempt stays and the rates go.
  const auto quiet = health.report("a", now + 1h);
  EXPECT_EQ(quiet.last_status, 503);
  EXPECT_EQ(quiet.success_rate, std::nullopt);
  EXPECT_EQ(quiet.p99, std::nullopt);
}

TEST(DestinationHealth, KeepsAtMostKKeptAttemptsAndKMaxDestinations) {
  DestinationHealth health;
  const TimePoint now = at("2026-01-01T12:00:00Z");
  // Slow failures first, then kKept fast successes push them all out.
  for (std::size_t i = 0; i < 10; ++i) health.record("a", {now - 2min, 0, 9000ms, false});
  for (std::size_t i = 0; i < DestinationHealth::kKept; ++i) health.record("a", {now - 1min, 200, 3ms, true});
  const auto r = health.report("a", now);
  EXPECT_EQ(r.success_rate, 1.0);
  EXPECT_EQ(r.p99, 3ms);

  for (std::size_t i = 0; i < DestinationHealth::kMaxDestinations; ++i)
    health.record("d" + std::to_string(i), {now, 200, 1ms, true});
  // "a" was attempted longest ago: forgotten for the newest.
  EXPECT_EQ(health.report("a", now).last_status, std::nullopt);
  EXPECT_EQ(health.report("d0", now).last_status, 200);
}

TEST(Activity, CountsOutcomesSeriesAndHealthTogether) {
  Activity activity;
  const TimePoint now = at("2026-01-01T12:00:10Z");
  activity.received(4, now);
  activity.attempted("x", Outcome::delivered, 200, 12ms, now);
  activity.attempted("x", Outcome::retry, 503, 30ms, now);
  activity.attempted("x", Outcome::dead, 400, 7ms, now);
  const auto o = activity.outcomes();
  EXPECT_EQ(o.delivered, 1u);
  EXPECT_EQ(o.retry, 1u);
  EXPECT_EQ(o.dead, 1u);
  const auto s = activity.series(now);
  EXPECT_EQ(s.counts[MinuteSeries::events][59], 4u);
  EXPECT_EQ(s.counts[MinuteSeries::deliveries][59], 1u);
  EXPECT_EQ(s.counts[MinuteSeries::failures][59], 2u);
  EXPECT_EQ(activity.health("x", now).last_status, 400);
}

TEST(OverviewJson, HasTheContractsShape) {
  Activity activity;
  const TimePoint now = at("2026-01-01T12:00:10Z");
  activity.received(2, now - 1min);
  activity.attempted("x", Outcome::dead, 400, 7ms, now);
  const auto body = boost::json::parse(overview_json(
      activity, now, OverviewBacklog{3, 300, 1, now - 90s}, {{"x", false, 1}, {"y", true, 0}}));
  EXPECT_EQ(body.at("now"), "2026-01-01T12:00:10.000Z");
  const auto& series = body.at("series");
  EXPECT_EQ(series.at("step_seconds"), 60);
  EXPECT_EQ(series.at("start"), "2026-01-01T11:01:00.000Z");
  EXPECT_EQ(series.at("events").as_array().size(), 60u);
  EXPECT_EQ(series.at("events").at(58), 2);
  EXPECT_EQ(series.at("failures").at(59), 1);
  EXPECT_EQ(series.at("deliveries").at(59), 0);
  EXPECT_EQ(body.at("outcomes"), boost::json::parse(R"({"delivered": 0, "retry": 0, "dead": 1})"));
  EXPECT_EQ(body.at("backlog"),
            boost::json::parse(R"({"count": 3, "bytes": 300, "oldest_pending_age_seconds": 90, "dead": 1})"));
  EXPECT_EQ(body.at("destinations"), boost::json::parse(R"([
    {"name": "x", "paused": false, "last_status": 400, "last_attempt": "2026-01-01T12:00:10.000Z",
     "success_rate": 0.0, "p99_ms": 7, "dead_letters": 1},
    {"name": "y", "paused": true, "last_status": null, "last_attempt": null, "success_rate": null,
     "p99_ms": null, "dead_letters": 0}])"));
}

TEST(OverviewJson, WithoutAnOutboxTheBacklogIsZerosAndANullAge) {
  Activity activity;
  const auto body = boost::json::parse(overview_json(activity, at("2026-01-01T12:00:00Z"), std::nullopt, {}));
  EXPECT_EQ(body.at("backlog"),
            boost::json::parse(R"({"count": 0, "bytes": 0, "oldest_pending_age_seconds": null, "dead": 0})"));
  EXPECT_TRUE(body.at("destinations").as_array().empty());
}

}  // namespace
}  // namespace relay::observe
