#include "relay/observe/log_line.hpp"
#include "relay/observe/metrics.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

namespace relay::observe {
namespace {

using ::testing::HasSubstr;

// A small Prometheus text parser: sample name with labels -> value; checks every line is
// a comment or "name{labels} value".
std::map<std::string, double> parse_prometheus(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    const auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    const std::string name = line.substr(0, space);
    EXPECT_TRUE(name.find('{') == std::string::npos || name.back() == '}') << line;
    samples[name] = std::stod(line.substr(space + 1));
  }
  return samples;
}

TEST(Metrics, CountersSumEveryThreadsShard) {
  Registry r;
  auto& received = r.counter("relay_events_received_total", "Events received.", {"source", "detail_type"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        received.add({"aws.ecs", "ECS Task State Change"});
        if (i % 2 == 0) received.add({"aws.cloudwatch", "CloudWatch Alarm State Change"}, 3);
      }
    });
  std::string during;
  for (int i = 0; i < 20; ++i) during = r.render();  // scrapes while counting must be safe
  for (auto& t : threads) t.join();
  auto samples = parse_prometheus(r.render());
  EXPECT_EQ(samples[R"(relay_events_received_total{source="aws.ecs",detail_type="ECS Task State Change"})"], 40000);
  EXPECT_EQ(samples[R"(relay_events_received_total{source="aws.cloudwatch",detail_type="CloudWatch Alarm State Change"})"],
            60000);
  EXPECT_THAT(r.render(), HasSubstr("# TYPE relay_events_received_total counter\n"));
}

TEST(Metrics, EscapesLabelValuesAndCountsOverflowAsOther) {
  Registry r;
  auto& c = r.counter("relay_test_total", "Test.", {"source"});
  c.add({"say \"hi\"\\\n"});
  for (int i = 0; i < 600; ++i) c.add({"source-" + std::to_string(i)});
  c.add({std::string(1000, 'x')});
  auto samples = parse_prometheus(r.render());
  EXPECT_EQ(samples[R"(relay_test_total{source="say \"hi\"\\\n"})"], 1);
  EXPECT_EQ(samples[R"(relay_test_total{source="source-0"})"], 1);
  EXPECT_GT(samples[R"(relay_test_total{source="other"})"], 80) << "beyond the table, and too long a value";
}

TEST(Metrics, LabelValuesStayApartWhateverBytesTheyHold) {
  Registry r;
  auto& c = r.counter("relay_events_received_total", "Events received.", {"source", "detail_type"});
  auto& h = r.histogram("relay_attempt_seconds", "Latency.", {"destination", "route"}, {1});
  // Joined with a \x1f separator, both pairs read "aws.ecs\x1fx\x1fT".
  c.add({"aws.ecs\x1fx", "T"});
  c.add({"aws.ecs", "x\x1fT"}, 2);
  h.observe({"a\x1f", "b"}, 0.5);
  h.observe({"a", "\x1f" "b"}, 0.5);
  c.add({"x\",detail_type=\"forged", "a\nb\\"});
  const std::string text = r.render();
  auto samples = parse_prometheus(text);
  EXPECT_EQ(samples["relay_events_received_total{source=\"aws.ecs\x1fx\",detail_type=\"T\"}"], 1);
  EXPECT_EQ(samples["relay_events_received_total{source=\"aws.ecs\",detail_type=\"x\x1fT\"}"], 2);
  EXPECT_EQ(samples["relay_attempt_seconds_count{destination=\"a\x1f\",route=\"b\"}"], 1);
  EXPECT_EQ(samples["relay_attempt_seconds_count{destination=\"a\",route=\"\x1f" "b\"}"], 1);
  EXPECT_THAT(text, HasSubstr(R"(relay_events_received_total{source="x\",detail_type=\"forged",detail_type="a\nb\\"} 1)"));
}

TEST(Metrics, HistogramsAreCumulativeWithSumAndCount) {
  Registry r;
  auto& h = r.histogram("relay_delivery_attempt_seconds", "Attempt latency.", {"destination"}, {0.01, 0.1, 1});
  h.observe({"hook"}, 0.005);
  h.observe({"hook"}, 0.05);
  h.observe({"hook"}, 0.05);
  h.observe({"hook"}, 5);
  auto samples = parse_prometheus(r.render());
  EXPECT_EQ(samples[R"(relay_delivery_attempt_seconds_bucket{destination="hook",le="0.01"})"], 1);
  EXPECT_EQ(samples[R"(relay_delivery_attempt_seconds_bucket{destination="hook",le="0.1"})"], 3);
  EXPECT_EQ(samples[R"(relay_delivery_attempt_seconds_bucket{destination="hook",le="1"})"], 3);
  EXPECT_EQ(samples[R"(relay_delivery_attempt_seconds_bucket{destination="hook",le="+Inf"})"], 4);
  EXPECT_EQ(samples[R"(relay_delivery_attempt_seconds_count{destination="hook"})"], 4);
  EXPECT_NEAR(samples[R"(relay_delivery_attempt_seconds_sum{destination="hook"})"], 5.105, 1e-6);
}

TEST(Metrics, GaugesAreReadAtScrape) {
  Registry r;
  double depth = 3;
  r.gauge("relay_backlog_deliveries", "Deliveries waiting.", [&] { return depth; });
  EXPECT_EQ(parse_prometheus(r.render())["relay_backlog_deliveries"], 3);
  depth = 7.5;
  EXPECT_EQ(parse_prometheus(r.render())["relay_backlog_deliveries"], 7.5);
}

TEST(Metrics, CountersAndLabelledGaugesKeptElsewhereAreReadAtScrape) {
  Registry r;
  double accepted = 2;
  Registry::LabelledValues dead = {{"a", 1}, {"b\"x", 4}};
  r.counter_read("relay_ingress_connections_accepted_total", "Connections accepted.", [&] { return accepted; });
  r.labelled_gauge("relay_dead_letters", "Dead letters.", "destination", [&] { return dead; });
  auto text = r.render();
  EXPECT_THAT(text, HasSubstr("# TYPE relay_ingress_connections_accepted_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE relay_dead_letters gauge\n"));
  auto samples = parse_prometheus(text);
  EXPECT_EQ(samples["relay_ingress_connections_accepted_total"], 2);
  EXPECT_EQ(samples["relay_dead_letters{destination=\"a\"}"], 1);
  EXPECT_EQ(samples["relay_dead_letters{destination=\"b\\\"x\"}"], 4);
  accepted = 5;
  dead = {};
  text = r.render();
  EXPECT_EQ(parse_prometheus(text)["relay_ingress_connections_accepted_total"], 5);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("relay_dead_letters{")));
}

TEST(LogLine, IsOneJsonObjectPerLine) {
  std::string out;
  append_log_line(out, std::chrono::system_clock::time_point(std::chrono::milliseconds(1735689600123)), LogLevel::info,
                  "delivery attempt", {{"event_id", "e1"}, {"status", std::int64_t{503}}, {"error", "a \"quoted\"\nline"}});
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  auto v = boost::json::parse(out).as_object();
  EXPECT_EQ(v.at("time"), "2025-01-01T00:00:00.123Z");
  EXPECT_EQ(v.at("level"), "info");
  EXPECT_EQ(v.at("msg"), "delivery attempt");
  EXPECT_EQ(v.at("status"), 503);
  EXPECT_EQ(v.at("error"), "a \"quoted\"\nline");
  LogLevel level;
  EXPECT_TRUE(parse_log_level("debug", level));
  EXPECT_EQ(level, LogLevel::debug);
  EXPECT_FALSE(parse_log_level("verbose", level));
}

}  // namespace
}  // namespace relay::observe
