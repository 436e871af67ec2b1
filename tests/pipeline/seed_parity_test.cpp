// relay against the seed Lambda's own code (tests/pipeline/seed_lambda.py): byte-identical
// where the README promises it, and only the documented differences elsewhere.
#include "relay/core/event.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "tests/support/destinations.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace relay::pipeline {
namespace {

namespace json = boost::json;

std::string sample_path(const std::string& name) { return RELAY_SOURCE_DIR "/payloads/samples/" + name; }

std::string seed_body(const char* kind, const std::string& sample) {
  auto r = testing::run_process({"python3", RELAY_SOURCE_DIR "/tests/pipeline/seed_lambda.py", kind, sample_path(sample)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string relay_body(const std::string& sample) {
  auto p = testing::zero_config_pipeline("https://h.example/", "k");
  core::EventDecoder decoder;
  std::vector<json::value> events;
  EXPECT_FALSE(decoder.decode(testing::read_text(sample_path(sample)), events));
  Outcome out;
  p->process(events.at(0), out);
  return out.deliveries.empty() ? "null" : out.deliveries.at(0).body;
}

// The seed reads the alarm-action shape; for a single-metric alarm relay sends the same bytes.
TEST(SeedParity, AlarmActionBodyIsByteIdentical) {
  for (const char* sample : {"cloudwatch-alarm-lambda-action-metric-alarm.json"})
    EXPECT_EQ(relay_body(sample), seed_body("cloudwatch", sample)) << sample;
}

// For a composite alarm the seed's body plus relay's additions: the alarm rule line and field.
TEST(SeedParity, CompositeAlarmAddsOnlyTheRule) {
  const std::string sample = "cloudwatch-alarm-lambda-action-composite-alarm.json";
  auto seed = json::parse(seed_body("cloudwatch", sample)).as_object();
  auto ours = json::parse(relay_body(sample)).as_object();
  const std::string rule = "ALARM(CompositeDemo.FirstChild) OR ALARM(CompositeDemo.SecondChild)";
  EXPECT_EQ(ours.at("description").as_string(), std::string(seed.at("description").as_string()) + "\nAlarm rule: " + rule);
  ours.erase("description");
  seed.erase("description");
  auto& meta = ours.at("data").as_object().at("metadata").as_object();
  EXPECT_EQ(meta.at("alarmRule").as_string(), rule);
  meta.erase("alarmRule");
  EXPECT_EQ(ours, seed);
}

// ECS: the same fields, except the documented ones (deterministic incidentId and
// timestamp, stop code and exit codes added).
TEST(SeedParity, EcsTaskDiffersOnlyWhereDocumented) {
  const std::string sample = "ecs-task-stopped-exit-codes.json";
  auto seed = json::parse(seed_body("ecs", sample)).as_object();
  auto ours = json::parse(relay_body(sample)).as_object();
  EXPECT_EQ(seed.at("incidentId"), "a1173316d40a45dea9-2025-01-01T00:00:00");
  EXPECT_EQ(ours.at("incidentId"), "a1173316d40a45dea9-2025-05-06T11:40:51.664Z");
  EXPECT_EQ(ours.at("timestamp"), "2025-05-06T11:40:51.664Z");
  const std::string seed_desc(seed.at("description").as_string());
  const std::string our_desc(ours.at("description").as_string());
  const auto containers_at = seed_desc.find("\nContainers:");
  const std::string stop_line = "\nStop code: EssentialContainerExited";
  EXPECT_EQ(our_desc.substr(0, containers_at + stop_line.size()), seed_desc.substr(0, containers_at) + stop_line);
  for (const char* field : {"incidentId", "timestamp", "description"}) {
    seed.erase(field);
    ours.erase(field);
  }
  auto& meta = ours.at("data").as_object().at("metadata").as_object();
  EXPECT_EQ(meta.at("stopCode"), "EssentialContainerExited");
  meta.erase("stopCode");
  EXPECT_EQ(ours, seed);
}

}  // namespace
}  // namespace relay::pipeline
