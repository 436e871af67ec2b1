// The bodies relay lambda posts to the Runtime API.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/lambda/answer.hpp"

namespace relay::lambda {
namespace {

namespace json = boost::json;

TEST(LambdaAnswer, FunctionErrorHasTheRuntimeApiShape) {
  EXPECT_EQ(json::parse(function_error(kDeliveryFailed, "delivery to webhook failed: status 503")),
            json::parse(R"({"errorMessage":"delivery to webhook failed: status 503","errorType":"DeliveryFailed",
                            "stackTrace":[]})"));
}

TEST(LambdaAnswer, FunctionErrorKeepsItsBodyValidUtf8) {
  const auto body = json::parse(function_error(kUnknownPayload, "key \"\xe2\x82\""));
  EXPECT_EQ(body.at("errorMessage").as_string(), "key \"\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(LambdaAnswer, BatchItemFailuresListTheFailedMessages) {
  EXPECT_EQ(json::parse(batch_item_failures({"m2", "m5"})),
            json::parse(R"({"batchItemFailures":[{"itemIdentifier":"m2"},{"itemIdentifier":"m5"}]})"));
  EXPECT_EQ(json::parse(batch_item_failures({})), json::parse(R"({"batchItemFailures":[]})"));
}

TEST(LambdaAnswer, HttpAnswerCarriesStatusHeadersAndBody) {
  EXPECT_EQ(json::parse(http_answer(200, "application/json", R"({"delivered":1})")),
            json::parse(R"({"statusCode":200,"headers":{"content-type":"application/json"},
                            "body":"{\"delivered\":1}"})"));
  EXPECT_EQ(json::parse(http_answer(503, "application/json", "{}", 1)).at_pointer("/headers/retry-after"), "1");
}

TEST(LambdaAnswer, DeliveryFailureNamesTheFirstFailedDestinationAndStatus) {
  const std::vector<DeliveryResult> results{{"a", true, 200, ""}, {"b", false, 503, "Service Unavailable"},
                                            {"c", false, 0, "connection refused"}};
  EXPECT_EQ(delivery_failure(results), "delivery to b failed: status 503 (Service Unavailable)");
  EXPECT_EQ(delivery_failure(std::span(results).subspan(2)), "delivery to c failed: no answer (connection refused)");
  EXPECT_EQ(delivery_failure(std::span(results).first(1)), std::nullopt);
}

TEST(LambdaAnswer, DeliveredAnswerSaysWhatWasSkipped) {
  std::vector<EventSummary> events{{"e1", 1, {}},
                                   {"e2", 0, {{"alarms", "cloudwatch_alarm", "state is OK"}}},
                                   {"e3", 0, {}}};
  EXPECT_EQ(json::parse(delivered_answer(events)), json::parse(R"({"delivered":1,"event_ids":["e1","e2","e3"],
      "skipped":[{"event_id":"e2","route":"alarms","handler":"cloudwatch_alarm","reason":"state is OK"},
                 {"event_id":"e3","reason":"no route matches the event"}]})"));
}

}  // namespace
}  // namespace relay::lambda
