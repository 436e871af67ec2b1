// Lambda invocation payloads: which shape each is, and what relay reads out of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/lambda/invocation.hpp"

namespace relay::lambda {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const char* kEnvelope = R"({"id":"e1","source":"aws.ecs","detail-type":"ECS Task State Change","detail":{}})";
const char* kAlarmAction =
    R"({"source":"aws.cloudwatch","alarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:a","alarmData":{"alarmName":"a"}})";

json::value sqs_batch() {
  return json::parse(R"({"Records":[
    {"messageId":"m1","eventSource":"aws:sqs","body":"{\"a\":1}"},
    {"messageId":"m2","eventSource":"aws:sqs","body":"two"}]})");
}

json::value http_payload(const std::string& extra = "") {
  return json::parse(R"({"version":"2.0","routeKey":"$default","rawPath":"/events","rawQueryString":"",
    "headers":{"Content-Type":"application/json","x-api-key":"k"},
    "requestContext":{"http":{"method":"POST","path":"/events"}},"body":"{}")" + extra + "}");
}

TEST(LambdaClassify, EachShapeIsRecognised) {
  EXPECT_EQ(classify(json::parse(kEnvelope)), Shape::eventbridge_event);
  EXPECT_EQ(classify(json::parse(kAlarmAction)), Shape::alarm_action);
  EXPECT_EQ(classify(json::parse(std::string("[") + kEnvelope + "," + kAlarmAction + "]")), Shape::event_list);
  EXPECT_EQ(classify(sqs_batch()), Shape::sqs_batch);
  EXPECT_EQ(classify(http_payload()), Shape::http_event);
}

TEST(LambdaClassify, ShapesHaveNamesForTheLog) {
  EXPECT_EQ(shape_name(Shape::alarm_action), "CloudWatch alarm action");
  EXPECT_EQ(shape_name(Shape::sqs_batch), "SQS batch");
  EXPECT_EQ(shape_name(Shape::http_event), "HTTP event");
  EXPECT_EQ(shape_name(Shape::unknown), "unknown payload");
}

TEST(LambdaClassify, OtherShapesAreUnknown) {
  for (const char* payload :
       {R"({"foo":1})", "[]", "[1]", R"({"Records":[]})", R"({"Records":[{"eventSource":"aws:sns"}]})",
        R"({"requestContext":{"http":{}}})", R"("text")", "42", "null", R"({"detail-type":"x"})"})
    EXPECT_EQ(classify(json::parse(payload)), Shape::unknown) << payload;
}

TEST(LambdaClassify, SqsMessagesKeepTheirIdsAndBodiesInOrder) {
  const auto messages = sqs_messages(sqs_batch().get_object());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message_id, "m1");
  EXPECT_EQ(messages[0].body, R"({"a":1})");
  EXPECT_EQ(messages[1].message_id, "m2");
  EXPECT_EQ(messages[1].body, "two");
}

TEST(LambdaHttpEvent, ReadsMethodPathQueryAndLowerCaseHeaders) {
  auto payload = http_payload();
  payload.as_object()["rawQueryString"] = "a=1";
  const auto read = http_event(payload.get_object());
  ASSERT_TRUE(std::holds_alternative<HttpEvent>(read));
  const auto& event = std::get<HttpEvent>(read);
  EXPECT_EQ(event.method, "POST");
  EXPECT_EQ(event.target, "/events?a=1");
  EXPECT_EQ(event.header("content-type"), "application/json");
  EXPECT_EQ(event.header("X-Api-Key"), "k");
  EXPECT_EQ(event.header("authorization"), "");
  EXPECT_EQ(event.body, "{}");
}

TEST(LambdaHttpEvent, DecodesABase64Body) {
  const auto read = http_event(http_payload(R"(,"isBase64Encoded":true)").get_object());
  // "{}" is "e30=" in base64; the payload's body is the literal "{}", which is not base64.
  ASSERT_TRUE(std::holds_alternative<std::string>(read));
  EXPECT_THAT(std::get<std::string>(read), HasSubstr("not base64"));

  auto payload = http_payload(R"(,"isBase64Encoded":true)");
  payload.as_object()["body"] = "e30=";
  const auto decoded = http_event(payload.get_object());
  ASSERT_TRUE(std::holds_alternative<HttpEvent>(decoded));
  EXPECT_EQ(std::get<HttpEvent>(decoded).body, "{}");
}

TEST(LambdaDescribe, NamesTheTypeAndTheTopLevelKeys) {
  EXPECT_EQ(describe_payload(json::parse(R"({"foo":1,"bar":{"x":2}})")), R"(a JSON object with keys "foo", "bar")");
  EXPECT_EQ(describe_payload(json::parse("[1,2]")), "a JSON array of 2 items");
  EXPECT_EQ(describe_payload(json::parse("{}")), "an empty JSON object");
  EXPECT_EQ(describe_payload(json::parse("3")), "a JSON number");
}

TEST(LambdaDescribe, TruncatesManyAndLongKeys) {
  json::object o;
  for (int i = 0; i < 12; ++i) o["k" + std::to_string(i)] = i;
  o[std::string(100, 'x')] = 0;
  const std::string text = describe_payload(o);
  EXPECT_THAT(text, HasSubstr("\"k9\", ... (13 in all)"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("k10")));
  EXPECT_EQ(describe_payload(json::object{{std::string(100, 'y'), 1}}),
            "a JSON object with keys \"" + std::string(40, 'y') + "...\"");
}

}  // namespace
}  // namespace relay::lambda
