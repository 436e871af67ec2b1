// relay's event bus as a function of the request: who may call (SigV4 keys, or ingress.auth
// without them), which operations, how entries become events routed by their bus, and the
// answers once the intake or the deliverer has had them.
#include "relay/net/bus_ingress.hpp"

#include "relay/config/config.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::net {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));

// Route "ops_only" takes raw events on the bus "ops", "default_only" those on "default",
// "any" every bus's.
config::Config load(const std::string& ingress) {
  std::vector<std::string> errors;
  auto cfg = config::parse_config(ingress + R"(
destinations:
  hook: {url: "http://127.0.0.1:9/hooks", secret: s3cret}
routes:
  - {name: ops_only, handler: raw, request: {event_bus: ops}, destinations: [hook]}
  - {name: default_only, handler: raw, request: {event_bus: default}, destinations: [hook]}
  - {name: any, handler: raw, destinations: [hook]}
)",
                                  errors);
  if (!cfg) throw std::runtime_error(errors.front());
  return std::move(*cfg);
}

const char* kKeys = R"(ingress:
  aws:
    region: eu-west-1
    account: "111111111111"
    credentials:
      - {access_key_id: AKIDBUS, secret_access_key: bus-secret, account: "123456789012"}
)";

aws::HttpRequest call(std::string_view target, std::string body) {
  return {"POST", "/",
          {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", std::string(target)}},
          std::move(body)};
}

aws::HttpRequest signed_call(std::string_view target, std::string body, std::string_view secret = "bus-secret") {
  auto r = call(target, std::move(body));
  aws::sign_request(r, {"AKIDBUS", std::string(secret)}, "eu-west-1", "events", kNow);
  return r;
}

const std::string kTwoGoodOneBad = R"({"Entries":[
  {"Source":"app","DetailType":"Placed","Detail":"{\"n\":1}","EventBusName":"ops"},
  {"Source":"app","DetailType":"Placed","Detail":"[]"},
  {"Source":"app","DetailType":"Placed","Detail":"{\"n\":3}"}]})";

class BusIngressTest : public ::testing::Test {
 protected:
  explicit BusIngressTest(const std::string& ingress = kKeys) : config_(load(ingress)) {}
  config::Config config_;
  IngressAuthenticator auth_{config_.ingress};
  BusIngress bus_{*config_.pipeline, auth_, config_.ingress.aws, {}};

  Answer answer(const aws::HttpRequest& r) {
    auto result = bus_.admit(r, kNow);
    EXPECT_TRUE(std::holds_alternative<Answer>(result));
    return std::holds_alternative<Answer>(result) ? std::get<Answer>(result) : Answer{};
  }
  std::string error_type(const aws::HttpRequest& r) {
    const auto a = answer(r);
    EXPECT_EQ(a.content_type, "application/x-amz-json-1.1");
    return std::string(json::parse(a.body).at("__type").as_string());
  }
};

TEST_F(BusIngressTest, SignedEntriesBecomeEventsOfTheKeysAccountRoutedByTheirBus) {
  auto result = bus_.admit(signed_call("AWSEvents.PutEvents", kTwoGoodOneBad), kNow);
  ASSERT_TRUE(std::holds_alternative<BusAdmitted>(result)) << std::get<Answer>(result).body;
  const auto& put = std::get<BusAdmitted>(result);
  ASSERT_EQ(put.results.size(), 3u);
  ASSERT_EQ(put.admitted.events.size(), 2u);
  EXPECT_EQ(put.entry_of_event, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(std::get<std::string>(put.results[0]), put.admitted.events[0].id);
  EXPECT_EQ(std::get<bus::EntryError>(put.results[1]).code, "MalformedDetail");
  EXPECT_EQ(std::get<std::string>(put.results[2]), put.admitted.events[1].id);

  // Entry 0 is on "ops": ops_only and any; entry 2 on "default": default_only and any.
  ASSERT_EQ(put.admitted.deliveries.size(), 4u);
  EXPECT_EQ(put.admitted.events[0].deliveries, 2u);
  EXPECT_EQ(put.admitted.deliveries[0].route, "ops_only");
  EXPECT_EQ(put.admitted.deliveries[1].route, "any");
  EXPECT_EQ(put.admitted.deliveries[2].route, "default_only");
  EXPECT_EQ(put.admitted.deliveries[3].route, "any");
  const auto event = json::parse(put.admitted.deliveries[0].body);
  EXPECT_EQ(event.at("account"), "123456789012");
  EXPECT_EQ(event.at("region"), "eu-west-1");
  EXPECT_EQ(event.at("time"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(std::string(event.at("id").as_string()), put.admitted.events[0].id);
  EXPECT_EQ(event.at("detail"), (json::object{{"n", 1}}));

  const Answer a = bus_sync_answer(put, {{"hook", true, 200}, {"hook", true, 200}, {"hook", true, 200}, {"hook", true, 200}});
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(json::parse(a.body).at("FailedEntryCount"), 1);
}

TEST_F(BusIngressTest, CallsThatAreNotSignedByAKeyAreRefusedAsEventBridgeRefusesThem) {
  EXPECT_EQ(error_type(call("AWSEvents.PutEvents", kTwoGoodOneBad)), "MissingAuthenticationTokenException");
  EXPECT_EQ(error_type(signed_call("AWSEvents.PutEvents", kTwoGoodOneBad, "wrong")), "InvalidSignatureException");
  auto other_key = call("AWSEvents.PutEvents", kTwoGoodOneBad);
  aws::sign_request(other_key, {"AKIDOTHER", "bus-secret"}, "eu-west-1", "events", kNow);
  EXPECT_EQ(error_type(other_key), "UnrecognizedClientException");
  EXPECT_EQ(answer(other_key).status, 400u);
}

TEST_F(BusIngressTest, AnUnknownOrMissingTargetAndAnotherContentTypeAreRefused) {
  EXPECT_EQ(error_type(signed_call("AWSEvents.ListRules", "{}")), "UnknownOperationException");
  auto untargeted = call("", "{}");
  untargeted.headers.pop_back();
  aws::sign_request(untargeted, {"AKIDBUS", "bus-secret"}, "eu-west-1", "events", kNow);
  EXPECT_EQ(error_type(untargeted), "UnknownOperationException");
  auto form = call("AWSEvents.PutEvents", kTwoGoodOneBad);
  form.headers[1].second = "application/x-www-form-urlencoded";
  aws::sign_request(form, {"AKIDBUS", "bus-secret"}, "eu-west-1", "events", kNow);
  EXPECT_EQ(error_type(form), "SerializationException");
  EXPECT_EQ(error_type(signed_call("AWSEvents.PutEvents", R"({"Entries":[]})")), "ValidationException");
}

TEST_F(BusIngressTest, TestEventPatternAnswersWithTheMatcher) {
  const auto a = answer(signed_call("AWSEvents.TestEventPattern",
                                    R"({"EventPattern":"{\"source\":[{\"prefix\":\"ap\"}]}","Event":"{\"source\":\"app\"}"})"));
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.body, R"({"Result":true})");
  EXPECT_EQ(error_type(signed_call("AWSEvents.TestEventPattern", R"({"EventPattern":"{\"source\":\"app\"}","Event":"{}"})")),
            "InvalidEventPatternException");
}

TEST_F(BusIngressTest, TheIntakesRefusalsBecomeAwsErrorsAndItsCommitTheEntriesResults) {
  auto result = bus_.admit(signed_call("AWSEvents.PutEvents", kTwoGoodOneBad), kNow);
  const auto& put = std::get<BusAdmitted>(result);
  const Answer committed = bus_queued_answer(put, {202, "{}"});
  EXPECT_EQ(committed.status, 200u);
  EXPECT_EQ(json::parse(committed.body).at("Entries").as_array().size(), 3u);
  const Answer throttled = bus_queued_answer(put, {429, "{}"});
  EXPECT_EQ(throttled.status, 400u);
  EXPECT_EQ(json::parse(throttled.body).at("__type"), "ThrottlingException");
  EXPECT_EQ(throttled.retry_after, 1u);
  const Answer unavailable = bus_queued_answer(put, {503, "{}"});
  EXPECT_EQ(unavailable.status, 503u);
  EXPECT_EQ(json::parse(unavailable.body).at("__type"), "ServiceUnavailable");
}

TEST_F(BusIngressTest, InSyncModeAnEntryWithAFailedDeliveryIsAnInternalFailureNamingIt) {
  auto result = bus_.admit(signed_call("AWSEvents.PutEvents", kTwoGoodOneBad), kNow);
  const auto& put = std::get<BusAdmitted>(result);
  const Answer a = bus_sync_answer(put, {{"hook", true, 200}, {"hook", true, 200}, {"hook", false, 500, "HTTP 500"},
                                         {"hook", true, 200}});
  const auto body = json::parse(a.body);
  EXPECT_EQ(body.at("FailedEntryCount"), 2);
  const auto& entries = body.at("Entries").as_array();
  EXPECT_TRUE(entries[0].as_object().contains("EventId"));
  EXPECT_EQ(entries[1].at("ErrorCode"), "MalformedDetail");
  EXPECT_EQ(entries[2].at("ErrorCode"), "InternalFailure");
  EXPECT_THAT(std::string(entries[2].at("ErrorMessage").as_string()), HasSubstr("hook was refused with status 500"));
}

class BusWithoutKeysTest : public BusIngressTest {
 protected:
  BusWithoutKeysTest() : BusIngressTest("ingress: {auth: {type: bearer, token: t0k}}\n") {}
};

TEST_F(BusWithoutKeysTest, IngressAuthDecidesAndEventsCarryTheDefaultAccount) {
  EXPECT_EQ(error_type(call("AWSEvents.PutEvents", kTwoGoodOneBad)), "AccessDeniedException");
  auto r = call("AWSEvents.PutEvents", kTwoGoodOneBad);
  r.headers.emplace_back("Authorization", "Bearer t0k");
  auto result = bus_.admit(r, kNow);
  ASSERT_TRUE(std::holds_alternative<BusAdmitted>(result)) << std::get<Answer>(result).body;
  const auto& put = std::get<BusAdmitted>(result);
  const auto event = json::parse(put.admitted.deliveries.at(0).body);
  EXPECT_EQ(event.at("account"), "000000000000");
  EXPECT_EQ(event.at("region"), "us-east-1");
}

TEST(EventsOnTheIngress, AreOnTheDefaultBus) {
  const auto config = load("");
  IngressAuthenticator auth(config.ingress);
  Ingress ingress(*config.pipeline, auth);
  const std::string event = R"({"id":"e1","source":"app","detail-type":"Placed","detail":{}})";
  auto result = ingress.admit({"POST", "/events", "application/json", {}, event}, kNow);
  ASSERT_TRUE(std::holds_alternative<Admitted>(result));
  const auto& deliveries = std::get<Admitted>(result).deliveries;
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].route, "default_only");
  EXPECT_EQ(deliveries[1].route, "any");
}

}  // namespace
}  // namespace relay::net
