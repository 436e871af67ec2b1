// Every sample in payloads/samples/ goes through the zero-config pipeline; what it routes,
// skips and sends must equal payloads/golden/<sample>.json. The golden keeps each body as
// JSON for reading; the test re-serialises it in the relay's style and compares bytes.
// RELAY_UPDATE_GOLDEN=1 rewrites the goldens from the current output.
#include "relay/core/event.hpp"
#include "relay/core/json_writer.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "tests/support/destinations.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace relay::pipeline {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kTimestamp = "2025-01-01T00:00:00.000Z";

std::shared_ptr<const Pipeline> zero_config_pipeline() {
  return testing::zero_config_pipeline("https://webhook.example/hooks/devops-agent", "golden-secret");
}

// The golden document for one sample: an array with one entry per event.
json::array run_sample(const Pipeline& pipeline, const std::string& text) {
  core::EventDecoder decoder;
  std::vector<json::value> events;
  auto err = decoder.decode(text, events);
  EXPECT_FALSE(err) << err->message();
  json::array doc;
  for (const auto& ev : events) {
    Outcome outcome;
    pipeline.process(ev, outcome);
    json::array deliveries, skipped;
    for (const auto& d : outcome.deliveries)
      deliveries.push_back(json::object{{"route", d.route}, {"body", json::parse(d.body)}});
    for (const auto& s : outcome.skipped) skipped.push_back(json::object{{"route", s.route}, {"reason", s.reason}});
    doc.push_back(json::object{
        {"event_id", core::Event::view(ev).id}, {"deliveries", deliveries}, {"skipped", skipped}});
  }
  return doc;
}

std::vector<fs::path> samples() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(RELAY_SOURCE_DIR "/payloads/samples"))
    if (e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void write_golden(const fs::path& path, const json::array& doc) {
  std::string compact;
  core::JsonWriter(compact).value(doc);
  auto pretty = testing::run_process(
      {"python3", "-c", "import json,sys; print(json.dumps(json.loads(sys.stdin.read()), indent=2, ensure_ascii=False))"},
      compact);
  ASSERT_EQ(pretty.exit_code, 0) << pretty.err;
  std::ofstream(path, std::ios::binary) << pretty.out;
}

TEST(SamplesGolden, EverySampleMatchesItsGolden) {
  auto pipeline = zero_config_pipeline();
  const bool update = std::getenv("RELAY_UPDATE_GOLDEN") != nullptr;
  const auto all = samples();
  ASSERT_GE(all.size(), 20u);
  for (const auto& sample : all) {
    SCOPED_TRACE(sample.filename().string());
    const fs::path golden_path = fs::path(RELAY_SOURCE_DIR "/payloads/golden") / sample.filename();
    const json::array actual = run_sample(*pipeline, testing::read_text(sample.string()));
    if (update) write_golden(golden_path, actual);
    ASSERT_TRUE(fs::exists(golden_path)) << "no golden; run with RELAY_UPDATE_GOLDEN=1 and review it";
    const json::value golden = json::parse(testing::read_text(golden_path.string()));
    ASSERT_EQ(golden.as_array().size(), actual.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
      const auto& want = golden.as_array()[i].as_object();
      const auto& got = actual[i].as_object();
      EXPECT_EQ(want.at("event_id"), got.at("event_id"));
      EXPECT_EQ(want.at("skipped"), got.at("skipped"));
      const auto& want_d = want.at("deliveries").as_array();
      const auto& got_d = got.at("deliveries").as_array();
      ASSERT_EQ(want_d.size(), got_d.size());
      for (std::size_t k = 0; k < got_d.size(); ++k) {
        EXPECT_EQ(want_d[k].at("route"), got_d[k].at("route"));
        std::string want_body, got_body;
        core::JsonWriter(want_body).value(want_d[k].at("body"));
        core::JsonWriter(got_body).value(got_d[k].at("body"));
        EXPECT_EQ(want_body, got_body);
      }
    }
  }
}

// Every body any sample produces satisfies the DevOps Agent webhook schema.
TEST(SamplesGolden, EveryIncidentSatisfiesTheWebhookSchema) {
  auto pipeline = zero_config_pipeline();
  int incidents = 0;
  for (const auto& sample : samples()) {
    core::EventDecoder decoder;
    std::vector<json::value> events;
    ASSERT_FALSE(decoder.decode(testing::read_text(sample.string()), events));
    for (const auto& ev : events) {
      Outcome outcome;
      pipeline->process(ev, outcome);
      for (const auto& d : outcome.deliveries) {
        SCOPED_TRACE(sample.filename().string());
        const auto body = json::parse(d.body).as_object();
        EXPECT_EQ(body.at("eventType"), "incident");
        for (const char* field : {"incidentId", "action", "priority", "title", "description", "timestamp", "service"}) {
          ASSERT_TRUE(body.contains(field)) << field;
          EXPECT_TRUE(body.at(field).is_string()) << field;
        }
        EXPECT_FALSE(body.at("incidentId").as_string().empty());
        EXPECT_FALSE(body.at("title").as_string().empty());
        const std::string action(body.at("action").as_string());
        EXPECT_TRUE(action == "created" || action == "updated" || action == "closed" || action == "resolved");
        const std::string priority(body.at("priority").as_string());
        EXPECT_TRUE(priority == "CRITICAL" || priority == "HIGH" || priority == "MEDIUM" || priority == "LOW" ||
                    priority == "MINIMAL");
        EXPECT_TRUE(body.at("data").as_object().at("metadata").is_object());
        ++incidents;
      }
    }
  }
  EXPECT_GE(incidents, 10);
}

}  // namespace
}  // namespace relay::pipeline
