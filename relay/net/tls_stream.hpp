#pragma once
// TLS over a tcp_stream, either side. OpenSSL reads records from an 8 KB buffer this stream
// fills through the tcp_stream, and writes them into a buffer this stream then sends through
// it, so the tcp_stream's timeouts (and, on a server, the idle-connection list) apply as they
// do to plain HTTP. Asio's ssl::stream holds four 17 KB buffers per connection for the same
// job. Called on the stream's thread only, one operation at a time (relay's HTTP exchanges
// never overlap a read and a write).
#include <memory>
#include <string>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "relay/config/http_url.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

class TlsStream {
 public:
  struct State;  // the SSL object and its buffers, where OpenSSL's BIO points

  using executor_type = tcp_stream::executor_type;
  using next_layer_type = tcp_stream;

  // The server's side of a connection.
  TlsStream(tcp_stream next, ssl::context& context);
  // The client's side, to `server`'s host: a name goes as SNI, and the certificate must be
  // valid for the host (the context verifies peers). Throws std::runtime_error when OpenSSL
  // refuses the settings.
  TlsStream(tcp_stream next, ssl::context& context, const config::HttpUrl& server);
  ~TlsStream();
  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) = delete;

  executor_type get_executor() { return next_.get_executor(); }
  tcp_stream& next_layer() { return next_; }
  // Bytes received and not read yet, decrypted or not.
  std::size_t buffered() const;

  template <class Token = token_t>
  auto async_handshake(Token&& token = {}) {
    return run(Call::handshake, {}, std::forward<Token>(token));
  }
  // Sends close_notify and waits for the peer's (or its end of stream).
  template <class Token = token_t>
  auto async_shutdown(Token&& token = {}) {
    return run(Call::shutdown, {}, std::forward<Token>(token));
  }
  template <class MutableBuffers, class Token = token_t>
  auto async_read_some(const MutableBuffers& buffers, Token&& token = {}) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it)
      if (it->size() != 0) return run(Call::read, {it->data(), it->size()}, std::forward<Token>(token));
    return run(Call::read, {}, std::forward<Token>(token));
  }
  // Writes from the first non-empty buffers, up to 64 KB, as one send.
  template <class ConstBuffers, class Token = token_t>
  auto async_write_some(const ConstBuffers& buffers, Token&& token = {}) {
    std::size_t taken = 0;
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      const asio::const_buffer b(*it);
      if (b.size() == 0) continue;
      if (!stage(b, taken)) break;
    }
    return run(Call::write, {nullptr, taken}, std::forward<Token>(token));
  }

 private:
  enum class Call { handshake, read, write, shutdown };
  // What one OpenSSL call left to do: nothing (done: ec, n), or read more from the peer.
  struct Attempt {
    bool want_read = false;
    beast::error_code ec;
    std::size_t n = 0;
  };

  // Encrypts `b` (as much as fits under the limit of one write) into the outgoing bytes and
  // counts it in `taken`; false when no more may follow (the limit, or a failure the write
  // then reports).
  bool stage(asio::const_buffer b, std::size_t& taken);
  Attempt attempt(Call call, asio::mutable_buffer target);
  // The bytes OpenSSL wrote that are not sent yet; empty when there are none.
  std::string& outgoing();
  // After they went: empties them, and lets go of the room a large write took.
  void sent();
  asio::mutable_buffer incoming_space();
  void received(std::size_t n);
  beast::error_code end_of_input(const beast::error_code& ec);

  template <class Token>
  auto run(Call call, asio::mutable_buffer target, Token&& token) {
    return asio::async_compose<Token, void(beast::error_code, std::size_t)>(
        Op{*this, call, target}, token, next_.get_executor());
  }

  // A call retried until OpenSSL has what it needs: what it writes is sent first, then what it
  // lacks is read. A result known at once is posted, never delivered inside the initiation.
  struct Op {
    TlsStream& s;
    Call call;
    asio::mutable_buffer target;
    enum { start, sending, receiving, posted } step = start;
    Attempt result;

    template <class Self>
    void operator()(Self& self, beast::error_code ec = {}, std::size_t n = 0) {
      switch (step) {
        case start:
          break;
        case posted:
          return self.complete(result.ec, result.n);
        case sending:
          s.sent();
          if (ec) return self.complete(ec, 0);
          if (!result.want_read) return self.complete(result.ec, result.n);
          return receive(self);
        case receiving:
          if (ec) return self.complete(s.end_of_input(ec), 0);
          s.received(n);
          break;
      }
      const bool first = step == start;
      result = s.attempt(call, target);
      if (!s.outgoing().empty()) {
        step = sending;
        return asio::async_write(s.next_, asio::buffer(s.outgoing()), std::move(self));
      }
      if (result.want_read) return receive(self);
      if (!first) return self.complete(result.ec, result.n);
      step = posted;
      asio::post(s.next_.get_executor(), std::move(self));
    }

    template <class Self>
    void receive(Self& self) {
      step = receiving;
      s.next_.async_read_some(s.incoming_space(), std::move(self));
    }
  };

  tcp_stream next_;
  std::unique_ptr<State> state_;  // stays put when the stream moves
};

}  // namespace relay::net
