// TlsStream, the server's side of TLS, against Asio's OpenSSL client over loopback: data both
// ways in sizes past its buffers, the two ways a peer can end a connection, a peer that does
// not speak TLS, and one that stalls the handshake.
#include "relay/net/tls_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <future>
#include <thread>

#include "tests/support/certificates.hpp"

namespace relay::net {
namespace {

class TlsStreamTest : public ::testing::Test {
 protected:
  TlsStreamTest() {
    const auto files = testing::make_certificate(dir_, "server", "127.0.0.1");
    server_context_.use_certificate_chain_file(files.cert);
    server_context_.use_private_key_file(files.key, ssl::context::pem);
    // No TLS 1.3 tickets: a client that closes with them unread would reset the connection.
    SSL_CTX_set_num_tickets(server_context_.native_handle(), 0);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::address_v4::loopback(), 0});
    acceptor_.listen();
  }

  // Runs `serve` on the accepted connection and `client` on a connected TLS client in a thread of
  // its own; returns when both are done (at most 20 s).
  void run(std::function<awaitable<void>(TlsStream&)> serve, std::function<void(ssl::stream<tcp::socket>&)> client) {
    io_.restart();
    auto done = std::async(std::launch::async, [&, at = acceptor_.local_endpoint()] {
      asio::io_context io;
      ssl::stream<tcp::socket> stream(io, client_context_);
      stream.next_layer().connect(at);
      client(stream);
    });
    asio::co_spawn(
        io_,
        [&]() -> awaitable<void> {
          auto [ec, socket] = co_await acceptor_.async_accept();
          EXPECT_FALSE(ec) << ec.message();
          TlsStream stream(tcp_stream(std::move(socket)), server_context_);
          beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
          co_await serve(stream);
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.run_for(std::chrono::seconds(20));
    ASSERT_EQ(done.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    done.get();
  }

  testing::TempDir dir_;
  ssl::context server_context_{ssl::context::tls_server};
  ssl::context client_context_{ssl::context::tls_client};
  asio::io_context io_;
  acceptor_t acceptor_{io_};
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

TEST_F(TlsStreamTest, CarriesDataBothWaysPastItsBufferSizes) {
  const std::string upload = pattern(300 * 1000), download = pattern(200 * 1000 + 17);
  std::string received, echoed;
  run(
      [&](TlsStream& s) -> awaitable<void> {
        auto [hec, hn] = co_await s.async_handshake();
        EXPECT_FALSE(hec) << hec.message();
        received.resize(upload.size());
        auto [rec, rn] = co_await asio::async_read(s, asio::buffer(received));
        EXPECT_FALSE(rec) << rec.message();
        // Two buffers, as a response's head and body go.
        const std::array<asio::const_buffer, 2> parts{asio::buffer(download.data(), 100),
                                                      asio::buffer(download.data() + 100, download.size() - 100)};
        auto [wec, wn] = co_await asio::async_write(s, parts);
        EXPECT_FALSE(wec) << wec.message();
        EXPECT_EQ(wn, download.size());
        co_await s.async_shutdown();
      },
      [&](ssl::stream<tcp::socket>& c) {
        c.handshake(ssl::stream_base::client);
        asio::write(c, asio::buffer(upload));
        echoed.resize(download.size());
        asio::read(c, asio::buffer(echoed));
        beast::error_code ec;
        c.shutdown(ec);
        EXPECT_FALSE(ec) << "the server answered close_notify: " << ec.message();
      });
  EXPECT_TRUE(received == upload);
  EXPECT_TRUE(echoed == download);
}

TEST_F(TlsStreamTest, APeerThatClosesWithCloseNotifyEndsTheStreamAndOneThatJustClosesTruncatesIt) {
  for (const bool notify : {true, false}) {
    beast::error_code end;
    run(
        [&](TlsStream& s) -> awaitable<void> {
          co_await s.async_handshake();
          char byte;
          std::tie(end, std::ignore) = co_await s.async_read_some(asio::buffer(&byte, 1));
        },
        [&](ssl::stream<tcp::socket>& c) {
          c.handshake(ssl::stream_base::client);
          beast::error_code ignored;  // the server closes without answering close_notify
          if (notify) c.shutdown(ignored);
          c.next_layer().close();
        });
    EXPECT_EQ(end, notify ? beast::error_code(asio::error::eof) : beast::error_code(ssl::error::stream_truncated))
        << end.message();
  }
}

TEST_F(TlsStreamTest, APeerThatDoesNotSpeakTlsFailsTheHandshake) {
  beast::error_code handshake;
  run(
      [&](TlsStream& s) -> awaitable<void> { std::tie(handshake, std::ignore) = co_await s.async_handshake(); },
      [&](ssl::stream<tcp::socket>& c) {
        asio::write(c.next_layer(), asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        char byte;
        beast::error_code ec;
        c.next_layer().read_some(asio::buffer(&byte, 1), ec);  // the server's alert, then its close
      });
  EXPECT_EQ(handshake.category(), asio::error::get_ssl_category()) << handshake.message();
}

TEST_F(TlsStreamTest, AStalledHandshakeEndsAtTheTcpStreamsDeadline) {
  beast::error_code handshake;
  std::promise<void> server_done;
  auto server_finished = server_done.get_future();
  run(
      [&](TlsStream& s) -> awaitable<void> {
        beast::get_lowest_layer(s).expires_after(std::chrono::milliseconds(200));
        std::tie(handshake, std::ignore) = co_await s.async_handshake();
        server_done.set_value();
      },
      [&](ssl::stream<tcp::socket>& c) {
        asio::write(c.next_layer(), asio::buffer(std::string_view("\x16\x03\x01")));  // a record header, then nothing
        server_finished.wait_for(std::chrono::seconds(15));
      });
  EXPECT_EQ(handshake, beast::error::timeout) << handshake.message();
}

}  // namespace
}  // namespace relay::net
