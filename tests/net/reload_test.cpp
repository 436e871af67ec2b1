// Config reload end to end: `relay serve` reads its --config file again on SIGHUP and on
// POST /admin/reload; a good file serves new events, a bad one changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

const Headers kAdmin = {{"authorization", "Bearer t0k"}};

// A destination to `sink_url` as `relay sink` checks it, with `more` keys ("k: v, ...").
std::string destination(const std::string& sink_url, const std::string& more = "") {
  return "{url: " + sink_url + "/hooks, signing: hmac-timestamp, secret: " + kSinkSecret +
         ", retry: {schedule: [50ms, 50ms], jitter: 0}" + (more.empty() ? "" : ", " + more) + "}";
}

// The config file: `destinations` ("  name: {...}\n" each), ECS events routed to `route_to`,
// `top` top-level lines more, ingress.auth `auth`.
std::string config_file(const TempDir& dir, const std::string& destinations, const std::string& route_to,
                        const std::string& top = "", const std::string& auth = "{type: none}") {
  return "listen: 127.0.0.1:0\n"
         "threads: 2\n" + top +
         "ingress: {auth: " + auth + "}\n"
         "store: {path: " + outbox_path(dir) + "}\n"
         "admin: {token: t0k}\n"
         "destinations:\n" + destinations +
         "routes:\n"
         "  - {name: ecs, handler: ecs_task, destinations: [" + route_to + "]}\n";
}

Listening serve_file(const TempDir& dir, const std::string& yaml) {
  return start_relay({"serve", "--config", dir.write("relay.yaml", yaml)});
}

// The task ARN of the one event `sink` prints within 10 s; empty when none comes.
std::string arrived(Listening& sink) {
  const auto lines = sink_lines(*sink.process, 1, 10s);
  return lines.empty() ? std::string() : task_arn_of(lines[0]);
}

std::string arn(int n) { return "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t" + std::to_string(n); }

TEST(Reload, AfterSighupTheNextEventGoesWhereTheRewrittenFileRoutesIt) {
  TempDir dir;
  auto first = start_sink(), second = start_sink();
  const std::string both =
      "  one: " + destination(first.url) + "\n  two: " + destination(second.url) + "\n";
  auto serve = serve_file(dir, config_file(dir, both, "one"));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);
  EXPECT_EQ(arrived(first), arn(1));

  dir.write("relay.yaml", config_file(dir, both, "two"));
  serve.process->signal(SIGHUP);
  const auto reloaded = serve.process->wait_stderr("config reloaded", 10s);
  ASSERT_TRUE(reloaded) << serve.process->stderr_text();
  EXPECT_THAT(*reloaded, HasSubstr("routes added: -; removed: -; changed: ecs"));

  ASSERT_EQ(client.post("/events", ecs_event(2)).status, 202u);
  EXPECT_EQ(arrived(second), arn(2));
  EXPECT_FALSE(first.process->stdout_line(300ms)) << "the old route still sent";
}

TEST(Reload, ABadFileIsRefusedWithEveryProblemAndTheRunningConfigKeepsServing) {
  TempDir dir;
  auto sink = start_sink();
  const std::string good = config_file(dir, "  one: " + destination(sink.url) + "\n", "one");
  auto serve = serve_file(dir, good);
  HttpTestClient client(serve.url);

  EXPECT_EQ(client.post("/admin/reload", "", {}, true, "").status, 401u);
  EXPECT_EQ(client.get("/admin/reload", kAdmin).status, 405u);

  const std::string file = dir.write(
      "relay.yaml", config_file(dir, "  one: " + destination(sink.url, "timeout: soon, colour: red") + "\n", "nowhere"));
  HttpReply r = client.post("/admin/reload", "", kAdmin, true, "");
  ASSERT_EQ(r.status, 400u) << r.body;
  const auto problems = json::parse(r.body).at("problems").as_array();
  ASSERT_EQ(problems.size(), 2u) << r.body;
  const std::string prefix = "relay serve: " + file + ": destinations.one.";
  EXPECT_EQ(problems[0].as_string(), prefix + "timeout: expected a duration such as 250ms, 5s, 30m or 2h");
  EXPECT_THAT(std::string(problems[1].as_string()), HasSubstr(prefix + "colour: unknown key"));

  // Settings fixed at start are refused too, named by path.
  dir.write("relay.yaml", config_file(dir, "  one: " + destination(sink.url) + "\n", "one", "delivery: {max_backlog: 7}\n"));
  r = client.post("/admin/reload", "", kAdmin, true, "");
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(json::parse(r.body).at("problems"),
            json::parse(R"(["delivery.max_backlog: differs from the running relay's and takes a restart"])"));

  ASSERT_EQ(client.post("/events", ecs_event(3)).status, 202u);
  EXPECT_EQ(arrived(sink), arn(3)) << "the running config stopped serving";

  dir.write("relay.yaml", good);
  r = client.post("/admin/reload", "", kAdmin, true, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"reloaded": true,
      "routes": {"added": [], "removed": [], "changed": []},
      "destinations": {"added": [], "removed": [], "changed": []}})"));
}

TEST(Reload, ANewIngressAuthJudgesTheNextRequestsOnEveryThread) {
  TempDir dir;
  auto sink = start_sink();
  const std::string one = "  one: " + destination(sink.url) + "\n";
  auto serve = serve_file(dir, config_file(dir, one, "one"));
  dir.write("relay.yaml", config_file(dir, one, "one", "", "{type: bearer, token: s3cret-token}"));
  HttpTestClient admin(serve.url);
  ASSERT_EQ(admin.post("/admin/reload", "", kAdmin, true, "").status, 200u);
  // New connections, so that both server threads answer some.
  for (int i = 0; i < 6; ++i) {
    HttpTestClient client(serve.url);
    EXPECT_EQ(client.post("/events", ecs_event(10 + i), {}, false).status, 401u);
  }
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(20), {{"authorization", "Bearer s3cret-token"}}).status, 202u);
  EXPECT_EQ(arrived(sink), arn(20));
}

// What the outbox holds for `destination` in `state`, by the admin API, once it holds
// `count` (the last answer at the deadline). Each try is a request to relay, which paces the loop.
json::array deliveries(HttpTestClient& client, const std::string& query, std::size_t count) {
  json::array rows;
  for (const auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    rows = json::parse(client.get("/admin/deliveries?" + query, kAdmin).body).at("deliveries").as_array();
    if (rows.size() == count) break;
  }
  return rows;
}

TEST(Reload, PendingDeliveriesToARemovedDestinationGoDeadSayingSoAndReplayOnceItIsBack) {
  TempDir dir;
  auto kept = start_sink(), removed = start_sink();
  const std::string with_paused =
      "  one: " + destination(kept.url) + "\n  two: " + destination(removed.url, "paused: true") + "\n";
  auto serve = serve_file(dir, config_file(dir, with_paused, "one, two"));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(4)).status, 202u);
  EXPECT_EQ(arrived(kept), arn(4));
  ASSERT_EQ(deliveries(client, "destination=two&status=pending", 1).size(), 1u);

  dir.write("relay.yaml", config_file(dir, "  one: " + destination(kept.url) + "\n", "one"));
  HttpReply r = client.post("/admin/reload", "", kAdmin, true, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"reloaded": true,
      "routes": {"added": [], "removed": [], "changed": ["ecs"]},
      "destinations": {"added": [], "removed": ["two"], "changed": []}})"));

  const auto dead = deliveries(client, "destination=two&status=dead", 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].at("last_error"), "destination two is no longer configured");
  EXPECT_FALSE(removed.process->stdout_line(300ms)) << "a paused, then removed, destination was sent to";

  // Back (not paused): the dead letter is replayed to it by name.
  dir.write("relay.yaml", config_file(dir, "  one: " + destination(kept.url) + "\n  two: " + destination(removed.url) + "\n",
                                      "one"));
  ASSERT_EQ(client.post("/admin/reload", "", kAdmin, true, "").status, 200u);
  ASSERT_EQ(client.post("/admin/dlq/replay?destination=two", "", kAdmin, true, "").status, 200u);
  EXPECT_EQ(arrived(removed), arn(4));
}

}  // namespace
}  // namespace relay::testing
