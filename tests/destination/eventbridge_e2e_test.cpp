// `relay serve` (queued mode) delivering into the test EventBridge, end to end: batches of
// ten and 100 ms flushes, throttled entries retried alone, MalformedDetail entries dead
// letters, idempotency keys stable across retries, SigV4 with static keys from the
// environment verified by @smithy/signature-v4 on every call.
#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/test_eventbridge.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string task(int n) { return "task/example-cluster/t" + std::to_string(n); }

std::vector<std::string> static_keys_env() {
  return {std::string("AWS_ACCESS_KEY_ID=") + kTestAccessKeyId,
          std::string("AWS_SECRET_ACCESS_KEY=") + kTestSecretAccessKey, "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
          "AWS_EC2_METADATA_DISABLED=true"};
}

// A relay whose route "ecs" sends ECS task events to the eventbridge destination "bus" at
// `server`, with `batch` settings and `credentials` (a YAML mapping; none: the chain, here
// static keys from the environment `env`).
Listening start_bus_relay(const TempDir& dir, const TestEventBridge& server, const std::string& batch,
                          const std::string& credentials = {}, const std::vector<std::string>& env = static_keys_env()) {
  const std::string config = "listen: 127.0.0.1:0\n"
                             "threads: 2\n"
                             "ingress: {auth: {type: none}}\n"
                             "delivery: {mode: queued, max_backlog: 10000}\n"
                             "store: {path: " + outbox_path(dir) + "}\n"
                             "admin: {token: t0k}\n"
                             "destinations:\n"
                             "  bus:\n"
                             "    type: eventbridge\n"
                             "    event_bus: arn:aws:events:us-east-1:123456789012:event-bus/ops\n"
                             "    endpoint: " + server.url() + "\n"
                             "    source: relay.incidents\n"
                             "    detail_type: Incident\n"
                             "    batch: " + batch + "\n"
                             "    retry: {schedule: [50ms, 50ms, 50ms], jitter: 0}\n" +
                             (credentials.empty() ? "" : "    credentials: " + credentials + "\n") +
                             "routes:\n"
                             "  - name: ecs\n"
                             "    handler: ecs_task\n"
                             "    destinations: [bus]\n";
  return start_relay({"serve", "--config", dir.write("relay.yaml", config)}, env);
}

// `n` ECS events from `first` on, in one request (the ingress takes a JSON array).
std::string events(int first, int n) {
  json::array all;
  for (int i = first; i < first + n; ++i) all.push_back(json::parse(ecs_event(i)));
  return json::serialize(all);
}

std::string resource_key(const json::value& entry) {
  const auto& resources = entry.at("Resources").as_array();
  return std::string(resources.back().as_string());
}

std::string detail_of(const json::value& entry) { return std::string(entry.at("Detail").as_string()); }

TEST(EventBridgeE2E, DeliveriesGoInBatchesOfTenAndAPartOneAfterTheFlushDelay) {
  TempDir dir;
  TestEventBridge server;
  auto relay = start_bus_relay(dir, server, "{max_entries: 10, flush_after: 100ms}");
  HttpTestClient client(relay.url);
  ASSERT_EQ(client.post("/events", events(0, 25)).status, 202u);
  const auto calls = server.calls_until(25, 20s);
  std::size_t entries = 0, full = 0;
  std::set<std::string> keys;
  for (const auto& call : calls) {
    EXPECT_EQ(call.verdict, "ok");
    EXPECT_EQ(call.status, 200u) << call.answer;
    const auto list = call.entries();
    EXPECT_LE(list.size(), 10u);
    full += list.size() == 10;
    entries += list.size();
    for (const auto& e : list) keys.insert(resource_key(e));
  }
  EXPECT_EQ(entries, 25u);
  EXPECT_EQ(keys.size(), 25u);  // one idempotency key per delivery
  EXPECT_GE(full, 2u);
  EXPECT_LE(calls.size(), 5u);

  // A lone event waits for the flush delay, then goes alone.
  const auto posted = Clock::now();
  ASSERT_EQ(client.post("/events", ecs_event(100)).status, 202u);
  const auto lone = server.next_call(10s);
  const auto waited = Clock::now() - posted;
  ASSERT_TRUE(lone);
  EXPECT_EQ(lone->entries().size(), 1u);
  EXPECT_GE(waited, 100ms);
}

TEST(EventBridgeE2E, ThrottledEntriesAreRetriedAloneAndMalformedOnesAreDeadLetters) {
  TempDir dir;
  TestEventBridge server(json::object{
      {"entries", json::array{json::object{{"marker", task(2)}, {"code", "ThrottlingException"}, {"times", 2}},
                              json::object{{"marker", task(4)}, {"code", "MalformedDetail"},
                                           {"message", "Detail is malformed."}}}}});
  auto relay = start_bus_relay(dir, server, "{max_entries: 10, flush_after: 100ms}");
  HttpTestClient client(relay.url);
  ASSERT_EQ(client.post("/events", events(1, 5)).status, 202u);

  const auto first = server.next_call(10s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->verdict, "ok");
  const auto sent = first->entries();
  ASSERT_EQ(sent.size(), 5u);
  std::string throttled_key;
  for (const auto& e : sent)
    if (detail_of(e).find(task(2)) != std::string::npos) throttled_key = resource_key(e);
  ASSERT_FALSE(throttled_key.empty());
  // Twice throttled, then accepted: each retry carries that entry alone, with the same key.
  for (int attempt = 2; attempt <= 3; ++attempt) {
    const auto retry = server.next_call(10s);
    ASSERT_TRUE(retry) << "attempt " << attempt;
    EXPECT_EQ(retry->verdict, "ok");
    ASSERT_EQ(retry->entries().size(), 1u);
    EXPECT_EQ(resource_key(retry->entries()[0]), throttled_key);
  }
  EXPECT_FALSE(server.next_call(500ms)) << "nothing else is sent again";

  const Headers auth{{"authorization", "Bearer t0k"}};
  json::value dead;
  for (const auto deadline = Clock::now() + 10s; Clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    dead = json::parse(client.get("/admin/dlq?destination=bus", auth).body);
    if (!dead.at("dead_letters").as_array().empty()) break;
  }
  const auto& letters = dead.at("dead_letters").as_array();
  ASSERT_EQ(letters.size(), 1u) << json::serialize(dead);
  EXPECT_EQ(letters[0].at("event_id"), "event-4");
  EXPECT_EQ(letters[0].at("last_error"), "MalformedDetail: Detail is malformed.");
  const auto cli = run_process({RELAY_BINARY, "dlq", "list", "--db", outbox_path(dir)});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr(R"("last_error":"MalformedDetail: Detail is malformed.")"));
}

TEST(EventBridgeE2E, AWholeCallFailureRetriesEveryEntryWithTheSameKeys) {
  TempDir dir;
  TestEventBridge server(json::object{
      {"calls", json::array{json::object{{"status", 503}, {"type", "ServiceUnavailable"}, {"times", 1}}}}});
  auto relay = start_bus_relay(dir, server, "{max_entries: 10, flush_after: 50ms}");
  ASSERT_EQ(HttpTestClient(relay.url).post("/events", events(1, 3)).status, 202u);
  const auto refused = server.next_call(10s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503u);
  std::multiset<std::string> first_keys, retried_keys;
  for (const auto& e : refused->entries()) first_keys.insert(resource_key(e));
  for (const auto& call : server.calls_until(3, 10s)) {
    EXPECT_EQ(call.status, 200u);
    for (const auto& e : call.entries()) retried_keys.insert(resource_key(e));
  }
  EXPECT_EQ(first_keys.size(), 3u);
  EXPECT_EQ(retried_keys, first_keys);
}

TEST(EventBridgeE2E, WithoutCredentialsDeliveriesWaitAndGoOnceThereAreSome) {
  TempDir dir;
  TestEventBridge server;
  const std::string credentials_file = dir.path() + "/aws-credentials";  // not written yet
  auto relay = start_bus_relay(dir, server, "{max_entries: 10, flush_after: 100ms}", "{profile: relay}",
                               {"AWS_SHARED_CREDENTIALS_FILE=" + credentials_file,
                                "AWS_CONFIG_FILE=" + dir.path() + "/aws-config", "AWS_ACCESS_KEY_ID=",
                                "AWS_SECRET_ACCESS_KEY=", "AWS_EC2_METADATA_DISABLED=true"});
  EXPECT_THAT(relay.process->stderr_text(200ms), HasSubstr("destination bus: no AWS credentials now")) << "said at start";
  HttpTestClient client(relay.url);
  ASSERT_EQ(client.post("/events", events(0, 2)).status, 202u);
  ASSERT_TRUE(relay.process->wait_stderr("delivery postponed, not attempted", 10s));

  dir.write("aws-credentials", std::string("[relay]\naws_access_key_id = ") + kTestAccessKeyId +
                                   "\naws_secret_access_key = " + kTestSecretAccessKey + "\n");
  const auto calls = server.calls_until(2, 10s);
  std::size_t entries = 0;
  for (const auto& call : calls) {
    EXPECT_EQ(call.verdict, "ok");
    entries += call.entries().size();
  }
  EXPECT_EQ(entries, 2u) << "postponed, never dead: each delivered once credentials came";
}

}  // namespace
}  // namespace relay::testing
