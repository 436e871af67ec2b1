// PutEvents read as EventBridge reads it: whole-call errors for what cannot be read or breaks
// a constraint of the call, per-entry errors for entries that cannot be events, envelopes
// as EventBridge makes them, and the answer in request order.
#include "relay/bus/put_events.hpp"
#include "relay/bus/uuid.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace relay::bus {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

std::string entry(std::string_view members) { return "{" + std::string(members) + "}"; }
const std::string kGood = R"("Source":"app.orders","DetailType":"Order Placed","Detail":"{\"id\":7}")";

std::string body(const std::vector<std::string>& entries) {
  std::string out = R"({"Entries":[)";
  for (std::size_t i = 0; i < entries.size(); ++i) out += (i ? "," : "") + entries[i];
  return out + "]}";
}

std::vector<ReadEntry> read_ok(const std::string& text) {
  auto read = read_put_events(text);
  if (auto* e = std::get_if<AwsError>(&read)) ADD_FAILURE() << e->type << ": " << e->message;
  return std::holds_alternative<AwsError>(read) ? std::vector<ReadEntry>{} : std::get<0>(std::move(read));
}

AwsError call_error(const std::string& text) {
  auto read = read_put_events(text);
  EXPECT_TRUE(std::holds_alternative<AwsError>(read)) << text;
  return std::holds_alternative<AwsError>(read) ? std::get<AwsError>(read) : AwsError{};
}

EntryError entry_error(const std::string& members) {
  auto entries = read_ok(body({entry(members)}));
  EXPECT_EQ(entries.size(), 1u);
  if (entries.size() != 1 || !std::holds_alternative<EntryError>(entries[0])) {
    ADD_FAILURE() << "accepted: " << members;
    return {};
  }
  return std::get<EntryError>(entries[0]);
}

TEST(PutEventsRead, AGoodEntryKeepsItsFieldsAndDefaultsToTheDefaultBus) {
  auto entries = read_ok(body({entry(kGood + R"(,"Resources":["arn:a","arn:b"],"TraceHeader":"t")")}));
  ASSERT_EQ(entries.size(), 1u);
  const auto& e = std::get<BusEntry>(entries[0]);
  EXPECT_EQ(e.entry.source, "app.orders");
  EXPECT_EQ(e.entry.detail_type, "Order Placed");
  EXPECT_EQ(e.entry.detail, R"({"id":7})");
  EXPECT_EQ(e.detail, (json::object{{"id", 7}}));
  EXPECT_EQ(e.entry.resources, (std::vector<std::string>{"arn:a", "arn:b"}));
  EXPECT_FALSE(e.entry.time);
  EXPECT_EQ(e.event_bus, "default");
}

TEST(PutEventsRead, EventBusNameIsANameOrAnArn) {
  EXPECT_EQ(event_bus_name(""), "default");
  EXPECT_EQ(event_bus_name("ops"), "ops");
  EXPECT_EQ(event_bus_name("arn:aws:events:us-east-1:123456789012:event-bus/ops"), "ops");
  auto entries = read_ok(body({entry(kGood + R"(,"EventBusName":"arn:aws:events:eu-west-1:111122223333:event-bus/x")")}));
  EXPECT_EQ(std::get<BusEntry>(entries.at(0)).event_bus, "x");
}

TEST(PutEventsRead, TimeIsEpochSecondsOrAnIsoString) {
  using namespace std::chrono;
  const auto at = sys_days(year(2026) / 1 / 2) + hours(3) + minutes(4) + seconds(5);
  const auto epoch = duration_cast<seconds>(at.time_since_epoch()).count();
  auto entries = read_ok(body({entry(kGood + ",\"Time\":" + std::to_string(epoch)),
                               entry(kGood + ",\"Time\":" + std::to_string(epoch) + ".25"),
                               entry(kGood + R"(,"Time":"2026-01-02T03:04:05Z")")}));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(std::get<BusEntry>(entries[0]).entry.time, at);
  EXPECT_EQ(std::get<BusEntry>(entries[1]).entry.time, at + milliseconds(250));
  EXPECT_EQ(std::get<BusEntry>(entries[2]).entry.time, at);
}

TEST(PutEventsRead, MissingOrEmptyRequiredFieldsAreInvalidArgument) {
  for (const char* member : {"Source", "DetailType", "Detail"}) {
    json::object o = json::parse(entry(kGood)).as_object();
    o.erase(member);
    auto e = entry_error(json::serialize(o).substr(1, json::serialize(o).size() - 2));
    EXPECT_EQ(e.code, "InvalidArgument") << member;
    EXPECT_THAT(e.message, HasSubstr(std::string(member) + " is a required argument")) << member;
    o = json::parse(entry(kGood)).as_object();
    o[member] = "";
    EXPECT_EQ(entry_error(json::serialize(o).substr(1, json::serialize(o).size() - 2)).code, "InvalidArgument");
  }
}

TEST(PutEventsRead, DetailThatIsNotAJsonObjectIsMalformedDetail) {
  for (const char* detail : {R"(not json)", R"([1,2])", R"(\"text\")", R"(42)", R"({\"a\":)"}) {
    auto e = entry_error(std::string(R"("Source":"s","DetailType":"d","Detail":")") + detail + "\"");
    EXPECT_EQ(e.code, "MalformedDetail") << detail;
    EXPECT_EQ(e.message, "Detail is malformed.");
  }
}

TEST(PutEventsRead, AnEntryOverOneMebibyteIsInvalidArgumentAndItsNeighboursPass) {
  // Source + DetailType + Detail = 2 + 1 + (8 + n) bytes; 14 more with a Time.
  const std::size_t limit = destination::kMaxPutEventsBytes;
  const auto with_detail_of = [](std::size_t bytes, bool time) {
    return entry(std::string(R"("Source":"ab","DetailType":"d","Detail":"{\"x\":\")") + std::string(bytes - 8, 'y') +
                 R"(\"}")" + (time ? ",\"Time\":1700000000" : ""));
  };
  auto entries = read_ok(body({with_detail_of(limit - 3, false), with_detail_of(limit - 2, false),
                               with_detail_of(limit - 3 - 14, true), with_detail_of(limit - 3 - 13, true),
                               entry(kGood)}));
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<BusEntry>(entries[0])) << "exactly 1 MiB";
  ASSERT_TRUE(std::holds_alternative<EntryError>(entries[1]));
  EXPECT_EQ(std::get<EntryError>(entries[1]).code, "InvalidArgument");
  EXPECT_THAT(std::get<EntryError>(entries[1]).message, HasSubstr("1048577 bytes"));
  EXPECT_TRUE(std::holds_alternative<BusEntry>(entries[2])) << "Time counts 14 bytes";
  EXPECT_TRUE(std::holds_alternative<EntryError>(entries[3]));
  EXPECT_TRUE(std::holds_alternative<BusEntry>(entries[4]));
}

TEST(PutEventsRead, ABodyThatIsNotJsonIsASerializationException) {
  for (const char* text : {"", "{", "not json", "[]", "\"x\"", R"({"Entries":{}})", R"({"Entries":[1]})"}) {
    const auto e = call_error(text);
    EXPECT_EQ(e.type, "SerializationException") << text;
    EXPECT_EQ(e.status, 400u);
  }
}

TEST(PutEventsRead, MembersOfTheWrongTypeAreASerializationExceptionNamingThem) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("Source":5,"DetailType":"d","Detail":"{}")", "Entries[0].Source"},
      {R"("Source":"s","DetailType":["d"],"Detail":"{}")", "Entries[0].DetailType"},
      {R"("Source":"s","DetailType":"d","Detail":{"a":1})", "Entries[0].Detail"},
      {R"("Source":"s","DetailType":"d","Detail":"{}","Resources":"arn:a")", "Entries[0].Resources"},
      {R"("Source":"s","DetailType":"d","Detail":"{}","Resources":[1])", "Entries[0].Resources"},
      {R"("Source":"s","DetailType":"d","Detail":"{}","Time":"yesterday")", "Entries[0].Time"},
      {R"("Source":"s","DetailType":"d","Detail":"{}","Time":-1)", "Entries[0].Time"},
      {R"("Source":"s","DetailType":"d","Detail":"{}","EventBusName":1)", "Entries[0].EventBusName"},
  };
  for (const auto& [members, where] : cases) {
    const auto e = call_error(body({entry(members)}));
    EXPECT_EQ(e.type, "SerializationException") << members;
    EXPECT_THAT(e.message, HasSubstr(where)) << members;
  }
}

TEST(PutEventsRead, EntriesMissingEmptyOrOverTenAreAValidationException) {
  EXPECT_EQ(call_error("{}").type, "ValidationException");
  EXPECT_THAT(call_error("{}").message, HasSubstr("Member must not be null"));
  EXPECT_EQ(call_error(R"({"Entries":null})").type, "ValidationException");
  EXPECT_THAT(call_error(body({})).message, HasSubstr("greater than or equal to 1"));
  const auto eleven = call_error(body(std::vector<std::string>(11, entry(kGood))));
  EXPECT_EQ(eleven.type, "ValidationException");
  EXPECT_EQ(eleven.status, 400u);
  EXPECT_THAT(eleven.message, HasSubstr("less than or equal to 10"));
  EXPECT_EQ(read_ok(body(std::vector<std::string>(10, entry(kGood)))).size(), 10u);
}

TEST(PutEventsEnvelope, CarriesWhatEventBridgeAddsAndTheEntrysTimeOrNow) {
  using namespace std::chrono;
  const auto now = sys_days(year(2026) / 3 / 4) + hours(5) + milliseconds(6789);
  auto entries = read_ok(body({entry(kGood + R"(,"Resources":["arn:r"])"), entry(kGood + R"(,"Time":"2020-01-01T00:00:00.5Z")")}));
  const EnvelopeContext context{"123456789012", "eu-west-1", now};
  const auto first = make_envelope(std::get<BusEntry>(entries.at(0)), "id-1", context);
  EXPECT_EQ(json::value(first), json::parse(R"({"version":"0","id":"id-1","detail-type":"Order Placed",
      "source":"app.orders","account":"123456789012","time":"2026-03-04T05:00:06Z","region":"eu-west-1",
      "resources":["arn:r"],"detail":{"id":7}})"));
  const auto second = make_envelope(std::get<BusEntry>(entries.at(1)), "id-2", context);
  EXPECT_EQ(second.at("time"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(second.at("resources"), json::array{});
}

TEST(PutEventsAnswer, ListsEveryEntryInRequestOrderAndCountsTheFailed) {
  const std::vector<EntryResult> results{std::string("e-1"), EntryError{"MalformedDetail", "Detail is malformed."},
                                         std::string("e-3")};
  EXPECT_EQ(json::parse(put_events_answer(results)),
            json::parse(R"({"FailedEntryCount":1,"Entries":[{"EventId":"e-1"},
                {"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is malformed."},{"EventId":"e-3"}]})"));
}

TEST(AwsErrorBody, IsTheJson11ErrorShape) {
  EXPECT_EQ(json::parse(error_body(validation_error("too many"))),
            json::parse(R"({"__type":"ValidationException","message":"too many"})"));
  EXPECT_EQ(json::parse(error_body({400, "X", "bad \xff"})).at("message"), "bad \xef\xbf\xbd");
}

TEST(Uuid, IsVersionFourWithTheRfcVariant) {
  std::array<std::uint8_t, 16> all_ones;
  all_ones.fill(0xff);
  EXPECT_EQ(uuid_v4(all_ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_EQ(uuid_v4({}), "00000000-0000-4000-8000-000000000000");
  std::array<std::uint8_t, 16> counting;
  for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<std::uint8_t>(i * 17);
  EXPECT_TRUE(std::regex_match(uuid_v4(counting),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
}

}  // namespace
}  // namespace relay::bus
