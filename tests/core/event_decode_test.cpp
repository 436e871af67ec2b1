#include "relay/core/event.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

namespace relay::core {
namespace {

std::string decode_error(std::string_view body) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  auto err = decoder.decode(body, out);
  EXPECT_TRUE(out.empty());
  return err ? err->message() : "no error";
}

std::string sample(const char* name) { return testing::read_text(std::string(RELAY_SOURCE_DIR "/payloads/samples/") + name); }

TEST(DecodeEvents, ReadsAnEnvelope) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  ASSERT_FALSE(decoder.decode(sample("ecs-task-stopped-exit-codes.json"), out));
  ASSERT_EQ(out.size(), 1u);
  auto ev = Event::view(out[0]);
  EXPECT_EQ(ev.id, "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
  EXPECT_EQ(ev.source, "aws.ecs");
  EXPECT_EQ(ev.detail_type, "ECS Task State Change");
  EXPECT_EQ(ev.account, "123456789012");
  EXPECT_EQ(ev.region, "us-east-1");
  EXPECT_EQ(ev.time, "2025-05-06T11:40:52Z");
  EXPECT_EQ(ev.detail.at("lastStatus").as_string(), "STOPPED");
}

TEST(DecodeEvents, NormalisesTheAlarmActionShape) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  const auto body = sample("cloudwatch-alarm-lambda-action-metric-alarm.json");
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_EQ(out.size(), 2u);
  auto ev = Event::view(out[0]);
  EXPECT_EQ(ev.detail_type, "CloudWatch Alarm State Change");
  EXPECT_EQ(ev.source, "aws.cloudwatch");
  EXPECT_EQ(ev.account, "444455556666");
  EXPECT_EQ(ev.region, "us-east-1");
  EXPECT_EQ(ev.detail.at("alarmName").as_string(), "lambda-demo-metric-alarm");
  EXPECT_EQ(ev.envelope.at("resources").as_array().at(0).as_string(),
            "arn:aws:cloudwatch:us-east-1:444455556666:alarm:lambda-demo-metric-alarm");
  EXPECT_EQ(ev.id.size(), 36u);
  EXPECT_EQ(ev.id, Event::view(out[1]).id) << "a redelivery gets the same id";
}

TEST(DecodeEvents, DerivesAStableIdWhenMissing) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  const std::string body = R"({"source":"my.app","detail-type":"Thing","detail":{"n":1}})";
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_FALSE(decoder.decode(R"({"source":"my.app","detail-type":"Thing","detail":{"n":2}})", out));
  EXPECT_EQ(Event::view(out[0]).id, Event::view(out[1]).id);
  EXPECT_NE(Event::view(out[0]).id, Event::view(out[2]).id);
}

// An empty id kept as it came would make every such event one event to the dedupe window.
TEST(DecodeEvents, DerivesAnIdWhenEmpty) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  const std::string body = R"({"id":"","source":"my.app","detail-type":"Thing","detail":{"n":1}})";
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_FALSE(decoder.decode(body, out));
  ASSERT_FALSE(decoder.decode(R"([{"id":"","source":"my.app","detail-type":"Thing","detail":{"n":2}}])", out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(Event::view(out[0]).id.size(), 36u);
  EXPECT_EQ(Event::view(out[0]).id, Event::view(out[1]).id) << "a redelivery gets the same id";
  EXPECT_NE(Event::view(out[0]).id, Event::view(out[2]).id);
}

TEST(DecodeEvents, ReadsAnArray) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  ASSERT_FALSE(decoder.decode(sample("batch-alarm-and-ecs-task.json"), out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Event::view(out[1]).source, "aws.ecs");
}

TEST(DecodeEvents, NamesTheLineAndColumnOfBadJson) {
  EXPECT_EQ(decode_error("{\"source\": \"a\",\n  \"detail\": {\"x\": }\n}"), "line 2, column 19: invalid JSON: syntax error");
  EXPECT_EQ(decode_error("{\"source\": \"a\""), "line 1, column 15: invalid JSON: incomplete JSON");
  EXPECT_EQ(decode_error(""), "line 1, column 1: invalid JSON: incomplete JSON");
  EXPECT_EQ(decode_error("{} x"), "line 1, column 4: invalid JSON: extra data");
}

TEST(DecodeEvents, RefusesDeepNesting) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(decode_error(deep), "line 1, column 129: nesting too deep");
}

TEST(DecodeEvents, RefusesInvalidUtf8) {
  EXPECT_EQ(decode_error("{\"source\": \"a\xff\"}"), "line 1, column 14: invalid JSON: invalid UTF-8");
  EXPECT_EQ(decode_error("{\"source\": \"\xc3\x28\"}"), "line 1, column 13: invalid JSON: invalid UTF-8");
}

TEST(DecodeEvents, AcceptsAHugeString) {
  EventDecoder decoder;
  std::vector<boost::json::value> out;
  const std::string big(2 << 20, 'x');
  ASSERT_FALSE(decoder.decode(R"({"source":"s","detail-type":"t","detail":{"big":")" + big + "\"}}", out));
  EXPECT_EQ(Event::view(out[0]).detail.at("big").as_string().size(), big.size());
}

TEST(DecodeEvents, NamesTheMissingOrMistypedField) {
  EXPECT_EQ(decode_error(R"({"detail-type":"t","detail":{}})"), "source: missing (expected a string)");
  EXPECT_EQ(decode_error(R"({"source":5,"detail-type":"t","detail":{}})"), "source: expected a string, got a number");
  EXPECT_EQ(decode_error(R"({"source":"s","detail":{}})"), "detail-type: missing (expected a string)");
  EXPECT_EQ(decode_error(R"({"source":"s","detail-type":null,"detail":{}})"),
            "detail-type: expected a string, got null");
  EXPECT_EQ(decode_error(R"({"source":"s","detail-type":"t"})"), "detail: missing (expected an object)");
  EXPECT_EQ(decode_error(R"({"source":"s","detail-type":"t","detail":[]})"), "detail: expected an object, got an array");
  EXPECT_EQ(decode_error(R"({"source":"s","detail-type":"t","detail":{},"time":1})"), "time: expected a string, got a number");
  EXPECT_EQ(decode_error(R"({"source":"aws.cloudwatch","alarmData":"x"})"),
            "alarmData: expected an object, got a string");
  EXPECT_EQ(decode_error(R"({"source":"aws.cloudwatch","alarmData":{},"accountId":7})"),
            "accountId: expected a string, got a number");
}

TEST(DecodeEvents, NamesTheArrayElement) {
  EXPECT_EQ(decode_error(R"([{"source":"s","detail-type":"t","detail":{}}, {"source":true}])"),
            "[1].source: expected a string, got a boolean");
  EXPECT_EQ(decode_error("[1]"), "[0]: expected an event object, got a number");
  EXPECT_EQ(decode_error("[]"), "an empty array holds no events");
}

TEST(DecodeEvents, RefusesOtherTopLevels) {
  EXPECT_EQ(decode_error("42"), "expected an event object or an array of events, got a number");
  EXPECT_EQ(decode_error("\"x\""), "expected an event object or an array of events, got a string");
}

}  // namespace
}  // namespace relay::core
