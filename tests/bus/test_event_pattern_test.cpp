// TestEventPattern answers with relay's matcher, and refuses what EventBridge refuses.
#include "relay/bus/test_event_pattern.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::bus {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const char* kEvent = R"({"id":"1","source":"app.orders","detail-type":"Order Placed","account":"123456789012",
  "time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"total":120,"state":"paid"}})";

std::string call(std::string_view pattern, std::string_view event = kEvent) {
  return json::serialize(json::object{{"EventPattern", pattern}, {"Event", event}});
}

std::string result(const std::string& body) {
  auto answer = test_event_pattern(body);
  if (auto* e = std::get_if<AwsError>(&answer)) return e->type + ": " + e->message;
  return std::get<std::string>(answer);
}

AwsError error(const std::string& body) {
  auto answer = test_event_pattern(body);
  EXPECT_TRUE(std::holds_alternative<AwsError>(answer)) << body;
  return std::holds_alternative<AwsError>(answer) ? std::get<AwsError>(answer) : AwsError{};
}

TEST(TestEventPattern, AnswersWhetherTheEventMatches) {
  EXPECT_EQ(result(call(R"({"source":["app.orders"]})")), R"({"Result":true})");
  EXPECT_EQ(result(call(R"({"source":["app.other"]})")), R"({"Result":false})");
  EXPECT_EQ(result(call(R"({"detail":{"total":[{"numeric":[">",100]}],"state":[{"anything-but":"void"}]}})")),
            R"({"Result":true})");
  EXPECT_EQ(result(call(R"({"detail":{"total":[{"numeric":[">",500]}]}})")), R"({"Result":false})");
}

TEST(TestEventPattern, AnInvalidPatternIsInvalidEventPatternWithRelaysMessage) {
  const auto e = error(call(R"({"detail":{"state":[{"prefx":"p"}]}})"));
  EXPECT_EQ(e.type, "InvalidEventPatternException");
  EXPECT_EQ(e.status, 400u);
  EXPECT_THAT(e.message, HasSubstr(R"(detail.state[0]: unknown operator "prefx")"));
  EXPECT_EQ(error(call("{not json")).type, "InvalidEventPatternException");
}

TEST(TestEventPattern, MissingOrMistypedMembersAndABadEventAreRefused) {
  EXPECT_EQ(error("nope").type, "SerializationException");
  EXPECT_EQ(error(R"({"Event":"{}"})").type, "ValidationException");
  EXPECT_EQ(error(R"({"EventPattern":"{}"})").type, "ValidationException");
  EXPECT_EQ(error(R"({"EventPattern":{"source":["a"]},"Event":"{}"})").type, "SerializationException");
  EXPECT_EQ(error(call(R"({"source":["a"]})", "[1]")).type, "ValidationException");
  EXPECT_EQ(error(call(R"({"source":["a"]})", "{oops")).type, "ValidationException");
}

}  // namespace
}  // namespace relay::bus
