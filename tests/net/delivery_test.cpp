// Delivery from `relay serve` to receivers: retries, TLS, load, and stopping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <thread>

#include "tests/net/http_test_client.hpp"
#include "tests/net/raw_receiver.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/certificates.hpp"

namespace relay::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }

TEST(Delivery, A503ingReceiverGetsTheEventOnceItRecovers) {
  TempDir dir;
  auto sink = start_sink({"--fail-first", "3"});
  auto serve = start_serve(dir, ServeConfig(sink.url));
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  const auto lines = sink_lines(*sink.process, 1, 10s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(task_arn_of(lines[0]), "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t1");
  EXPECT_FALSE(sink.process->stdout_line(300ms));
  EXPECT_EQ(count_of(serve.process->stderr_text(), "status 503; retrying in"), 3u);
}

TEST(Delivery, RetryAfterIsHonoured) {
  TempDir dir;
  auto sink = start_sink({"--fail-first", "1", "--retry-after", "1"});
  auto serve = start_serve(dir, ServeConfig(sink.url));
  const auto posted = std::chrono::steady_clock::now();
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  ASSERT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - posted, 1s);
  EXPECT_THAT(serve.process->stderr_text(), HasSubstr("status 503; retrying in 1000 ms"));
}

TEST(Delivery, A400IsAPermanentFailureNotRetried) {
  TempDir dir;
  auto sink = start_sink({"--status", "400"});
  auto serve = start_serve(dir, ServeConfig(sink.url));
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  ASSERT_TRUE(serve.process->wait_stderr("failed for good: status 400", 10s));
  // Quick retries would have happened by now (schedule 50 ms).
  EXPECT_THAT(serve.process->stderr_text(300ms), ::testing::Not(HasSubstr("retrying")));
}

// A receiver that says 100 Continue first and answers 2xx with a body past the client's
// limit has accepted the event: it is delivered once, not retried.
TEST(Delivery, AnInterimAnswerAndAnOversizedBodyStillMakeOneDelivery) {
  TempDir dir;
  const std::string big(2u << 20, 'x');
  RawReceiver receiver([&](std::size_t) {
    return RawReceiver::Reply{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: " +
                              std::to_string(big.size()) + "\r\n\r\n" + big};
  });
  auto serve = start_serve(dir, ServeConfig(receiver.url()), {"--log-level", "info"});
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  const auto delivered = serve.process->wait_stderr("\"msg\":\"delivered\"", 10s);
  ASSERT_TRUE(delivered) << serve.process->stderr_text();
  EXPECT_THAT(*delivered, HasSubstr("\"status\":200"));
  // Retries are 50 ms apart: a second request would have come by now.
  EXPECT_FALSE(receiver.wait_requests(2, 500ms));
  EXPECT_THAT(serve.process->stderr_text(), ::testing::Not(HasSubstr("retrying")));
}

// outbound.deny is checked on the addresses a name resolves to: nothing is sent there.
TEST(Delivery, ADestinationResolvingToADeniedAddressIsRefusedAndGetsNothing) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig("http://localhost:" + port_of(sink.url))
                                    .set(&ServeConfig::outbound, "{deny: [loopback]}")
                                    .set(&ServeConfig::retry, "{schedule: [50ms], jitter: 0}"));
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  const auto refused = serve.process->wait_stderr("refused by outbound.deny (loopback)", 10s);
  ASSERT_TRUE(refused) << serve.process->stderr_text();
  EXPECT_THAT(*refused, ::testing::ContainsRegex("destination address (127\\.0\\.0\\.1|::1) refused"));
  EXPECT_TRUE(serve.process->wait_stderr("now a dead letter", 10s));
  EXPECT_FALSE(sink.process->stdout_line(300ms));
}

TEST(Delivery, TlsOnBothSidesWithVerifiedHostNames) {
  TempDir dir;
  const auto [cert, key] = make_certificate(dir, "localhost", "localhost");
  auto sink = start_sink({"--tls-cert", cert, "--tls-key", key});
  ASSERT_THAT(sink.url, HasSubstr("https://"));
  auto serve = start_serve(dir, ServeConfig("https://localhost:" + port_of(sink.url))
                                    .set(&ServeConfig::ingress, "  tls: {cert: " + cert + ", key: " + key + "}\n")
                                    .set(&ServeConfig::destination, "    ca_file: " + cert + "\n"));
  ASSERT_THAT(serve.url, HasSubstr("https://"));
  const std::string events_url = "https://localhost:" + port_of(serve.url) + "/events";
  const auto r =
      run_process({"curl", "-sS", "--max-time", "10", "--cacert", cert, "-H", "Content-Type: application/json",
                   "--data-binary", ecs_event(1), "-w", "\n%{http_code}", events_url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::EndsWith("\n202"));
  ASSERT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
}

TEST(Delivery, AReceiverCertificateForAnotherHostIsRefused) {
  TempDir dir;
  const auto [cert, key] = make_certificate(dir, "wrong", "wrong.example");
  auto sink = start_sink({"--tls-cert", cert, "--tls-key", key});
  auto serve = start_serve(dir, ServeConfig("https://localhost:" + port_of(sink.url))
                                    .set(&ServeConfig::destination, "    ca_file: " + cert + "\n")
                                    .set(&ServeConfig::retry, "{schedule: [50ms], jitter: 0}"));
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  const auto failed = serve.process->wait_stderr("failed after 2 attempts", 10s);
  ASSERT_TRUE(failed);
  EXPECT_THAT(*failed, HasSubstr("TLS handshake with localhost"));
  EXPECT_FALSE(sink.process->stdout_line(100ms));
}

TEST(Delivery, ThousandsOfConcurrentEventsArriveExactlyOnce) {
  TempDir dir;
  auto sink = start_sink({"--threads", "2"});
  // The sink's output is read once every event is posted; until then it may block on a full
  // pipe. A timeout longer than that wait keeps the test free of failures (which would be
  // retried, and could arrive twice).
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::timeout, "120s"));
  constexpr int kClients = 8, kPerClient = 500;
  std::vector<std::thread> clients;
  std::atomic<int> accepted{0};
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      HttpTestClient client(serve.url);
      for (int i = 0; i < kPerClient; ++i)
        if (client.post("/events", ecs_event(c * kPerClient + i)).status == 202) ++accepted;
    });
  for (auto& t : clients) t.join();
  ASSERT_EQ(accepted, kClients * kPerClient);

  const auto lines = sink_lines(*sink.process, kClients * kPerClient, 60s);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kClients * kPerClient));
  std::set<std::string> arns;
  for (const auto& l : lines) arns.insert(task_arn_of(l));
  EXPECT_EQ(arns.size(), lines.size()) << "an event arrived twice";
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "more deliveries than events";
}

TEST(Delivery, StoppingFinishesDeliveriesInFlight) {
  TempDir dir;
  auto sink = start_sink({"--delay-ms", "300"});
  auto serve = start_serve(dir, ServeConfig(sink.url));
  HttpTestClient client(serve.url);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(client.post("/events", ecs_event(i)).status, 202u);
  serve.process->signal(SIGTERM);
  // Read while the relay drains: a sink blocked on a full stdout pipe would
  // stall it.
  EXPECT_EQ(sink_lines(*sink.process, 30, 10s).size(), 30u);
  EXPECT_EQ(serve.process->wait(10s), 0);
  EXPECT_THAT(serve.process->stderr_text(), ::testing::Not(HasSubstr("unfinished")));
}

}  // namespace
}  // namespace relay::testing
