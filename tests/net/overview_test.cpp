// What the console and /metrics show of the relay's work, end to end: GET /admin/overview in
// queued and sync mode, the ingress connection, oldest pending and dead letter series on
// /metrics, and admin.listen putting the admin API on a listener of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <sstream>

#include "relay/core/utc_time.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/net/http_test_client.hpp"
#include "tests/net/raw_receiver.hpp"
#include "tests/net/relay_fixture.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

const Headers kAdmin = {{"authorization", "Bearer t0k"}};

// A receiver answering every request with `status`.
RawReceiver answering(int status) {
  return RawReceiver([status](std::size_t) {
    return RawReceiver::Reply{"HTTP/1.1 " + std::to_string(status) + " X\r\ncontent-length: 0\r\n\r\n", false};
  });
}

// Destinations x (answers 400: dead at once), slow (503, retried in an hour) and, in queued
// mode, held (paused); ECS events go to all of them.
std::string config_file(const TempDir& dir, const std::string& x_url, const std::string& slow_url, bool queued,
                        const std::string& admin = "{token: t0k}") {
  const std::string dest = ", signing: none, retry: {schedule: [1h], jitter: 0}}\n";
  return "listen: 127.0.0.1:0\n"
         "threads: 2\n"
         "ingress: {auth: {type: none}}\n" +
         (queued ? "store: {path: " + outbox_path(dir) + "}\n" : std::string("delivery: {mode: sync}\n")) +
         "admin: " + admin + "\n"
         "destinations:\n"
         "  x: {url: " + x_url + "/hooks" + dest +
         "  slow: {url: " + slow_url + "/hooks" + dest +
         (queued ? "  held: {url: " + slow_url + "/hooks, signing: none, paused: true}\n" : "") +
         "routes:\n"
         "  - {name: ecs, handler: ecs_task, destinations: [x, slow" + (queued ? ", held" : "") + "]}\n";
}

// One sample's value from Prometheus text; nullopt when it is not there.
std::optional<double> sample(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  return std::nullopt;
}

// Asks `get` again until `done` says yes or 10 s pass; the last answer. Paced by the requests.
template <class Get, class Done>
auto poll(Get get, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto last = get();
  while (!done(last) && std::chrono::steady_clock::now() < deadline) last = get();
  return last;
}

std::uint64_t sum(const json::value& counts) {
  std::uint64_t n = 0;
  for (const auto& c : counts.as_array()) n += c.as_int64();
  return n;
}

const json::value& destination_of(const json::value& overview, std::string_view name) {
  for (const auto& d : overview.at("destinations").as_array())
    if (d.at("name").as_string() == name) return d;
  throw std::runtime_error("no destination " + std::string(name) + " in the overview");
}

TEST(Overview, QueuedModeShowsSeriesOutcomesBacklogAndEachDestination) {
  TempDir dir;
  auto x = answering(400), slow = answering(503);
  {  // A delivery for slow, pending for an hour already.
    auto outbox = store::open_sqlite_outbox(outbox_path(dir));
    const std::vector<store::NewEvent> old{
        {"old-1", "aws.ecs", "ECS Task State Change", {{"ecs", "slow", "application/json", "{}"}}}};
    outbox->accept(old, std::chrono::system_clock::now() - 1h, 24h);
  }
  auto serve = start_relay({"serve", "--config", dir.write("relay.yaml", config_file(dir, x.url(), slow.url(), true))});
  HttpTestClient client(serve.url);
  auto open_connection = client.connect();  // a second ingress connection, idle
  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);

  // /metrics: one dead letter for x (counted as it is recorded), the pending delivery's age,
  // both connections.
  const auto metrics = poll([&] { return client.get("/metrics").body; },
                            [](const std::string& text) {
                              return sample(text, "relay_dead_letters{destination=\"x\"}") == 1.0 &&
                                     sample(text, "relay_ingress_connections") == 2.0;
                            });
  EXPECT_EQ(sample(metrics, "relay_dead_letters{destination=\"x\"}"), 1.0) << metrics;
  EXPECT_EQ(sample(metrics, "relay_dead_letters{destination=\"slow\"}"), std::nullopt);
  EXPECT_EQ(sample(metrics, "relay_ingress_connections"), 2.0) << metrics;
  EXPECT_GE(sample(metrics, "relay_ingress_connections_accepted_total").value_or(0), 2.0);
  const double age = sample(metrics, "relay_backlog_oldest_age_seconds").value_or(-1);
  EXPECT_GE(age, 3600);
  EXPECT_LT(age, 3600 + 300);
  EXPECT_GE(sample(metrics, "relay_delivery_attempt_seconds_count{destination=\"x\"}").value_or(0), 1.0);

  // The overview, once slow's two attempts (the old delivery's and the new one's) are settled.
  EXPECT_EQ(client.get("/admin/overview").status, 401u);
  const auto overview = poll([&] { return json::parse(client.get("/admin/overview", kAdmin).body); },
                             [](const json::value& o) { return o.at("outcomes").at("retry") == 2; });
  EXPECT_EQ(overview.at("outcomes"), json::parse(R"({"delivered": 0, "retry": 2, "dead": 1})")) << overview;
  const auto& series = overview.at("series");
  EXPECT_EQ(series.at("step_seconds"), 60);
  for (const char* kind : {"events", "deliveries", "failures"}) EXPECT_EQ(series.at(kind).as_array().size(), 60u);
  EXPECT_EQ(sum(series.at("events")), 1u);
  EXPECT_EQ(sum(series.at("deliveries")), 0u);
  EXPECT_EQ(sum(series.at("failures")), 3u);
  EXPECT_TRUE(core::parse_utc(series.at("start").as_string())) << series.at("start");
  EXPECT_TRUE(core::parse_utc(overview.at("now").as_string())) << overview.at("now");
  const auto& backlog = overview.at("backlog");
  EXPECT_EQ(backlog.at("count"), 3) << "slow's two and held's one";
  EXPECT_EQ(backlog.at("dead"), 1);
  EXPECT_GT(backlog.at("bytes").as_int64(), 0);
  EXPECT_GE(backlog.at("oldest_pending_age_seconds").as_int64(), 3600);

  const auto& dx = destination_of(overview, "x");
  EXPECT_EQ(dx.at("paused"), false);
  EXPECT_EQ(dx.at("last_status"), 400);
  EXPECT_EQ(dx.at("success_rate").as_double(), 0.0);
  EXPECT_TRUE(dx.at("p99_ms").is_int64());
  EXPECT_TRUE(dx.at("last_attempt").is_string());
  EXPECT_EQ(dx.at("dead_letters"), 1);
  const auto& ds = destination_of(overview, "slow");
  EXPECT_EQ(ds.at("last_status"), 503);
  EXPECT_EQ(ds.at("dead_letters"), 0);
  const auto& dh = destination_of(overview, "held");
  EXPECT_EQ(dh.at("paused"), true);
  EXPECT_TRUE(dh.at("last_status").is_null());
  EXPECT_TRUE(dh.at("success_rate").is_null());
  EXPECT_TRUE(dh.at("p99_ms").is_null());
}

TEST(Overview, SyncModeCountsEachDeliveryAndHasNoBacklog) {
  TempDir dir;
  auto x = answering(400), ok = answering(204);
  auto serve = start_relay({"serve", "--config", dir.write("relay.yaml", config_file(dir, x.url(), ok.url(), false))});
  HttpTestClient client(serve.url);
  client.post("/events", ecs_event(1));  // answered once both receivers answered
  const auto overview = json::parse(client.get("/admin/overview", kAdmin).body);
  EXPECT_EQ(overview.at("outcomes"), json::parse(R"({"delivered": 1, "retry": 0, "dead": 1})")) << overview;
  EXPECT_EQ(sum(overview.at("series").at("events")), 1u);
  EXPECT_EQ(sum(overview.at("series").at("deliveries")), 1u);
  EXPECT_EQ(sum(overview.at("series").at("failures")), 1u);
  EXPECT_EQ(overview.at("backlog"),
            json::parse(R"({"count": 0, "bytes": 0, "oldest_pending_age_seconds": null, "dead": 0})"));
  EXPECT_EQ(destination_of(overview, "slow").at("last_status"), 204);
  EXPECT_EQ(destination_of(overview, "slow").at("success_rate").as_double(), 1.0);
  EXPECT_EQ(destination_of(overview, "x").at("last_status"), 400);
  EXPECT_EQ(destination_of(overview, "x").at("dead_letters"), 0);
  const std::string metrics = client.get("/metrics").body;
  EXPECT_EQ(sample(metrics, "relay_delivery_attempt_seconds_count{destination=\"slow\"}"), 1.0) << metrics;
}

// The admin listener's URL, from the line saying where relay listens.
std::string admin_url_of(ChildProcess& relay) {
  const std::string said = relay.stderr_text();
  const auto at = said.find("admin API on ");
  if (at == std::string::npos) return {};
  const std::string rest = said.substr(at + 13);
  return rest.substr(0, rest.find_first_of(" ,)\""));
}

TEST(AdminListen, TheAdminApiIsOnItsOwnListenerOnly) {
  TempDir dir;
  auto x = answering(204), slow = answering(204);
  const std::string yaml = config_file(dir, x.url(), slow.url(), true, "{token: t0k, listen: 127.0.0.1:0}");
  auto serve = start_relay({"serve", "--config", dir.write("relay.yaml", yaml)});
  const std::string admin_url = admin_url_of(*serve.process);
  ASSERT_THAT(admin_url, ::testing::StartsWith("http://127.0.0.1:"));
  ASSERT_NE(admin_url, serve.url);
  HttpTestClient ingress(serve.url), admin(admin_url);

  EXPECT_EQ(ingress.get("/admin/status", kAdmin).status, 404u);
  EXPECT_EQ(ingress.get("/admin/overview", kAdmin).status, 404u);
  EXPECT_EQ(ingress.get("/ui").status, 404u);
  EXPECT_EQ(ingress.get("/healthz").status, 200u);
  EXPECT_EQ(admin.get("/admin/status").status, 401u);
  EXPECT_EQ(admin.get("/admin/status", kAdmin).status, 200u);
  EXPECT_EQ(admin.get("/ui").status, 200u) << "the console goes with the admin API";
  const auto login = admin.post("/ui/login", R"({"token": "t0k"})");
  ASSERT_EQ(login.status, 200u) << login.body;
  const std::string cookie = login.headers.at("set-cookie").substr(0, login.headers.at("set-cookie").find(';'));
  EXPECT_EQ(admin.get("/admin/status", {{"cookie", cookie}}).status, 200u);
  EXPECT_EQ(admin.get("/metrics").status, 404u);
  EXPECT_EQ(admin.get("/events").status, 404u);
  // A test event goes out through the ingress threads' senders.
  const auto tested = admin.post("/admin/destinations/x/test", "", kAdmin, true, "");
  EXPECT_EQ(tested.status, 200u) << tested.body;
  EXPECT_TRUE(x.wait_requests(1, 10s));

  ASSERT_EQ(ingress.post("/events", ecs_event(1)).status, 202u);
  const auto overview = poll([&] { return json::parse(admin.get("/admin/overview", kAdmin).body); },
                             [](const json::value& o) { return o.at("outcomes").at("delivered") == 2; });
  EXPECT_EQ(overview.at("outcomes").at("delivered"), 2) << overview;
}

TEST(AdminListen, ABadAddressIsRefusedWithItsPath) {
  TempDir dir;
  const std::string file = dir.write("relay.yaml", config_file(dir, "http://127.0.0.1:9", "http://127.0.0.1:9", true,
                                                                "{token: t0k, listen: \"localhost:http\"}"));
  ChildProcess serve({RELAY_BINARY, "serve", "--config", file});
  EXPECT_NE(serve.wait(10s).value_or(0), 0);
  EXPECT_THAT(serve.stderr_text(), HasSubstr("admin.listen: expected ADDRESS:PORT"));

  // An address another program holds: serve does not start, and says which listener.
  auto taken = answering(204);
  const std::string port = taken.url().substr(taken.url().rfind(':') + 1);
  const std::string busy = dir.write("busy.yaml", config_file(dir, taken.url(), taken.url(), true,
                                                               "{token: t0k, listen: 127.0.0.1:" + port + "}"));
  ChildProcess refused({RELAY_BINARY, "serve", "--config", busy});
  EXPECT_NE(refused.wait(10s).value_or(0), 0);
  EXPECT_THAT(refused.stderr_text(), HasSubstr("admin.listen: "));
}

}  // namespace
}  // namespace relay::testing
