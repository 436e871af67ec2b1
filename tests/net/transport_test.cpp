// A webhook destination through an HTTP proxy (CONNECT for https, forwarding for http), with
// a client certificate a receiver demands, and at a rate limit. The proxy and the receiver
// are node scripts in tests/net; `relay serve` is a child process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <algorithm>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/certificates.hpp"

namespace relay::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace json = boost::json;

std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }
std::string host_port(const std::string& url) { return url.substr(url.find("://") + 3); }

Listening start_node(const std::string& script, std::vector<std::string> args) {
  args.insert(args.begin(), {"node", std::string(RELAY_SOURCE_DIR "/tests/net/") + script});
  auto p = std::make_unique<ChildProcess>(args);
  std::string url = listening_url(*p);
  return {std::move(p), std::move(url)};
}

Listening start_proxy(const std::string& credentials) { return start_node("connect_proxy.js", {"--auth", credentials}); }

// `set` ("NAME=value" each), and every other proxy variable empty: the test's own environment
// must not leak into the relay's.
std::vector<std::string> proxy_env(std::vector<std::string> set) {
  for (const std::string name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"})
    if (std::none_of(set.begin(), set.end(), [&](const std::string& s) { return s.starts_with(name + "="); }))
      set.push_back(name + "=");
  return set;
}

// The lines the proxy printed within `timeout` after the last one.
std::vector<std::string> lines_of(ChildProcess& p, std::chrono::milliseconds timeout) {
  std::vector<std::string> lines;
  while (auto l = p.stdout_line(timeout)) lines.push_back(*l);
  return lines;
}

void post_events(const std::string& relay_url, int count) {
  HttpTestClient client(relay_url);
  for (int i = 0; i < count; ++i) ASSERT_EQ(client.post("/events", ecs_event(i)).status, 202u);
}

TEST(Transport, HttpsGoesThroughAConnectProxyThatWantsCredentials) {
  TempDir dir;
  const auto server = make_certificate(dir, "localhost", "localhost");
  auto sink = start_sink({"--tls-cert", server.cert, "--tls-key", server.key});
  auto proxy = start_proxy("alice:s3cret");
  auto serve = start_serve(dir,
                           ServeConfig("https://localhost:" + port_of(sink.url))
                               .set(&ServeConfig::destination, "    ca_file: " + server.cert +
                                                                   "\n    proxy: http://alice:s3cret@" +
                                                                   host_port(proxy.url) + "\n"),
                           {}, proxy_env({}));
  post_events(serve.url, 3);
  ASSERT_EQ(sink_lines(*sink.process, 3, 10s).size(), 3u);
  const auto tunnels = lines_of(*proxy.process, 300ms);
  ASSERT_FALSE(tunnels.empty());
  EXPECT_LE(tunnels.size(), 3u) << "tunnels are kept alive like connections";
  for (const auto& t : tunnels) EXPECT_EQ(t, "tunnel localhost:" + port_of(sink.url));
}

TEST(Transport, HttpIsForwardedThroughTheProxyThatHttpProxyNames) {
  TempDir dir;
  auto sink = start_sink();
  auto proxy = start_proxy("alice:s3cret");
  auto serve = start_serve(dir, ServeConfig(sink.url), {},
                           proxy_env({"HTTP_PROXY=http://alice:s3cret@" + host_port(proxy.url)}));
  post_events(serve.url, 2);
  ASSERT_EQ(sink_lines(*sink.process, 2, 10s).size(), 2u);
  const auto forwarded = lines_of(*proxy.process, 300ms);
  ASSERT_EQ(forwarded.size(), 2u);
  EXPECT_EQ(forwarded[0], "forward " + sink.url + "/hooks");
}

TEST(Transport, NoProxyAndProxyNoneGoDirect) {
  TempDir dir;
  auto sink = start_sink();
  auto proxy = start_proxy("alice:s3cret");
  const std::string http_proxy = "HTTP_PROXY=http://alice:s3cret@" + host_port(proxy.url);
  {
    auto serve = start_serve(dir, ServeConfig(sink.url), {}, proxy_env({http_proxy, "NO_PROXY=127.0.0.0/8"}));
    post_events(serve.url, 1);
    ASSERT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
  }
  TempDir other;
  auto serve = start_serve(other, ServeConfig(sink.url).set(&ServeConfig::destination, "    proxy: none\n"), {},
                           proxy_env({http_proxy}));
  post_events(serve.url, 1);
  ASSERT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
  EXPECT_FALSE(proxy.process->stdout_line(100ms)) << "nothing went through the proxy";
}

TEST(Transport, AProxyVariableThatIsNotAProxyUrlStopsTheStartNamingIt) {
  TempDir dir;
  const auto config = ServeConfig("https://hooks.example").set(&ServeConfig::store, "{path: " + outbox_path(dir) + "}");
  ChildProcess serve({RELAY_BINARY, "serve", "--config", dir.write("relay.yaml", config.yaml())},
                     proxy_env({"HTTPS_PROXY=socks5://alice:s3cret@127.0.0.1:1080"}));
  EXPECT_EQ(serve.wait(10s), 1);
  const std::string said = serve.stderr_text();
  EXPECT_THAT(said, HasSubstr("destination webhook: proxy: HTTPS_PROXY (from the environment): expected an http:// "
                              "proxy URL"));
  EXPECT_THAT(said, ::testing::Not(HasSubstr("s3cret")));
}

TEST(Transport, AProxyRefusingTheCredentialsFailsTheAttemptClearly) {
  TempDir dir;
  const auto server = make_certificate(dir, "localhost", "localhost");
  auto sink = start_sink({"--tls-cert", server.cert, "--tls-key", server.key});
  auto proxy = start_proxy("alice:s3cret");
  auto serve = start_serve(dir,
                           ServeConfig("https://localhost:" + port_of(sink.url))
                               .set(&ServeConfig::destination, "    ca_file: " + server.cert +
                                                                   "\n    proxy: http://alice:wrong-password@" +
                                                                   host_port(proxy.url) + "\n")
                               .set(&ServeConfig::retry, "{schedule: [50ms], jitter: 0}"),
                           {}, proxy_env({}));
  post_events(serve.url, 1);
  const auto failed = serve.process->wait_stderr("now a dead letter", 10s);
  ASSERT_TRUE(failed) << serve.process->stderr_text();
  EXPECT_THAT(*failed, HasSubstr("refused CONNECT to localhost:" + port_of(sink.url) +
                                 ": 407 Proxy Authentication Required"));
  EXPECT_THAT(serve.process->stderr_text(), ::testing::Not(HasSubstr("wrong-password")));
  EXPECT_FALSE(sink.process->stdout_line(100ms));
}

// A receiver that demands a certificate issued by the client's CA (here the self-signed
// client certificate itself).
struct MutualTls {
  TempDir dir;
  CertificateFiles server = make_certificate(dir, "localhost", "localhost");
  CertificateFiles client = make_certificate(dir, "client", "relay.client");
  Listening receiver = start_node(
      "test_receiver.js", {"--cert", server.cert, "--key", server.key, "--client-ca", client.cert});

  ServeConfig config(const std::string& more) const {
    return ServeConfig(receiver.url)
        .set(&ServeConfig::destination, "    ca_file: " + server.cert + "\n" + more)
        .set(&ServeConfig::retry, "{schedule: [50ms], jitter: 0}");
  }
};

TEST(Transport, WithoutAClientCertificateTheReceiverRefusesTheAttempt) {
  MutualTls m;
  auto serve = start_serve(m.dir, m.config(""), {}, proxy_env({}));
  post_events(serve.url, 1);
  ASSERT_TRUE(serve.process->wait_stderr("now a dead letter", 10s)) << serve.process->stderr_text();
  EXPECT_FALSE(m.receiver.process->stdout_line(100ms)) << "nothing reached the receiver";
}

TEST(Transport, WithTheClientCertificateTheReceiverTakesTheDelivery) {
  MutualTls m;
  auto serve = start_serve(
      m.dir, m.config("    tls: {client_cert: " + m.client.cert + ", client_key: " + m.client.key + "}\n"), {},
      proxy_env({}));
  post_events(serve.url, 1);
  const auto line = m.receiver.process->stdout_line(10s);
  ASSERT_TRUE(line) << serve.process->stderr_text();
  EXPECT_EQ(json::parse(*line).at("client"), "relay.client");
}

// 60 deliveries at 20 a second: about 3 s, never much more than 20 in any second at the
// receiver. Bounds are generous: only a missing limit would break them.
TEST(Transport, ARateLimitPacesDeliveriesAcrossThreads) {
  TempDir dir;
  auto receiver = start_node("test_receiver.js", {});
  auto serve =
      start_serve(dir, ServeConfig(receiver.url).set(&ServeConfig::destination, "    rate_limit: 20\n"), {},
                  proxy_env({}));
  constexpr int kDeliveries = 60;
  post_events(serve.url, kDeliveries);
  std::vector<std::int64_t> arrivals;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (arrivals.size() < kDeliveries && std::chrono::steady_clock::now() < deadline)
    if (auto line = receiver.process->stdout_line(1s)) arrivals.push_back(json::parse(*line).at("at").as_int64());
  ASSERT_EQ(arrivals.size(), static_cast<std::size_t>(kDeliveries));
  std::sort(arrivals.begin(), arrivals.end());
  EXPECT_GE(arrivals.back() - arrivals.front(), 2500) << "59 intervals of 50 ms";
  std::size_t busiest = 0;
  for (std::size_t a = 0; a < arrivals.size(); ++a) {
    std::size_t in_second = 0;
    for (std::size_t b = a; b < arrivals.size() && arrivals[b] < arrivals[a] + 1000; ++b) ++in_second;
    busiest = std::max(busiest, in_second);
  }
  EXPECT_LE(busiest, 25u) << "requests in the busiest second";
}

}  // namespace
}  // namespace relay::testing
