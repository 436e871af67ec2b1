// The eventbridge kind on scripted answers, and what it measures and sends per delivery.
#include "relay/destination/put_events_entry.hpp"
#include "relay/destination/registry.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::destination {
namespace {

namespace json = boost::json;

std::unique_ptr<Destination> ops_bus(std::string_view extra = "") {
  std::vector<std::string> errors;
  auto d = make_destination(
      "ops",
      json::parse(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "source": "relay.incidents",
                      "detail_type": "Incident")" +
                  std::string(extra) + "}"),
      {}, errors);
  EXPECT_TRUE(d) << testing::PrintToString(errors);
  return d;
}

std::vector<ItemOutcome> classify(unsigned status, std::string_view body, std::size_t items) {
  return ops_bus()->classify({status, {}, body}, items);
}

MATCHER_P2(Is, verdict, error, "") { return arg.verdict == verdict && arg.error == error; }

TEST(EventBridgeClassify, EachEntrysResultDecidesItsDelivery) {
  const std::string body = R"({"FailedEntryCount": 3, "Entries": [
      {"EventId": "11710aed-b79e-4468-a20b-bb3c0c3b4860"},
      {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"},
      {"ErrorCode": "InternalFailure", "ErrorMessage": "Internal error"},
      {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}]})";
  const auto out = classify(200, body, 4);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_THAT(out[0], Is(Verdict::delivered, ""));
  EXPECT_EQ(out[0].response, R"({"EventId":"11710aed-b79e-4468-a20b-bb3c0c3b4860"})");
  EXPECT_THAT(out[1], Is(Verdict::retry, "ThrottlingException: Rate exceeded"));
  EXPECT_THAT(out[2], Is(Verdict::retry, "InternalFailure: Internal error"));
  EXPECT_THAT(out[3], Is(Verdict::dead, "MalformedDetail: Detail is malformed."));
  EXPECT_EQ(out[3].response, R"({"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is malformed."})");
}

TEST(EventBridgeClassify, WholeCallFailuresDecideEveryEntry) {
  using testing::Each;
  EXPECT_THAT(classify(503, "", 3), Each(Is(Verdict::retry, "HTTP 503")));
  EXPECT_THAT(classify(500, R"({"__type": "InternalException", "message": "oops"})", 2),
              Each(Is(Verdict::retry, "HTTP 500 InternalException: oops")));
  EXPECT_THAT(classify(429, "", 2), Each(Is(Verdict::retry, "HTTP 429")));
  EXPECT_THAT(classify(400, R"({"__type": "ThrottlingException", "message": "Rate exceeded"})", 2),
              Each(Is(Verdict::retry, "HTTP 400 ThrottlingException: Rate exceeded")));
  EXPECT_THAT(classify(400, R"({"__type": "com.amazon.coral.availability#ThrottlingException"})", 1),
              Each(Is(Verdict::retry, "HTTP 400 ThrottlingException")));
  EXPECT_THAT(classify(403, R"({"__type": "ExpiredTokenException", "message": "The security token expired"})", 1),
              Each(Is(Verdict::retry, "HTTP 403 ExpiredTokenException: The security token expired")));
  EXPECT_THAT(classify(400, R"({"__type": "AccessDeniedException", "Message": "not authorized"})", 2),
              Each(Is(Verdict::dead, "HTTP 400 AccessDeniedException: not authorized")));
  EXPECT_THAT(
      classify(400,
               R"({"__type": "ResourceNotFoundException:http://internal", "message": "Event bus x does not exist."})",
               1),
      Each(Is(Verdict::dead, "HTTP 400 ResourceNotFoundException: Event bus x does not exist.")));
  EXPECT_THAT(classify(404, "<html>not found</html>", 1), Each(Is(Verdict::dead, "HTTP 404")));
  const auto net = ops_bus()->classify({0, "connect: connection refused", {}}, 2);
  EXPECT_THAT(net, Each(Is(Verdict::retry, "connect: connection refused")));
  const auto whole = classify(403, R"({"__type": "AccessDeniedException"})", 1);
  EXPECT_EQ(whole[0].response, R"({"__type": "AccessDeniedException"})");
}

TEST(EventBridgeClassify, AnAnswerThatIsNotAPutEventsResultRetriesEveryEntry) {
  using testing::Each;
  EXPECT_THAT(classify(200, R"({"FailedEntryCount": 0, "Entries": [{"EventId": "a"}]})", 2),
              Each(Is(Verdict::retry, "the PutEvents answer has 1 entries for 2 sent")));
  EXPECT_THAT(classify(200, "<html>", 1), Each(Is(Verdict::retry, "the PutEvents answer is not JSON (syntax error)")));
  EXPECT_THAT(classify(200, R"({"Entries": {}})", 1),
              Each(Is(Verdict::retry, "the PutEvents answer has no Entries list")));
  EXPECT_THAT(classify(200, R"({"Entries": [{}]})", 1),
              Each(Is(Verdict::retry, "the PutEvents answer's entry 0 has neither EventId nor ErrorCode")));
  EXPECT_THAT(classify(200, R"({"Entries": [7]})", 1),
              Each(Is(Verdict::retry, "the PutEvents answer's entry 0 is not an object")));
}

TEST(EventBridgeMeasure, EntriesAreMeasuredAsAwsCountsThemAndOversizedOnesRefused) {
  const auto d = ops_bus();
  const core::DeliveryKey key{"evt-1", "alarms", "ops"};
  const std::string body = R"({"k": "v"})";
  const auto size = d->measure({key, "cloudwatch_alarm", "application/json", body});
  ASSERT_TRUE(std::holds_alternative<std::size_t>(size)) << std::get<std::string>(size);
  EXPECT_EQ(std::get<std::size_t>(size),
            std::string_view("relay.incidents").size() + std::string_view("Incident").size() + body.size() +
                idempotency_resource(key).size());

  const std::size_t fixed = std::get<std::size_t>(size) - body.size();
  const std::string padding = "{\"k\": \"\"}";
  const std::string fits = "{\"k\": \"" + std::string(kMaxPutEventsBytes - fixed - padding.size(), 'x') + "\"}";
  EXPECT_EQ(std::get<std::size_t>(d->measure({key, "cloudwatch_alarm", "application/json", fits})), kMaxPutEventsBytes);
  const std::string over = "{\"k\": \"" + std::string(kMaxPutEventsBytes - fixed - padding.size() + 1, 'x') + "\"}";
  EXPECT_EQ(std::get<std::string>(d->measure({key, "cloudwatch_alarm", "application/json", over})),
            "the entry is 1048577 bytes as EventBridge counts them, over its limit of 1048576");
  EXPECT_EQ(std::get<std::string>(d->measure({key, "cloudwatch_alarm", "application/json", "not json"})),
            "the handler's body is not a JSON object (an EventBridge Detail must be one)");
}

TEST(EventBridgeRequest, ABatchIsOnePutEventsCall) {
  const auto d = ops_bus(R"(, "event_bus": "arn:aws:events:us-east-1:123456789012:event-bus/ops")");
  const std::string e1 = R"({"n": 1})";
  const std::string raw = R"({"source": "aws.ecs", "detail-type": "ECS", "detail": {"n": 2}})";
  const Item items[] = {{{"evt-1", "alarms", "ops"}, "cloudwatch_alarm", "application/json", e1},
                        {{"evt-2", "all", "ops"}, "raw", "application/json", raw}};
  const Request r = d->request(items, {std::chrono::system_clock::now()});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://events.us-east-1.amazonaws.com");
  auto header = [&](std::string_view name) {
    for (const auto& h : r.headers)
      if (h.name == name) return h.value;
    return std::string("<none>");
  };
  EXPECT_EQ(header("host"), "events.us-east-1.amazonaws.com");
  EXPECT_EQ(header("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(header("x-amz-target"), "AWSEvents.PutEvents");
  const auto body = json::parse(r.body);
  const auto& entries = body.at("Entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("Source"), "relay.incidents");
  EXPECT_EQ(entries[0].at("DetailType"), "Incident");
  EXPECT_EQ(entries[0].at("Detail"), json::value(e1));
  EXPECT_EQ(entries[0].at("EventBusName"), "arn:aws:events:us-east-1:123456789012:event-bus/ops");
  EXPECT_EQ(entries[0].at("Resources"), json::array{json::value(idempotency_resource(items[0].key))});
  EXPECT_EQ(entries[1].at("Source"), "aws.ecs");
  EXPECT_EQ(entries[1].at("DetailType"), "ECS");
  EXPECT_EQ(entries[1].at("Detail"), R"({"n":2})");
  EXPECT_EQ(entries[1].at("Resources"), json::array{json::value(idempotency_resource(items[1].key))});
}

}  // namespace
}  // namespace relay::destination
