// PutEvents entries: what each handler kind's delivery becomes, its size as AWS counts it,
// the idempotency key, and the request body.
#include "relay/destination/put_events_entry.hpp"

#include "relay/core/utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::destination {
namespace {

namespace json = boost::json;
using testing::ElementsAre;

const EntryDefaults kDefaults{"relay.incidents", "Incident"};
const core::DeliveryKey kKey{"evt-1", "alarms", "ops-bus"};

PutEventsEntry entry_of(const Item& item, const EntryDefaults& defaults = kDefaults) {
  auto made = make_entry(item, defaults);
  if (auto* why = std::get_if<std::string>(&made)) ADD_FAILURE() << *why;
  return std::get<PutEventsEntry>(made);
}

std::string refusal(const Item& item, const EntryDefaults& defaults = kDefaults) {
  auto made = make_entry(item, defaults);
  return std::holds_alternative<std::string>(made) ? std::get<std::string>(made) : "accepted";
}

TEST(PutEventsEntry, AHandlersBodyIsTheDetailWithTheConfiguredSourceAndDetailType) {
  const std::string body = R"({"eventType": "incident", "title": "CPU \u00e9 high"})";
  const auto e = entry_of({kKey, "cloudwatch_alarm", "application/json", body});
  EXPECT_EQ(e.source, "relay.incidents");
  EXPECT_EQ(e.detail_type, "Incident");
  EXPECT_EQ(e.detail, body);  // the handler's bytes, as they are
  EXPECT_THAT(e.resources, ElementsAre(idempotency_resource(kKey)));
  EXPECT_FALSE(e.time);
}

TEST(PutEventsEntry, TheRawHandlerForwardsTheEventsOwnFields) {
  const std::string event = R"({"version": "0", "id": "e1", "source": "aws.ecs", "detail-type": "ECS Task State Change",
    "account": "123456789012", "time": "2024-05-01T10:20:30Z", "region": "us-east-1",
    "resources": ["arn:aws:ecs:us-east-1:123456789012:task/a"], "detail": {"lastStatus": "STOPPED", "n": [1, 2.5]}})";
  const auto e = entry_of({kKey, "raw", "application/json", event}, {});
  EXPECT_EQ(e.source, "aws.ecs");
  EXPECT_EQ(e.detail_type, "ECS Task State Change");
  EXPECT_EQ(e.detail, R"({"lastStatus":"STOPPED","n":[1,2.5]})");
  EXPECT_THAT(e.resources, ElementsAre("arn:aws:ecs:us-east-1:123456789012:task/a", idempotency_resource(kKey)));
  EXPECT_EQ(e.time, core::parse_utc("2024-05-01T10:20:30Z"));
}

TEST(PutEventsEntry, ARawEventWithoutSourceOrDetailTypeTakesTheConfiguredOnes) {
  const auto e = entry_of({kKey, "raw", "application/json", R"({"detail": {}})"});
  EXPECT_EQ(e.source, "relay.incidents");
  EXPECT_EQ(e.detail_type, "Incident");
  EXPECT_EQ(e.detail, "{}");
  EXPECT_EQ(entry_of({kKey, "raw", "application/json", R"({"source": "a", "detail-type": "b"})"}).detail, "{}");
}

TEST(PutEventsEntry, BodiesThatCannotBeAnEntryAreRefusedWithTheReason) {
  EXPECT_EQ(refusal({kKey, "cloudwatch_alarm", "application/json", "[1, 2]"}),
            "the handler's body is not a JSON object (an EventBridge Detail must be one)");
  EXPECT_EQ(refusal({kKey, "template", "application/json", "{\"a\": "}),
            "the handler's body is not a JSON object (an EventBridge Detail must be one)");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", "\"x\""}),
            "the raw handler's body is not a JSON object (an event)");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"detail-type": "b"})"}, {}),
            "the event has no source and the destination sets none");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"source": 5})"}),
            "the event's source is not a non-empty string");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"detail": [1]})"}),
            "the event's detail is not a JSON object");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"resources": "arn:x"})"}),
            "the event's resources is not a list");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"resources": [1]})"}),
            "the event's resources has an item that is not a string");
  EXPECT_EQ(refusal({kKey, "raw", "application/json", R"({"time": "yesterday"})"}),
            "the event's time \"yesterday\" is not an ISO 8601 UTC time");
}

TEST(PutEventsEntry, TheIdempotencyKeyIsStablePerDeliveryAndDiffersBetweenThem) {
  const std::string key = idempotency_resource(kKey);
  EXPECT_THAT(key, testing::MatchesRegex("relay:idempotency-key:msg_[0-9a-f-]{36}"));
  EXPECT_EQ(idempotency_resource({"evt-1", "alarms", "ops-bus"}), key);
  EXPECT_NE(idempotency_resource({"evt-2", "alarms", "ops-bus"}), key);
  EXPECT_NE(idempotency_resource({"evt-1", "other-route", "ops-bus"}), key);
  EXPECT_NE(idempotency_resource({"evt-1", "alarms", "other-bus"}), key);
}

TEST(PutEventsEntry, SizeIsCountedAsAwsDocumentsIt) {
  PutEventsEntry e{"src", "type", R"({"k":"é"})", {"arn:1", "r2"}};
  EXPECT_EQ(entry_size(e), 3u + 4 + 10 + 5 + 2);  // UTF-8 bytes; "é" is two
  e.time = std::chrono::system_clock::time_point{};
  EXPECT_EQ(entry_size(e), 3u + 4 + 10 + 5 + 2 + 14);  // a Time counts 14, whatever its value
}

TEST(PutEventsEntry, TheBodyIsPutEventsJson) {
  std::vector<PutEventsEntry> entries{
      {"relay.incidents", "Incident", R"({"a": "x\"y"})", {"relay:idempotency-key:msg_1"}},
      {"aws.ecs", "ECS", "{}", {"arn:a", "relay:idempotency-key:msg_2"}, core::parse_utc("2024-05-01T10:20:30.250Z")}};
  EXPECT_EQ(
      put_events_body(entries, "arn:aws:events:us-east-1:123456789012:event-bus/ops"),
      R"({"Entries":[)"
      R"({"Source":"relay.incidents","Resources":["relay:idempotency-key:msg_1"],"DetailType":"Incident",)"
      R"("Detail":"{\"a\": \"x\\\"y\"}","EventBusName":"arn:aws:events:us-east-1:123456789012:event-bus/ops"},)"
      R"({"Time":1714558830.25,"Source":"aws.ecs","Resources":["arn:a","relay:idempotency-key:msg_2"],)"
      R"("DetailType":"ECS","Detail":"{}","EventBusName":"arn:aws:events:us-east-1:123456789012:event-bus/ops"}]})");
  entries[1].time = core::parse_utc("2024-05-01T10:20:30Z");
  const auto body = json::parse(put_events_body(entries, "ops"));
  EXPECT_EQ(body.at("Entries").at(1).at("Time"), json::value(1714558830));
  EXPECT_EQ(body.at("Entries").at(0).at("Detail"), json::value(R"({"a": "x\"y"})"));
}

}  // namespace
}  // namespace relay::destination
