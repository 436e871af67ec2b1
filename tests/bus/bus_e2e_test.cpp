// relay's event bus end to end: the AWS SDK for JavaScript (@aws-sdk/client-eventbridge)
// publishing to `relay serve` and testing patterns against it, a relay's eventbridge
// destination publishing to another relay, DevRamps' detail types reaching their handler.
#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/test_eventbridge.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kAccount = "123456789012";

// ingress.aws with the test key, its events from kAccount.
std::string bus_keys() {
  return std::string("  aws:\n    region: ") + kTestRegion + "\n    credentials:\n      - {access_key_id: " +
         kTestAccessKeyId + ", secret_access_key: \"" + kTestSecretAccessKey + "\", account: \"" + kAccount + "\"}\n";
}

// A relay taking PutEvents signed with the test key; route "orders" sends raw events on the
// default bus to `sink_url`, and `more_routes` others.
Listening start_bus(const TempDir& dir, const std::string& sink_url, const std::string& more_routes = {},
                    const std::string& delivery = "{mode: queued, max_backlog: 10000}") {
  ServeConfig config(sink_url);
  config.ingress += bus_keys();
  config.delivery = delivery;
  config.more_routes = "  - {name: orders, handler: raw, request: {event_bus: default}, destinations: [webhook]}\n" +
                       more_routes;
  return start_serve(dir, config);
}

// What the SDK made of each call (sdk_bus.js), signed with `secret` by `key`.
json::array sdk_calls(const std::string& endpoint, const json::array& calls,
                      const std::string& secret = kTestSecretAccessKey, const std::string& key = kTestAccessKeyId) {
  const auto run = run_process({"node", RELAY_SOURCE_DIR "/tests/bus/sdk_bus.js", eventbridge_npm_modules(), endpoint,
                                kTestRegion, key, secret, json::serialize(calls)});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return json::parse(run.out).as_array();
}

json::object put_events(json::array entries) {
  return {{"op", "PutEvents"}, {"input", json::object{{"Entries", std::move(entries)}}}};
}

json::object order(int n) {
  return {{"Source", "app.orders"}, {"DetailType", "Order Placed"},
          {"Detail", json::serialize(json::object{{"order", n}})}, {"Resources", json::array{"arn:aws:orders:" + std::to_string(n)}}};
}

bool is_uuid(const json::value& v) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return v.is_string() && std::regex_match(std::string(v.as_string()), uuid);
}

TEST(BusSdk, PutEventsAnswersPerEntryAndAcceptedEntriesReachTheSink) {
  TempDir dir;
  auto sink = start_sink();
  auto relay = start_bus(dir, sink.url);
  json::object bad_detail = order(2);
  bad_detail["Detail"] = "[1, 2]";
  json::object no_type = order(3);
  no_type.erase("DetailType");
  json::object timed = order(4);
  timed["Time"] = 1767225600;  // 2026-01-01T00:00:00Z
  const auto results = sdk_calls(relay.url, {put_events({order(1), bad_detail, no_type, timed})});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].as_object().contains("output")) << json::serialize(results[0]);
  EXPECT_TRUE(is_uuid(results[0].at("request_id"))) << "the SDK read relay's x-amzn-RequestId";
  const auto& out = results[0].at("output");
  EXPECT_EQ(out.at("FailedEntryCount"), 2);
  const auto& entries = out.at("Entries").as_array();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_TRUE(is_uuid(entries[0].at("EventId"))) << json::serialize(entries[0]);
  EXPECT_EQ(entries[1].at("ErrorCode"), "MalformedDetail");
  EXPECT_EQ(entries[2].at("ErrorCode"), "InvalidArgument");
  EXPECT_THAT(std::string(entries[2].at("ErrorMessage").as_string()), HasSubstr("DetailType"));
  EXPECT_TRUE(is_uuid(entries[3].at("EventId")));

  const auto lines = sink_lines(*sink.process, 2, 15s);
  ASSERT_EQ(lines.size(), 2u) << "the two accepted entries, nothing for the refused ones";
  std::map<std::int64_t, json::value> by_order;
  for (const auto& line : lines) {
    auto event = json::parse(line);
    by_order[event.at_pointer("/detail/order").as_int64()] = event;
  }
  ASSERT_EQ(by_order.size(), 2u);
  const auto& first = by_order.at(1);
  EXPECT_EQ(first.at("id"), entries[0].at("EventId"));
  EXPECT_EQ(first.at("source"), "app.orders");
  EXPECT_EQ(first.at("detail-type"), "Order Placed");
  EXPECT_EQ(first.at("account"), kAccount);
  EXPECT_EQ(first.at("region"), kTestRegion);
  EXPECT_EQ(first.at("version"), "0");
  EXPECT_EQ(first.at("resources"), json::array{"arn:aws:orders:1"});
  EXPECT_EQ(by_order.at(4).at("time"), "2026-01-01T00:00:00Z");
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "nothing more";
}

TEST(BusSdk, AWrongSecretOrAnUnknownKeyRaisesTheSdksException) {
  TempDir dir;
  auto sink = start_sink();
  auto relay = start_bus(dir, sink.url);
  auto results = sdk_calls(relay.url, {put_events({order(1)})}, "not-the-secret");
  EXPECT_EQ(results.at(0).at("error"), "InvalidSignatureException") << json::serialize(results);
  EXPECT_EQ(results.at(0).at("status"), 400);
  results = sdk_calls(relay.url, {put_events({order(1)})}, kTestSecretAccessKey, "AKIDUNKNOWN");
  EXPECT_EQ(results.at(0).at("error"), "UnrecognizedClientException") << json::serialize(results);
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(order(i));
  results = sdk_calls(relay.url, {put_events(eleven)});
  EXPECT_EQ(results.at(0).at("error"), "ValidationException") << json::serialize(results);
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "nothing delivered";
}

TEST(BusSdk, TestEventPatternAnswersAsRelaysMatcher) {
  TempDir dir;
  auto sink = start_sink();
  auto relay = start_bus(dir, sink.url);
  const std::string event = R"({"id":"1","account":"123456789012","source":"app.orders","time":"2026-01-01T00:00:00Z",
    "region":"us-east-1","resources":[],"detail-type":"Order Placed","detail":{"total":120,"country":"NL"}})";
  const auto test = [&](const std::string& pattern) {
    return json::object{{"op", "TestEventPattern"}, {"input", json::object{{"EventPattern", pattern}, {"Event", event}}}};
  };
  const auto results = sdk_calls(relay.url, {
      test(R"({"detail":{"total":[{"numeric":[">=",100]}],"country":[{"equals-ignore-case":"nl"}]}})"),
      test(R"({"source":[{"prefix":"app."}],"detail":{"total":[{"numeric":["<",100]}]}})"),
      test(R"({"detail":{"country":[{"wildcard":"N*"}]}})"),
      test(R"({"detail":{"total":[{"numeric":[">","x"]}]}})")});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].at_pointer("/output/Result"), true) << json::serialize(results[0]);
  EXPECT_EQ(results[1].at_pointer("/output/Result"), false);
  EXPECT_EQ(results[2].at_pointer("/output/Result"), true);
  EXPECT_EQ(results[3].at("error"), "InvalidEventPatternException");
  EXPECT_THAT(std::string(results[3].at("message").as_string()), HasSubstr("detail.total[0]"));
}

TEST(BusSdk, InSyncModeAnEntryWhoseDeliveryFailedIsAnInternalFailure) {
  TempDir dir;
  auto relay = start_bus(dir, "http://127.0.0.1:9", {}, "{mode: sync}");  // nothing listens there
  json::object elsewhere = order(2);
  elsewhere["EventBusName"] = "arn:aws:events:us-east-1:123456789012:event-bus/other";  // no route takes it
  const auto results = sdk_calls(relay.url, {put_events({order(1), elsewhere})});
  const auto& out = results.at(0).at("output");
  EXPECT_EQ(out.at("FailedEntryCount"), 1) << json::serialize(out);
  const auto& entries = out.at("Entries").as_array();
  EXPECT_EQ(entries.at(0).at("ErrorCode"), "InternalFailure");
  EXPECT_THAT(std::string(entries.at(0).at("ErrorMessage").as_string()), HasSubstr("delivery to webhook got no answer"));
  EXPECT_TRUE(is_uuid(entries.at(1).at("EventId")));
}

TEST(BusCli, PutEventsAndTestEventPatternWithTheAwsCli) {
  if (run_process({"sh", "-c", "command -v aws"}).exit_code != 0) GTEST_SKIP() << "no aws CLI here";
  TempDir dir;
  auto sink = start_sink();
  auto relay = start_bus(dir, sink.url);
  const std::vector<std::string> env{std::string("AWS_ACCESS_KEY_ID=") + kTestAccessKeyId,
                                     std::string("AWS_SECRET_ACCESS_KEY=") + kTestSecretAccessKey,
                                     "AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true",
                                     "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"};
  const auto put = run_process({"aws", "events", "put-events", "--endpoint-url", relay.url, "--region", kTestRegion,
                                "--output", "json", "--entries",
                                R"([{"Source":"app.cli","DetailType":"Hello","Detail":"{\"n\":1}","Time":"2026-01-01T00:00:00Z"}])"},
                               {}, env);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  const auto answer = json::parse(put.out);
  EXPECT_EQ(answer.at("FailedEntryCount"), 0);
  const auto lines = sink_lines(*sink.process, 1, 15s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(json::parse(lines[0]).at("time"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(json::parse(lines[0]).at("id"), answer.at_pointer("/Entries/0/EventId"));

  const auto test = run_process({"aws", "events", "test-event-pattern", "--endpoint-url", relay.url, "--region",
                                 kTestRegion, "--output", "json", "--event-pattern", R"({"source":[{"prefix":"app."}]})",
                                 "--event", R"({"id":"1","source":"app.cli","detail-type":"Hello","detail":{}})"},
                                {}, env);
  ASSERT_EQ(test.exit_code, 0) << test.err;
  EXPECT_EQ(json::parse(test.out).at("Result"), true);
}

TEST(BusSdk, DevRampsFourteenDetailTypesReachTheDevRampsHandler) {
  TempDir dir;
  auto sink = start_sink();
  const char* kTypes[] = {"approval-required", "ephemeral-deployment-failed", "ephemeral-deployment-succeeded",
                          "ephemeral-environment-claimed", "ephemeral-environment-released", "stage-auto-rolled-back",
                          "stage-failed", "stage-rolled-back", "stage-rolled-forward", "stage-started",
                          "stage-succeeded", "step-skipped", "step-started", "step-succeeded"};
  std::string notify;
  json::array entries, calls;
  std::set<std::string> detail_types;
  for (const char* type : kTypes) {
    const auto sample_event = json::parse(sample(std::string("devramps-") + type + ".json"));
    const std::string detail_type(sample_event.at("detail-type").as_string());
    detail_types.insert(detail_type);
    notify += (notify.empty() ? "\"" : ", \"") + detail_type + "\"";
    entries.push_back(json::object{{"Source", "devramps"}, {"DetailType", detail_type},
                                   {"Detail", json::serialize(sample_event.at("detail"))}});
    if (entries.size() == 10) calls.push_back(put_events(std::exchange(entries, {})));
  }
  calls.push_back(put_events(entries));
  ASSERT_EQ(detail_types.size(), 14u);
  // Only devramps here: the raw "orders" route would take these too.
  ServeConfig config(sink.url);
  config.ingress += bus_keys();
  config.more_routes = "  - {name: devramps, handler: devramps, options: {notify: [" + notify + "]}, destinations: [webhook]}\n";
  auto relay = start_serve(dir, config);
  const auto results = sdk_calls(relay.url, calls);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r.at_pointer("/output/FailedEntryCount"), 0) << json::serialize(r);

  const auto lines = sink_lines(*sink.process, 14, 20s);
  ASSERT_EQ(lines.size(), 14u);
  std::set<std::string> incidents;
  for (const auto& line : lines) {
    const auto incident = json::parse(line);
    EXPECT_THAT(std::string(incident.at("title").as_string()), HasSubstr("DevRamps ")) << line;
    incidents.insert(std::string(incident.at_pointer("/data/metadata/detailType").as_string()));
  }
  EXPECT_EQ(incidents, detail_types);
}

TEST(BusChain, AnEventPostedToRelayAReachesRelayBsSinkSignedAtEachHop) {
  TempDir dir_a, dir_b;
  auto sink = start_sink();
  auto b = start_bus(dir_b, sink.url);
  const std::string config_a = "listen: 127.0.0.1:0\n"
                               "threads: 2\n"
                               "ingress: {auth: {type: none}}\n"
                               "delivery: {mode: queued}\n"
                               "store: {path: " + outbox_path(dir_a) + "}\n"
                               "destinations:\n"
                               "  bus:\n"
                               "    type: eventbridge\n"
                               "    event_bus: default\n"
                               "    region: " + kTestRegion + "\n"
                               "    endpoint: " + b.url + "\n"
                               "    batch: {max_entries: 10, flush_after: 50ms}\n"
                               "    retry: {schedule: [50ms, 50ms], jitter: 0}\n"
                               "routes:\n"
                               "  - {name: all, handler: raw, destinations: [bus]}\n";
  auto a = start_relay({"serve", "--config", dir_a.write("relay.yaml", config_a)},
                       {std::string("AWS_ACCESS_KEY_ID=") + kTestAccessKeyId,
                        std::string("AWS_SECRET_ACCESS_KEY=") + kTestSecretAccessKey, "AWS_SESSION_TOKEN=",
                        "AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true"});
  const std::string event = R"({"id":"chain-1","source":"app.orders","detail-type":"Order Placed",
    "account":"999999999999","time":"2026-02-03T04:05:06Z","region":"us-east-1","resources":["arn:x"],
    "detail":{"order":42}})";
  ASSERT_EQ(HttpTestClient(a.url).post("/events", event).status, 202u);
  const auto lines = sink_lines(*sink.process, 1, 15s);
  ASSERT_EQ(lines.size(), 1u) << a.process->stderr_text(200ms) << b.process->stderr_text(200ms);
  const auto got = json::parse(lines[0]);
  EXPECT_EQ(got.at("source"), "app.orders");
  EXPECT_EQ(got.at("detail-type"), "Order Placed");
  EXPECT_EQ(got.at("detail"), (json::object{{"order", 42}}));
  EXPECT_EQ(got.at("time"), "2026-02-03T04:05:06Z") << "the entry's Time";
  EXPECT_EQ(got.at("account"), kAccount) << "B's key's account";
  EXPECT_TRUE(is_uuid(got.at("id"))) << "B made a new event";
  EXPECT_THAT(json::serialize(got.at("resources")), HasSubstr("relay:idempotency-key:"));
}

TEST(BusChain, AnUnsignedCallIsRefusedAndStoresNothing) {
  TempDir dir;
  auto sink = start_sink();
  auto relay = start_bus(dir, sink.url);
  const auto reply = HttpTestClient(relay.url).post(
      "/", R"({"Entries":[{"Source":"s","DetailType":"d","Detail":"{}"}]})",
      {{"x-amz-target", "AWSEvents.PutEvents"}}, true, "application/x-amz-json-1.1");
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(json::parse(reply.body).at("__type"), "MissingAuthenticationTokenException");
  EXPECT_EQ(reply.headers.at("content-type"), "application/x-amz-json-1.1");
  EXPECT_TRUE(is_uuid(json::value(reply.headers.at("x-amzn-requestid"))));
  EXPECT_FALSE(sink.process->stdout_line(300ms));
}

}  // namespace
}  // namespace relay::testing
