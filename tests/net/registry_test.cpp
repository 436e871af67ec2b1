// The live registry end to end: destinations and routes added, changed, paused and removed
// through the admin API and the CLI while `relay serve` runs, validated like the config
// file, audited, and kept across reloads and restarts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/postgres_database.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Headers kAdmin = {{"authorization", "Bearer t0k"}};

Headers admin_and(std::string name, std::string value) {
  Headers h = kAdmin;
  h.emplace_back(std::move(name), std::move(value));
  return h;
}

// A registry destination to `sink_url`, as the config file writes it, with `more` keys.
std::string destination(const std::string& sink_url, const std::string& more = "") {
  return R"({"url": ")" + sink_url + R"(/hooks", "signing": "hmac-timestamp", "secret": ")" + kSinkSecret +
         R"(", "retry": {"schedule": ["50ms", "50ms"], "jitter": 0})" + (more.empty() ? "" : ", " + more) + "}";
}

// A route for ECS task events to `to`.
std::string route_to(const std::string& to) { return R"({"handler": "ecs_task", "destinations": [")" + to + R"("]})"; }

std::string arn(int n) { return "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t" + std::to_string(n); }

// The task ARN of the one event `sink` prints within 10 s; empty when none comes.
std::string arrived(Listening& sink) {
  const auto lines = sink_lines(*sink.process, 1, 10s);
  return lines.empty() ? std::string() : task_arn_of(lines[0]);
}

json::value body_of(const HttpReply& r) { return json::parse(r.body); }

std::vector<std::string> strings_at(const HttpReply& r, std::string_view key) {
  std::vector<std::string> out;
  const auto body = body_of(r);
  for (const auto& v : body.at(key).as_array()) out.emplace_back(v.as_string());
  return out;
}

class Registry : public ::testing::Test {
 protected:
  // `relay serve` with the file's destination `webhook` (to `file_sink`) and route `ecs`.
  Listening serve(const std::vector<std::string>& env = {}) {
    ServeConfig config(file_sink.url);
    config.admin = "{token: t0k}";
    return start_serve(dir, config, {}, env);
  }

  // Adds destination `second` (to `sink`) and route `to-second` through the admin API.
  void add_second(HttpTestClient& admin) {
    auto r = admin.send("PUT", "/admin/destinations/second", destination(sink.url), kAdmin);
    ASSERT_EQ(r.status, 201u) << r.body;
    r = admin.send("PUT", "/admin/routes/to-second", route_to("second"), kAdmin);
    ASSERT_EQ(r.status, 201u) << r.body;
  }

  TempDir dir;
  Listening file_sink = start_sink();
  Listening sink = start_sink();
};

TEST_F(Registry, AnAddedDestinationAndRouteServeTheNextEventWithoutARestart) {
  auto relay = serve();
  HttpTestClient client(relay.url);
  auto r = client.send("PUT", "/admin/destinations/second", destination(sink.url), kAdmin);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.headers["etag"], std::string(body_of(r).at("etag").as_string()));
  EXPECT_EQ(body_of(r).at("applied"), true);
  r = client.send("PUT", "/admin/routes/to-second", route_to("second"), kAdmin);
  ASSERT_EQ(r.status, 201u) << r.body;

  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);
  EXPECT_EQ(arrived(sink), arn(1));
  EXPECT_EQ(arrived(file_sink), arn(1)) << "the file's route still serves";

  r = client.get("/admin/routes/to-second", kAdmin);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(body_of(r).at("origin"), "registry");
  EXPECT_EQ(body_of(r).at("spec"), json::parse(R"({"handler": "ecs_task", "destinations": ["second"],
                                                   "name": "to-second"})"));
  r = client.get("/admin/routes", kAdmin);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto listed = body_of(r);
  const auto& routes = listed.at("routes").as_array();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].at("name"), "ecs");
  EXPECT_EQ(routes[0].at("origin"), "config");
  EXPECT_EQ(routes[1].at("name"), "to-second");
}

TEST_F(Registry, AChangeNeedsTheCurrentETagAndPausingHoldsDeliveriesUntilResumed) {
  auto relay = serve();
  HttpTestClient client(relay.url);
  add_second(client);
  auto r = client.get("/admin/destinations/second", kAdmin);
  ASSERT_EQ(r.status, 200u);
  const std::string etag = r.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(body_of(r).at("paused"), false);

  r = client.send("PUT", "/admin/destinations/second", destination(sink.url), admin_and("if-none-match", "*"));
  EXPECT_EQ(r.status, 412u) << "it exists already";
  r = client.send("PUT", "/admin/destinations/second", destination(sink.url, R"("paused": true)"),
                  admin_and("if-match", etag));
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string paused_etag = r.headers["etag"];
  EXPECT_NE(paused_etag, etag);
  r = client.send("PUT", "/admin/destinations/second", destination(sink.url), admin_and("if-match", etag));
  ASSERT_EQ(r.status, 412u) << "a stale ETag";
  EXPECT_EQ(body_of(r).at("etag"), json::value(paused_etag));
  EXPECT_EQ(client.send("DELETE", "/admin/routes/to-second", "", admin_and("if-match", "\"999\"")).status, 412u);
  EXPECT_EQ(client.send("PUT", "/admin/destinations/second", destination(sink.url), admin_and("if-match", "3")).status,
            400u)
      << "an ETag is quoted";
  EXPECT_EQ(client.get("/admin/destinations/second", kAdmin).body.find("\"paused\":true") != std::string::npos, true);

  ASSERT_EQ(client.post("/events", ecs_event(2)).status, 202u);
  EXPECT_EQ(arrived(file_sink), arn(2));
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "a paused destination was sent to";

  r = client.send("PUT", "/admin/destinations/second", destination(sink.url), admin_and("if-match", paused_etag));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(arrived(sink), arn(2)) << "the held delivery goes once resumed";
}

TEST_F(Registry, BadEntriesAreRefusedWithEveryProblemAndItsPath) {
  auto relay = serve();
  HttpTestClient client(relay.url);
  auto r = client.send("PUT", "/admin/destinations/bad", destination(sink.url, R"("timeout": "soon", "colour": "red")"),
                       kAdmin);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_THAT(strings_at(r, "problems"),
              ElementsAre("destinations.bad.timeout: expected a duration such as 250ms, 5s, 30m or 2h",
                          HasSubstr("destinations.bad.colour: unknown key")));
  r = client.send("PUT", "/admin/routes/bad", R"({"handler": "ecs_task", "destinations": [7], "colour": 1})", kAdmin);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_THAT(strings_at(r, "problems"),
              ElementsAre(HasSubstr("routes.bad.destinations[0]: expected a destination name"),
                          HasSubstr("routes.bad.colour: unknown key")));
  r = client.send("PUT", "/admin/routes/bad",
                  R"({"name": "other", "handler": "ecs_task", "destinations": ["webhook"]})", kAdmin);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_THAT(strings_at(r, "problems"), ElementsAre(HasSubstr("routes.bad.name: must be \"bad\"")));
  r = client.send("PUT", "/admin/routes/lost", route_to("nowhere"), kAdmin);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_THAT(r.body, HasSubstr("nowhere"));
  r = client.send("PUT", "/admin/destinations/bad", "{not json", kAdmin);
  EXPECT_EQ(r.status, 400u) << r.body;
  r = client.send("PATCH", "/admin/destinations/bad", "{}", kAdmin);
  EXPECT_EQ(r.status, 405u) << r.body;
  EXPECT_EQ(client.send("PUT", "/admin/destinations/bad", destination(sink.url)).status, 401u);

  EXPECT_EQ(body_of(client.get("/admin/destinations", kAdmin)).at("destinations").as_array().size(), 1u)
      << "nothing was stored";
  EXPECT_EQ(client.get("/admin/destinations/bad", kAdmin).status, 404u);
  EXPECT_EQ(client.send("DELETE", "/admin/destinations/bad", "", kAdmin).status, 404u);
}

TEST_F(Registry, ConfigFileEntriesAreReadOnlyAndADestinationInUseIsNotDeleted) {
  auto relay = serve();
  HttpTestClient client(relay.url);
  auto r = client.send("PUT", "/admin/destinations/webhook", destination(sink.url), kAdmin);
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_THAT(r.body, HasSubstr("destinations.webhook is an entry of the config file"));
  EXPECT_EQ(client.send("DELETE", "/admin/destinations/webhook", "", kAdmin).status, 409u);
  EXPECT_EQ(client.send("PUT", "/admin/routes/ecs", route_to("webhook"), kAdmin).status, 409u);
  EXPECT_EQ(client.send("DELETE", "/admin/routes/ecs", "", kAdmin).status, 409u);

  add_second(client);
  ASSERT_EQ(client.send("PUT", "/admin/routes/also-second", route_to("second"), kAdmin).status, 201u);
  r = client.send("DELETE", "/admin/destinations/second", "", kAdmin);
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_THAT(strings_at(r, "routes"), ElementsAre("also-second", "to-second"));

  ASSERT_EQ(client.send("DELETE", "/admin/routes/to-second", "", kAdmin).status, 204u);
  ASSERT_EQ(client.send("DELETE", "/admin/routes/also-second", "", kAdmin).status, 204u);
  ASSERT_EQ(client.send("DELETE", "/admin/destinations/second", "", kAdmin).status, 204u);
  EXPECT_EQ(client.get("/admin/destinations/second", kAdmin).status, 404u);
  ASSERT_EQ(client.post("/events", ecs_event(3)).status, 202u);
  EXPECT_EQ(arrived(file_sink), arn(3));
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "a deleted route still sent";
}

TEST_F(Registry, EveryChangeIsAuditedWithItsSecretsRedacted) {
  auto relay = serve({"SECOND_SECRET=" + std::string(kSinkSecret)});
  HttpTestClient client(relay.url);
  auto r = client.send("PUT", "/admin/destinations/second",
                       destination(sink.url, R"("headers": {"x-team": "ops-token-1"})"), kAdmin);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string by_reference = R"({"url": ")" + sink.url + R"(/hooks", "signing": "hmac-timestamp",
      "secret": "env:SECOND_SECRET"})";
  ASSERT_EQ(client.send("PUT", "/admin/destinations/third", by_reference, kAdmin).status, 201u);
  ASSERT_EQ(client.send("DELETE", "/admin/destinations/third", "", kAdmin).status, 204u);

  r = client.get("/admin/audit?limit=10", kAdmin);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body.find(kSinkSecret), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ops-token-1"), std::string::npos) << r.body;
  const auto body = body_of(r);
  const auto& audit = body.at("audit").as_array();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].at("action"), "delete");
  EXPECT_EQ(audit[0].at("name"), "third");
  EXPECT_TRUE(audit[0].at("spec").is_null());
  EXPECT_EQ(audit[1].at("action"), "put");
  EXPECT_EQ(audit[1].at("kind"), "destination");
  EXPECT_EQ(audit[1].at_pointer("/spec/secret"), "env:SECOND_SECRET") << "a reference is no secret";
  EXPECT_EQ(audit[2].at("client"), "127.0.0.1");
  EXPECT_EQ(audit[2].at_pointer("/spec/secret"), "***");
  EXPECT_EQ(audit[2].at_pointer("/spec/headers/x-team"), "***");
  EXPECT_THAT(std::string(audit[2].at("time").as_string()), HasSubstr("T"));
  EXPECT_EQ(body_of(client.get("/admin/audit?limit=1", kAdmin)).at("audit").as_array().size(), 1u);
  EXPECT_EQ(client.get("/admin/audit?colour=red", kAdmin).status, 400u);

  r = client.get("/admin/destinations", kAdmin);
  EXPECT_EQ(r.body.find(kSinkSecret), std::string::npos) << "the file's secret is redacted too: " << r.body;
}

TEST_F(Registry, EntriesOutliveAReloadAndARestart) {
  {
    auto relay = serve();
    HttpTestClient client(relay.url);
    add_second(client);
    ASSERT_EQ(client.post("/admin/reload", "", kAdmin, true, "").status, 200u);
    ASSERT_EQ(client.post("/events", ecs_event(4)).status, 202u);
    EXPECT_EQ(arrived(sink), arn(4));
    relay.process->signal(SIGTERM);
    ASSERT_TRUE(relay.process->wait(10s));
  }
  auto relay = serve();
  HttpTestClient client(relay.url);
  ASSERT_EQ(client.post("/events", ecs_event(5)).status, 202u);
  EXPECT_EQ(arrived(sink), arn(5));
}

TEST_F(Registry, AFileThatTakesARegistryEntrysNameIsRefusedOnReloadAndAtStart) {
  auto relay = serve();
  HttpTestClient client(relay.url);
  add_second(client);
  const std::string file = dir.path() + "/relay.yaml";
  std::string yaml = read_text(file);
  yaml.replace(yaml.find("routes:\n"), 0,
               "  second: {url: \"" + sink.url + "/hooks\", signing: hmac-timestamp, secret: " + kSinkSecret + "}\n");
  dir.write("relay.yaml", yaml);
  const auto r = client.post("/admin/reload", "", kAdmin, true, "");
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_THAT(strings_at(r, "problems"),
              ElementsAre(HasSubstr("destinations.second: the config file has a destination of this name too")));
  relay.process->signal(SIGTERM);
  ASSERT_TRUE(relay.process->wait(10s));

  ChildProcess refused({RELAY_BINARY, "serve", "--config", file});
  EXPECT_EQ(refused.wait(10s), 1);
  EXPECT_THAT(refused.stderr_text(2s), HasSubstr("do not load with the config file"));
}

TEST_F(Registry, SyncModeHasNoRegistry) {
  ServeConfig config(file_sink.url);
  config.admin = "{token: t0k}";
  config.delivery = "{mode: sync}";
  auto relay = start_serve(dir, config);
  HttpTestClient client(relay.url);
  const auto r = client.send("PUT", "/admin/destinations/second", destination(sink.url), kAdmin);
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_THAT(r.body, HasSubstr("needs a store"));
}

// Two relays on one PostgreSQL store: what one takes, the other serves within its next check.
TEST_F(Registry, AnotherRelayOnTheSameStoreServesAChangeOnItsNextCheck) {
  PostgresDatabase database;
  ServeConfig config(file_sink.url);
  config.admin = "{token: t0k}";
  config.store = "{type: postgres, url: \"" + database.url() + "\"}";
  TempDir other_dir;
  auto one = start_serve(dir, config);
  auto other = start_serve(other_dir, config);
  HttpTestClient client(one.url);
  add_second(client);
  ASSERT_TRUE(other.process->wait_stderr("routes added: to-second", 10s)) << other.process->stderr_text();
  HttpTestClient other_client(other.url);
  ASSERT_EQ(other_client.post("/events", ecs_event(7)).status, 202u);
  EXPECT_EQ(arrived(sink), arn(7));
}

// `relay destinations|routes put|delete|list` against the running relay's store.
class RegistryCli : public Registry {
 protected:
  ProcessResult relay_cli(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), RELAY_BINARY);
    args.insert(args.end(), {"--config", dir.path() + "/relay.yaml"});
    return run_process(args, input, {"USER=tester"});
  }
};

TEST_F(RegistryCli, APutIsPickedUpByTheRunningRelay) {
  auto relay = serve();
  const std::string entry = dir.write("second.yaml", "url: " + sink.url + "/hooks\nsigning: hmac-timestamp\nsecret: " +
                                                         kSinkSecret + "\nretry: {schedule: [50ms], jitter: 0}\n");
  auto put = relay_cli({"destinations", "put", "second", entry});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(json::parse(put.out).at("etag"), "\"1\"");
  put = relay_cli({"routes", "put", "to-second", "-"}, "handler: ecs_task\ndestinations: [second]\n");
  ASSERT_EQ(put.exit_code, 0) << put.err;
  ASSERT_TRUE(relay.process->wait_stderr("routes added: to-second", 10s)) << relay.process->stderr_text();

  HttpTestClient client(relay.url);
  ASSERT_EQ(client.post("/events", ecs_event(6)).status, 202u);
  EXPECT_EQ(arrived(sink), arn(6));
  const auto audit = body_of(client.get("/admin/audit", kAdmin)).at("audit").as_array();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].at("client"), "cli:tester");
  EXPECT_EQ(audit[1].at_pointer("/spec/secret"), "***");

  const auto listed = relay_cli({"routes", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out).at("routes").as_array().size(), 2u);
}

TEST_F(RegistryCli, ProblemsArePrintedWithTheirPathAndConflictsExitTwo) {
  auto relay = serve();
  auto r = relay_cli({"destinations", "put", "bad", "-"}, "url: " + sink.url + "\ntimeout: soon\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("relay destinations put: destinations.bad.timeout: expected a duration"));
  r = relay_cli({"destinations", "put", "bad", "-"}, "url: [unclosed\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("relay destinations put: -: line"));
  r = relay_cli({"destinations", "put", "webhook", "-"}, "url: " + sink.url + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("entry of the config file"));
  r = relay_cli({"routes", "delete", "nothing"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no registry route named nothing"));

  HttpTestClient client(relay.url);
  add_second(client);
  r = relay_cli({"destinations", "delete", "second"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("used by routes: to-second"));
  ASSERT_EQ(relay_cli({"routes", "delete", "to-second"}).exit_code, 0);
  ASSERT_EQ(relay_cli({"destinations", "delete", "second"}).exit_code, 0);
  ASSERT_TRUE(relay.process->wait_stderr("destinations added: -; removed: second", 10s))
      << relay.process->stderr_text();
}

}  // namespace
}  // namespace relay::testing
