// HttpServer in this process with a test handler, over loopback: what the server itself
// does whatever the handler (a handler that throws, the connection cap).
#include "relay/net/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <sstream>
#include <thread>

#include "tests/net/http_test_client.hpp"
#include "tests/net/self_signed.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

using testing::HttpTestClient;

class TestHandler final : public HttpHandler {
 public:
  awaitable<void> handle(HttpRequest& request, HttpResponse& response, const asio::ip::address&) override {
    if (request.target() == "/throw") throw std::runtime_error("the handler broke");
    response.result(http::status::ok);
    response.body() = "ok";
    co_return;
  }
  void refuse_while_stopping(const HttpRequest&, HttpResponse& response) override { response.result(http::status::service_unavailable); }
};

class RunningServer {
 public:
  explicit RunningServer(ServerOptions options)
      : server_(with_loopback(std::move(options)), [](asio::io_context&, std::size_t) {
          return std::make_unique<TestHandler>();
        }) {
    server_.start();
  }
  ~RunningServer() {
    server_.stop_accepting();
    server_.wait_connections_closed(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    server_.join();
  }
  tcp::endpoint endpoint() const { return server_.local_endpoint(); }
  std::string url() const {
    std::ostringstream s;
    s << "http://" << server_.local_endpoint();
    return s.str();
  }
  // Waits (up to 5 s) until `n` connections wait for a request; false if they never do.
  bool idle_reaches(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server_.connections_idle() != n)
      if (std::chrono::steady_clock::now() >= deadline) return false;
      else std::this_thread::yield();
    return true;
  }

 private:
  static ServerOptions with_loopback(ServerOptions o) {
    o.listen = {"127.0.0.1", 0};
    return o;
  }
  HttpServer server_;
};

TEST(HttpServer, AHandlerThatThrowsGets500AndTheServerGoesOn) {
  RunningServer server({.threads = 1});
  HttpTestClient client(server.url());
  const auto reply = client.post("/throw", "{}");
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.headers.at("content-type"), "application/json");
  EXPECT_THAT(std::string(boost::json::parse(reply.body).at("error").as_string()),
              ::testing::HasSubstr("internal error"));
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_EQ(client.post("/fine", "{}").status, 200u);
}

// GET / on `s`, kept alive: the status, 0 when there was no answer.
unsigned get(boost::asio::ip::tcp::socket& s) {
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: relay.test\r\n\r\n")), ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(s, buffer, res, ec);
  return ec ? 0 : res.result_int();
}

bool closed_by_server(boost::asio::ip::tcp::socket& s) {
  char byte;
  boost::system::error_code ec;
  s.read_some(boost::asio::buffer(&byte, 1), ec);  // SO_RCVTIMEO bounds it
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

TEST(HttpServer, AtTheCapTheLongestIdleConnectionMakesRoom) {
  RunningServer server({.threads = 2, .max_connections = 2});
  HttpTestClient client(server.url());
  auto oldest = client.connect();
  ASSERT_EQ(get(oldest), 200u);
  // The server lists a connection as idle after its answer went out, which may be after the
  // client read it: wait, so that the two are listed in the order they were served.
  ASSERT_TRUE(server.idle_reaches(1));
  auto newer = client.connect();
  ASSERT_EQ(get(newer), 200u);
  ASSERT_TRUE(server.idle_reaches(2));  // both idle now, kept alive

  auto newcomer = client.connect();
  EXPECT_EQ(get(newcomer), 200u);
  EXPECT_TRUE(closed_by_server(oldest));
  EXPECT_EQ(get(newer), 200u) << "the newer idle connection stays open";
}

TEST(HttpServer, AConnectionThatNeverSentARequestIsIdleToo) {
  RunningServer server({.threads = 1, .max_connections = 1});
  HttpTestClient client(server.url());
  auto silent = client.connect();
  auto newcomer = client.connect();
  EXPECT_EQ(get(newcomer), 200u);
  EXPECT_TRUE(closed_by_server(silent));
}

// HTTPS with ingress.tls.session_resumption on and off, seen by a real OpenSSL client that
// offers the session of its previous connection, over TLS 1.3 (tickets) and TLS 1.2 (session
// ids and tickets).
class TlsResumption : public ::testing::TestWithParam<bool /*tls13*/> {
 protected:
  using Session = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;
  struct Visit {
    bool resumed = false;
    Session session{nullptr, SSL_SESSION_free};
  };

  TlsResumption() {
    relay::testing::write_self_signed(cert_, key_);
    client_.set_verify_mode(ssl::verify_none);
    if (!GetParam()) client_.set_options(ssl::context::no_tlsv1_3);
  }

  ServerOptions options(bool resumption) const {
    return {.threads = 2, .tls_cert_file = cert_, .tls_key_file = key_, .tls_session_resumption = resumption};
  }

  // One GET on a new connection that offers `offer` (none: nullptr); the answer must be 200.
  Visit visit(const tcp::endpoint& at, SSL_SESSION* offer) {
    asio::io_context io;
    ssl::stream<tcp::socket> stream(io, client_);
    stream.next_layer().connect(at);
    if (offer) SSL_set_session(stream.native_handle(), offer);
    stream.handshake(ssl::stream_base::client);
    http::request<http::empty_body> request{http::verb::get, "/", 11};
    request.set(http::field::host, "relay.test");
    request.keep_alive(false);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);  // the TLS 1.3 tickets came before it
    EXPECT_EQ(response.result_int(), 200u);
    Visit v;
    v.resumed = SSL_session_reused(stream.native_handle()) == 1;
    beast::error_code ignored;
    stream.shutdown(ignored);  // OpenSSL makes a session that was not shut down cleanly unresumable
    v.session.reset(SSL_get1_session(stream.native_handle()));
    return v;
  }

  relay::testing::TempDir dir_;
  std::string cert_ = dir_.path() + "/cert.pem";
  std::string key_ = dir_.path() + "/key.pem";
  ssl::context client_{ssl::context::tls_client};
};

TEST_P(TlsResumption, IsResumedWhenOn) {
  RunningServer server(options(true));
  const Visit first = visit(server.endpoint(), nullptr);
  EXPECT_FALSE(first.resumed);
  for (int i = 0; i < 3; ++i)  // either thread's acceptor may take it: the cache and ticket keys are shared
    EXPECT_TRUE(visit(server.endpoint(), first.session.get()).resumed) << "connection " << i + 2;
}

TEST_P(TlsResumption, EveryConnectionMakesAFullHandshakeWhenOff) {
  RunningServer server(options(false));
  Visit last = visit(server.endpoint(), nullptr);
  for (int i = 0; i < 3; ++i) {
    Visit next = visit(server.endpoint(), last.session.get());
    EXPECT_FALSE(next.resumed) << "connection " << i + 2;
    last = std::move(next);
  }
}

INSTANTIATE_TEST_SUITE_P(HttpServer, TlsResumption, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Tls13" : "Tls12"; });

}  // namespace
}  // namespace relay::net
