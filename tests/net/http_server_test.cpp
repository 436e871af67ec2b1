// HttpServer in this process with a test handler, over loopback: what the server itself
// does whatever the handler (a handler that throws, the connection cap).
#include "relay/net/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <sstream>

#include "tests/net/http_test_client.hpp"

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
  std::string url() const {
    std::ostringstream s;
    s << "http://" << server_.local_endpoint();
    return s.str();
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
  auto newer = client.connect();
  ASSERT_EQ(get(newer), 200u);  // both idle now, kept alive

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

}  // namespace
}  // namespace relay::net
