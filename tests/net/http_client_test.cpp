// The delivery client against receivers that misbehave on the wire, over loopback: interim
// answers, a close after 100 Continue, 101, trailing bytes, oversized bodies, outbound.deny;
// and what it sends to a proxy, and how fast under a rate limit.
#include "relay/net/http_client.hpp"
#include "relay/net/deliverer.hpp"

#include <deque>

#include "relay/destination/webhook.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/net/raw_receiver.hpp"

namespace relay::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::RawReceiver;

std::string answer(unsigned status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// A webhook destination at `url_text`/hooks; it lives until the test process ends.
Endpoint endpoint_for(const std::string& url_text, std::vector<config::DenyRule> deny = config::default_deny()) {
  static std::deque<std::unique_ptr<destination::Destination>> destinations;
  std::string error;
  destination::Transport transport;
  transport.url = *config::parse_http_url(url_text + "/hooks", error);
  transport.connect_timeout = 2s;
  transport.timeout = 5s;
  destinations.push_back(destination::webhook_for("hook", std::move(transport), "secret"));
  return {destinations.back().get(), std::move(deny), nullptr};
}

// `url_text` through the proxy `proxy_text` (with any credentials in it).
Endpoint proxied(const std::string& url_text, const std::string& proxy_text,
                 std::vector<config::DenyRule> deny = config::default_deny()) {
  Endpoint e = endpoint_for(url_text, std::move(deny));
  std::string error;
  e.proxy = config::parse_proxy_url(proxy_text, error);
  if (!e.proxy) throw std::invalid_argument(error);
  if (e.transport().url.tls) e.tls = client_tls_context(std::nullopt);
  return e;
}

std::string host_port(const std::string& url) { return url.substr(url.find("://") + 3); }

destination::Request json_post() {
  destination::Request request;
  request.method = "POST";
  request.headers.push_back({"content-type", "application/json"});
  request.body = "{}";
  return request;
}

// Sends `count` deliveries one after the other through one pool; their results in order.
std::vector<AttemptResult> send_in_turn(const Endpoint& endpoint, std::size_t count,
                                        const destination::Request& request = json_post()) {
  asio::io_context io;
  auto pool = std::make_shared<ConnectionPool>(io, endpoint, 1);
  std::vector<AttemptResult> results;
  asio::co_spawn(
      io,
      [](std::shared_ptr<ConnectionPool> pool, std::size_t count, const destination::Request& request,
         std::vector<AttemptResult>& out) -> awaitable<void> {
        for (std::size_t i = 0; i < count; ++i) out.push_back(co_await ConnectionPool::send(pool, request));
      }(pool, count, request, results),
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return results;
}

TEST(HttpClient, InterimAnswersAreSkippedAndTheFinalOneCounts) {
  RawReceiver receiver([](std::size_t n) {
    const std::string interim = kContinue + "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n";
    return RawReceiver::Reply{interim + answer(n == 0 ? 200 : 503, n == 0 ? "first" : "second")};
  });
  const auto results = send_in_turn(endpoint_for(receiver.url()), 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 200u) << results[0].error;
  EXPECT_EQ(results[0].excerpt, "first");
  EXPECT_EQ(results[1].status, 503u) << results[1].error;
  EXPECT_EQ(results[1].excerpt, "second");
  EXPECT_EQ(receiver.connections(), 1u);  // a clean exchange keeps the connection
}

TEST(HttpClient, A100ThenACloseIsNoAnswerAndTheNextDeliveryGetsItsOwn) {
  RawReceiver receiver([](std::size_t n) {
    if (n == 0) return RawReceiver::Reply{kContinue, true};
    return RawReceiver::Reply{answer(500, "fresh")};
  });
  const auto results = send_in_turn(endpoint_for(receiver.url()), 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 0u);
  EXPECT_THAT(results[0].error, HasSubstr("reading the answer"));
  EXPECT_EQ(results[1].status, 500u) << results[1].error;
  EXPECT_EQ(results[1].excerpt, "fresh");
  EXPECT_EQ(receiver.connections(), 2u);
}

TEST(HttpClient, ALateFinalAnswerIsNeverCreditedToTheNextDelivery) {
  // The final answer of the first request trails behind what the client reads: bytes left
  // over after an answer mean the connection must not carry the next request.
  RawReceiver receiver([](std::size_t n) {
    if (n == 0) return RawReceiver::Reply{answer(500, "first") + answer(200, "stale")};
    return RawReceiver::Reply{answer(503, "second")};
  });
  const auto results = send_in_turn(endpoint_for(receiver.url()), 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 500u);
  EXPECT_EQ(results[1].status, 503u) << results[1].error;
  EXPECT_EQ(results[1].excerpt, "second");
  EXPECT_EQ(receiver.connections(), 2u);
}

TEST(HttpClient, A101IsAFailedAttemptAndTheConnectionIsClosed) {
  RawReceiver receiver([](std::size_t n) {
    if (n == 0) return RawReceiver::Reply{"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"};
    return RawReceiver::Reply{answer(200, "ok")};
  });
  const auto results = send_in_turn(endpoint_for(receiver.url()), 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 0u);
  EXPECT_THAT(results[0].error, HasSubstr("101 Switching Protocols"));
  EXPECT_EQ(results[1].status, 200u) << results[1].error;
  EXPECT_EQ(receiver.connections(), 2u);
}

TEST(HttpClient, A2xxWithAnOversizedBodyIsStillA2xx) {
  const std::string big(2u << 20, 'x');
  RawReceiver receiver([&](std::size_t) { return RawReceiver::Reply{answer(200, big)}; });
  const auto results = send_in_turn(endpoint_for(receiver.url()), 2);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200u) << r.error;
    EXPECT_EQ(r.excerpt, big.substr(0, destination::Transport{}.max_answer_bytes));
  }
  EXPECT_EQ(receiver.connections(), 2u);  // the rest of the body is never read: the connection goes
}

TEST(HttpClient, AnAddressOutboundDenyRefusesIsNeverDialled) {
  RawReceiver receiver([](std::size_t) { return RawReceiver::Reply{answer(200, "ok")}; });
  std::vector<config::DenyRule> deny{*config::parse_deny_rule("loopback")};
  const auto results = send_in_turn(endpoint_for(receiver.url_named("localhost"), deny), 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, 0u);
  EXPECT_THAT(results[0].error, ::testing::MatchesRegex(
                                    "destination address (127\\.0\\.0\\.1|::1) refused by outbound\\.deny \\(loopback\\)"));
  EXPECT_EQ(receiver.connections(), 0u);

  // The same receiver with the default (link-local) is reached.
  const auto allowed = send_in_turn(endpoint_for(receiver.url_named("localhost")), 1);
  EXPECT_EQ(allowed.at(0).status, 200u) << allowed.at(0).error;
}

// A later header replaces an earlier one of the same name (relay's own Host and User-Agent
// too), values lose their surrounding spaces, Content-Length comes last, and a GET without a
// body has none.
TEST(HttpClient, TheRequestHeadHasEachFieldOnceAndTheBodysLength) {
  RawReceiver receiver([](std::size_t) { return RawReceiver::Reply{answer(200, "")}; });
  destination::Request post = json_post();
  post.headers.push_back({"x-team", "sre"});
  post.headers.push_back({"user-agent", "custom/1"});
  post.headers.push_back({"x-team", "  ops\t"});
  ASSERT_EQ(send_in_turn(endpoint_for(receiver.url()), 1, post).at(0).status, 200u);
  const std::string host = host_port(receiver.url());
  EXPECT_EQ(receiver.head(0), "POST /hooks HTTP/1.1\r\nHost: " + host +
                                  "\r\ncontent-type: application/json\r\nuser-agent: custom/1\r\nx-team: ops\r\n"
                                  "Content-Length: 2");

  destination::Request get;
  get.method = "GET";
  ASSERT_EQ(send_in_turn(endpoint_for(receiver.url()), 1, get).at(0).status, 200u);
  EXPECT_EQ(receiver.head(1), "GET /hooks HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: relay/0.1");
}

// http through a proxy: the request goes to the proxy, naming the whole URL; the name is the
// proxy's to resolve (hooks.invalid never resolves here).
TEST(HttpClientProxy, HttpRequestsAreForwardedInAbsoluteFormWithTheProxysCredentials) {
  RawReceiver proxy([](std::size_t) { return RawReceiver::Reply{answer(204, "")}; });
  const auto results =
      send_in_turn(proxied("http://hooks.invalid:8080", "http://alice:s3cret@" + host_port(proxy.url())), 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, 204u) << results[0].error;
  EXPECT_EQ(results[1].status, 204u) << results[1].error;
  EXPECT_EQ(proxy.connections(), 1u) << "the connection to the proxy is kept alive";
  const std::string head = proxy.head(0);
  EXPECT_THAT(head, ::testing::StartsWith("POST http://hooks.invalid:8080/hooks HTTP/1.1\r\n"));
  EXPECT_THAT(head, HasSubstr("Host: hooks.invalid:8080\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nProxy-Authorization: Basic YWxpY2U6czNjcmV0"));
}

TEST(HttpClientProxy, ARefusedConnectIsAClearAttemptError) {
  RawReceiver proxy([](std::size_t) {
    return RawReceiver::Reply{"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", true};
  });
  const auto results = send_in_turn(proxied("https://hooks.invalid", "http://bob:wrong@" + host_port(proxy.url())), 1);
  EXPECT_EQ(results.at(0).status, 0u);
  EXPECT_EQ(results[0].error, "proxy " + proxy.url() +
                                  " refused CONNECT to hooks.invalid:443: 407 Proxy Authentication Required");
  EXPECT_THAT(results[0].error, ::testing::Not(HasSubstr("wrong")));
  EXPECT_THAT(proxy.head(0), ::testing::StartsWith("CONNECT hooks.invalid:443 HTTP/1.1\r\n"));
  EXPECT_THAT(proxy.head(0), ::testing::EndsWith("\r\nProxy-Authorization: Basic Ym9iOndyb25n"));
}

TEST(HttpClientProxy, OutboundDenyJudgesTheProxysAddress) {
  RawReceiver proxy([](std::size_t) { return RawReceiver::Reply{answer(200, "")}; });
  const auto results = send_in_turn(
      proxied("http://hooks.invalid", proxy.url(), {*config::parse_deny_rule("loopback")}), 1);
  EXPECT_EQ(results.at(0).error, "proxy: destination address 127.0.0.1 refused by outbound.deny (loopback)");
  EXPECT_EQ(proxy.connections(), 0u);
}

// 2 a second, one at a time: the third request goes no sooner than 1 s after the first, and
// each is signed when it goes, not when it started waiting (signing times are whole seconds).
TEST(Deliverer, ARateLimitSpacesRequestsThatAreSignedWhenTheyGo) {
  RawReceiver receiver([](std::size_t) { return RawReceiver::Reply{answer(200, "")}; });
  std::vector<Endpoint> endpoints{endpoint_for(receiver.url())};
  endpoints[0].rate = std::make_shared<RateLimiter>(2, 1);
  asio::io_context io;
  auto deliverer = std::make_shared<Deliverer>(io, endpoints, 1);
  std::vector<SendResult> results;
  const auto started = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [](std::shared_ptr<Deliverer> deliverer, const Endpoint& e, std::vector<SendResult>& out) -> awaitable<void> {
        const destination::Item item{{"event-1", "ecs", "hook"}, "ecs_task", "application/json", "{}"};
        for (int i = 0; i < 3; ++i) out.push_back(co_await deliverer->send(*e.destination, {&item, 1}));
      }(deliverer, endpoints[0], results),
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_EQ(r.attempt.status, 200u) << r.attempt.error;
  // Signed at send time: the timestamps the webhook signed differ from first to last.
  const auto timestamp = [&](std::size_t n) {
    const std::string head = receiver.head(n);
    const auto at = head.find("imestamp: ");
    return at == std::string::npos ? std::string() : head.substr(at, head.find("\r\n", at) - at);
  };
  EXPECT_FALSE(timestamp(0).empty()) << receiver.head(0);
  EXPECT_NE(timestamp(0), timestamp(2));
}

}  // namespace
}  // namespace relay::net
