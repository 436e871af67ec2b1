// Responses as write_message puts them on the wire: the head's exact bytes, fields in the order
// they were set, and the body after it, read back by Beast's parser.
#include "relay/net/http_wire.hpp"

#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>

#include <gtest/gtest.h>

namespace relay::net {
namespace {

TEST(HttpWire, AResponseHeadCarriesItsVersionStatusAndReason) {
  http::response<http::string_body> accepted{http::status::accepted, 11};
  accepted.prepare_payload();
  EXPECT_EQ(wire_head(accepted.base()), "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");

  http::response<http::string_body> custom{http::status::too_many_requests, 10};
  custom.reason("Slow Down");
  custom.set(http::field::retry_after, "3");
  EXPECT_EQ(wire_head(custom.base()), "HTTP/1.0 429 Slow Down\r\nRetry-After: 3\r\n\r\n");
}

TEST(HttpWire, WriteMessageSendsTheHeadAndBodyThatAParserReadsBack) {
  using socket_t = token_t::as_default_on_t<asio::local::stream_protocol::socket>;
  asio::io_context io;
  socket_t writer(io);
  asio::local::stream_protocol::socket reader(io);
  asio::local::connect_pair(writer, reader);

  http::response<http::string_body> response{http::status::ok, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::string(5000, 'x');  // more than one small write
  response.keep_alive(true);
  response.prepare_payload();
  const std::string expected = wire_head(response.base()) + response.body();

  std::tuple<beast::error_code, std::size_t> written;
  asio::co_spawn(io, [&]() -> awaitable<void> { written = co_await write_message(writer, response); }, asio::detached);
  io.run();
  EXPECT_FALSE(std::get<0>(written));
  EXPECT_EQ(std::get<1>(written), expected.size());

  std::string received(expected.size(), '\0');
  asio::read(reader, asio::buffer(received));
  EXPECT_EQ(received, expected);

  http::response_parser<http::string_body> parser;
  beast::error_code ec;
  for (auto rest = asio::buffer(received); !ec && !parser.is_done() && rest.size() != 0;)
    rest += parser.put(rest, ec);
  EXPECT_FALSE(ec);
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().result_int(), 200u);
  EXPECT_EQ(parser.get().body(), response.body());
  EXPECT_TRUE(parser.get().keep_alive());
}

}  // namespace
}  // namespace relay::net
