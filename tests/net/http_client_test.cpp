// The delivery client against receivers that misbehave on the wire, over loopback: interim
// answers, a close after 100 Continue, 101, trailing bytes, oversized bodies, outbound.deny.
#include "relay/net/http_client.hpp"

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

// Sends `count` deliveries one after the other through one pool; their results in order.
std::vector<AttemptResult> send_in_turn(const Endpoint& endpoint, std::size_t count) {
  asio::io_context io;
  auto pool = std::make_shared<ConnectionPool>(io, endpoint, 1);
  std::vector<AttemptResult> results;
  asio::co_spawn(
      io,
      [](std::shared_ptr<ConnectionPool> pool, std::size_t count, std::vector<AttemptResult>& out) -> awaitable<void> {
        destination::Request request;
        request.method = "POST";
        request.headers.push_back({"content-type", "application/json"});
        request.body = "{}";
        for (std::size_t i = 0; i < count; ++i) out.push_back(co_await ConnectionPool::send(pool, request));
      }(pool, count, results),
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

}  // namespace
}  // namespace relay::net
