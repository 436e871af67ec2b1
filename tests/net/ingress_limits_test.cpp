// `relay serve` over loopback against clients that hold its resources or come without
// credentials: authentication before the body, the connection cap, running out of file
// descriptors, events per request, an ingress left open, admin login failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"

namespace relay::testing {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

std::string json_error(const HttpReply& r) { return std::string(json::parse(r.body).at("error").as_string()); }

// The head of a POST that announces `length` bytes of body and waits for 100 Continue.
std::string expect_continue_head(const std::string& target, std::size_t length, const std::string& more_headers = {}) {
  return "POST " + target + " HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\n" + more_headers +
         "Expect: 100-continue\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

// The next response on `s` (an interim 100 is a response too); status 0 when none came.
http::response<http::string_body> read_response(tcp::socket& s, boost::beast::flat_buffer& buffer) {
  http::response<http::string_body> res;
  res.result(0);
  boost::system::error_code ec;
  http::read(s, buffer, res, ec);
  if (ec) res.result(0);
  return res;
}

bool closed_by_server(tcp::socket& s) {
  char byte;
  boost::system::error_code ec;
  s.read_some(boost::asio::buffer(&byte, 1), ec);  // SO_RCVTIMEO bounds it
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

// Sends the head without credentials: 401 at once, no 100 Continue, no wait for the body.
void expect_refused_before_body(HttpTestClient& client, const std::string& target) {
  auto s = client.connect();
  boost::asio::write(s, boost::asio::buffer(expect_continue_head(target, 1'000'000)));
  boost::beast::flat_buffer buffer;
  const auto res = read_response(s, buffer);
  EXPECT_EQ(res.result_int(), 401u) << target << ": " << res.base() << res.body();
  EXPECT_EQ(std::string(json::parse(res.body()).at("error").as_string()), "unauthorized");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(closed_by_server(s));
}

// Sends the head with `credentials`: 100 Continue, then the body, then the normal answer.
void expect_continue_then_accepted(HttpTestClient& client, const std::string& target, const std::string& credentials,
                                   int n) {
  auto s = client.connect();
  const std::string body = ecs_event(n);
  boost::asio::write(s, boost::asio::buffer(expect_continue_head(target, body.size(), credentials)));
  std::string interim;
  boost::asio::read_until(s, boost::asio::dynamic_buffer(interim), "\r\n\r\n");
  EXPECT_THAT(interim, ::testing::StartsWith("HTTP/1.1 100 Continue\r\n")) << target;
  boost::asio::write(s, boost::asio::buffer(body));
  boost::beast::flat_buffer buffer;
  const auto res = read_response(s, buffer);
  EXPECT_EQ(res.result_int(), 202u) << target << ": " << res.body();
}

TEST(IngressLimits, CredentialsAreCheckedBeforeTheBodyIsRead) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(
      dir, ServeConfig(sink.url)
               .set(&ServeConfig::auth, "{type: api_key, header: x-api-key, key: k3y}")
               .set(&ServeConfig::more_routes,
                    "  - {name: team, handler: ecs_task, destinations: [webhook], request: {auth: {type: bearer, "
                    "token: team-tok}}}\n"));
  HttpTestClient client(serve.url);
  expect_refused_before_body(client, "/events");
  expect_refused_before_body(client, "/events/team");  // a route's own door
  expect_continue_then_accepted(client, "/events", "x-api-key: k3y\r\n", 1);
  expect_continue_then_accepted(client, "/events/team", "Authorization: Bearer team-tok\r\n", 2);
  EXPECT_EQ(sink_lines(*sink.process, 2, 20s).size(), 2u);
}

TEST(IngressLimits, IdleConnectionsAtTheCapMakeRoomForANewClient) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::ingress, "  max_connections: 8\n"));
  std::vector<std::unique_ptr<HttpTestClient>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<HttpTestClient>(serve.url));
    ASSERT_EQ(idle.back()->get("/healthz").status, 200u);  // then kept alive, idle
  }
  HttpTestClient newcomer(serve.url);
  const auto status = [&] {
    try {
      return newcomer.post("/events", ecs_event(1)).status;
    } catch (const std::exception&) {
      return 0u;  // the server closed the connection unanswered
    }
  }();
  EXPECT_EQ(status, 202u);
}

// Reads /proc/PID/stat: the CPU time the process has used, user and system.
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i >= 14) ticks += std::stoll(field);  // utime, stime
  return std::chrono::milliseconds(ticks * 1000 / sysconf(_SC_CLK_TCK));
}

// The open-file limit that leaves `pid` room for `more` descriptors (a new one takes the
// lowest free number, and the limit bounds that number).
rlim_t limit_leaving(pid_t pid, int more) {
  std::set<int> open;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    open.insert(std::stoi(e.path().filename().string()));
  int n = 0;
  for (int free = 0; free < more; ++n) free += open.count(n) ? 0 : 1;
  return static_cast<rlim_t>(n);
}

TEST(IngressLimits, OutOfFileDescriptorsTheServerBacksOffAndMakesRoom) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the sanitizer runtime needs descriptors of its own; the release suite runs this";
#endif
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::ingress, "  read_timeout: 30s\n"),
                           {"--threads", "1"});
  const pid_t pid = serve.process->pid();
  HttpTestClient client(serve.url);
  const rlim_t limit = limit_leaving(pid, 2);
  const rlimit files{limit, limit};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &files, nullptr), 0);

  // Requests that never finish hold every descriptor left: nothing idle to close.
  std::vector<tcp::socket> stalled;
  const std::string partial = "POST /events HTTP/1.1\r\nHost: relay.test\r\n";
  for (int i = 0; i < 32 && !serve.process->wait_stderr("accept failed", 500ms); ++i) {
    stalled.push_back(client.connect());
    boost::asio::write(stalled.back(), boost::asio::buffer(partial));
  }
  ASSERT_TRUE(serve.process->stderr_text().find("Too many open files") != std::string::npos)
      << "never ran out of descriptors";
  const auto before = cpu_time(pid);
  std::this_thread::sleep_for(1s);  // the window measured, not a wait for something to happen
  EXPECT_LT(cpu_time(pid) - before, 300ms) << "the accept loop spins";

  stalled.clear();
  EXPECT_EQ(HttpTestClient(serve.url).get("/healthz").status, 200u) << "answers once descriptors are free";

  // More idle connections than there are descriptors left: each newcomer is served, the
  // longest idle connection closed to make room.
  std::vector<std::unique_ptr<HttpTestClient>> idle;
  for (int i = 0; i < 6; ++i) {
    idle.push_back(std::make_unique<HttpTestClient>(serve.url));
    const auto status = [&] {
      try {
        return idle.back()->get("/healthz").status;
      } catch (const std::exception&) {
        return 0u;  // no answer within the client's 10 s
      }
    }();
    ASSERT_EQ(status, 200u) << "connection " << i;
  }
}

TEST(IngressLimits, MoreEventsPerRequestThanAllowedAreRefusedAndNotStored) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::ingress, "  max_events_per_request: 2\n"));
  HttpTestClient client(serve.url);
  const HttpReply r = client.post("/events", "[" + ecs_event(1) + "," + ecs_event(2) + "," + ecs_event(3) + "]");
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(json_error(r), "3 events in one request; at most 2 (ingress.max_events_per_request)");
  EXPECT_EQ(client.post("/events", ecs_event(4)).status, 202u);
  const auto lines = sink_lines(*sink.process, 1, 20s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(task_arn_of(lines[0]), ::testing::EndsWith("/t4")) << "the refused events were not stored";
}

// `relay serve` as a child that may refuse to start.
std::unique_ptr<ChildProcess> serve_process(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), {RELAY_BINARY, "serve"});
  return std::make_unique<ChildProcess>(args, env);
}

TEST(OpenIngress, ServeRefusesAnyAddressWithoutIngressAuth) {
  TempDir dir;
  const std::string config = dir.write("relay.yaml", ServeConfig("http://127.0.0.1:9").set(&ServeConfig::auth, "{}").yaml());
  auto serve = serve_process({"--config", config, "--listen", "0.0.0.0:0", "--db", outbox_path(dir)});
  EXPECT_EQ(serve->wait(10s), 1);
  const std::string err = serve->stderr_text();
  EXPECT_THAT(err, ::testing::HasSubstr("refusing to listen on 0.0.0.0:0 without ingress authentication"));
  EXPECT_THAT(err, ::testing::HasSubstr("ingress: {auth: {type: none}}"));
}

TEST(OpenIngress, AnExplicitNoneOpensIt) {
  TempDir dir;
  auto serve = start_serve(dir, ServeConfig("http://127.0.0.1:9"), {"--listen", "0.0.0.0:0"});
  EXPECT_THAT(serve.url, ::testing::StartsWith("http://0.0.0.0:"));
}

TEST(OpenIngress, ZeroConfigTakesAnApiKeyFromTheEnvironment) {
  TempDir dir;
  const std::vector<std::string> env = {"WEBHOOK_URL=http://127.0.0.1:9/hooks", "WEBHOOK_SECRET=s3cret"};
  auto open = serve_process({"--listen", "[::]:0", "--db", outbox_path(dir)}, env);
  EXPECT_EQ(open->wait(10s), 1);
  const std::string err = open->stderr_text();
  EXPECT_THAT(err, ::testing::HasSubstr("refusing to listen on [::]:0 without ingress authentication"));
  EXPECT_THAT(err, ::testing::HasSubstr("RELAY_INGRESS_API_KEY"));

  auto serve = start_relay({"serve", "--listen", "0.0.0.0:0", "--db", outbox_path(dir)},
                           {"WEBHOOK_URL=http://127.0.0.1:9/hooks", "WEBHOOK_SECRET=s3cret", "RELAY_INGRESS_API_KEY=k3y"});
  HttpTestClient client("http://127.0.0.1:" + serve.url.substr(serve.url.rfind(':') + 1));
  const HttpReply refused = client.post("/events", ecs_event(1));
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(client.post("/events", ecs_event(1), {{"x-api-key", "k3y"}}).status, 202u);
}

TEST(AdminLogin, RepeatedFailuresFromOneAddressGet429) {
  TempDir dir;
  auto serve = start_serve(dir, ServeConfig("http://127.0.0.1:9").set(&ServeConfig::admin, "{token: t0k}"));
  HttpTestClient client(serve.url);
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(client.get("/admin/status", {{"Authorization", "Bearer wrong"}}).status, 401u) << i;
  for (const char* token : {"Bearer wrong", "Bearer t0k"}) {
    const HttpReply r = client.get("/admin/status", {{"Authorization", token}});
    EXPECT_EQ(r.status, 429u) << token;
    EXPECT_THAT(json_error(r), ::testing::HasSubstr("too many failed admin logins"));
    const int wait = std::stoi(r.headers.at("retry-after"));
    EXPECT_GE(wait, 1);
    EXPECT_LE(wait, 60);
  }
}

}  // namespace
}  // namespace relay::testing
