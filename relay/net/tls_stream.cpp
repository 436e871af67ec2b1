#include "relay/net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace relay::net {

namespace {

constexpr std::size_t kIncoming = 8 * 1024;   // one read from the socket
constexpr std::size_t kMaxWrite = 64 * 1024;  // plaintext encrypted for one send
constexpr std::size_t kKeptOutgoing = 8 * 1024;  // a connection keeps no more room to send between writes

}  // namespace

struct TlsStream::State {
  SSL* ssl = nullptr;
  std::unique_ptr<char[]> in = std::make_unique<char[]>(kIncoming);
  std::size_t in_begin = 0, in_end = 0;  // received, not yet read by OpenSSL
  std::string out;                       // written by OpenSSL, not yet sent
  beast::error_code write_error;         // from encrypting a write, reported by that write

  ~State() { SSL_free(ssl); }
};

namespace {

using State = TlsStream::State;

// OpenSSL's I/O for one stream: reads take received bytes (none: retry once more came),
// writes append to the bytes to send and never block.
int bio_read(BIO* bio, char* data, int size) {
  auto& s = *static_cast<State*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (s.in_begin == s.in_end) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::size_t n = std::min(static_cast<std::size_t>(size), s.in_end - s.in_begin);
  std::memcpy(data, s.in.get() + s.in_begin, n);
  s.in_begin += n;
  return static_cast<int>(n);
}

int bio_write(BIO* bio, const char* data, int size) {
  auto& s = *static_cast<State*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  s.out.append(data, static_cast<std::size_t>(size));
  return size;
}

long bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* buffers_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "relay TLS buffers");
    if (!m || !BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
        !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create))
      throw std::runtime_error("TLS: cannot make OpenSSL's buffer BIO");
    return m;
  }();
  return method;
}

// The error of an OpenSSL call that returned `r` (not a success), as Asio reports it.
beast::error_code call_error(SSL* ssl, int r) {
  switch (SSL_get_error(ssl, r)) {
    case SSL_ERROR_ZERO_RETURN:
      return asio::error::eof;  // the peer's close_notify
    case SSL_ERROR_SSL:
      if (const unsigned long e = ERR_get_error()) return {static_cast<int>(e), asio::error::get_ssl_category()};
      [[fallthrough]];
    default:
      return ssl::error::stream_truncated;
  }
}

}  // namespace

TlsStream::TlsStream(tcp_stream next, ssl::context& context)
    : next_(std::move(next)), state_(std::make_unique<State>()) {
  state_->ssl = SSL_new(context.native_handle());
  BIO* bio = state_->ssl ? BIO_new(buffers_method()) : nullptr;
  if (!bio) throw std::runtime_error("TLS: cannot make a connection's SSL object");
  BIO_set_data(bio, state_.get());
  SSL_set_bio(state_->ssl, bio, bio);
  SSL_set_options(state_->ssl, SSL_OP_NO_RENEGOTIATION);  // so a write never has to wait for a read
  SSL_set_mode(state_->ssl, SSL_MODE_RELEASE_BUFFERS);     // an idle connection holds no record buffers
  SSL_set_accept_state(state_->ssl);
}

TlsStream::TlsStream(tcp_stream next, ssl::context& context, const config::HttpUrl& server)
    : TlsStream(std::move(next), context) {
  SSL* ssl = state_->ssl;
  SSL_set_connect_state(ssl);
  const char* host = server.host.c_str();
  const bool set = server.host_is_ip
                       ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1
                       : SSL_set_tlsext_host_name(ssl, host) == 1 && SSL_set1_host(ssl, host) == 1;
  if (!set) throw std::runtime_error("TLS: cannot set the server name " + server.host);
}

TlsStream::~TlsStream() = default;
TlsStream::TlsStream(TlsStream&&) noexcept = default;

bool TlsStream::stage(asio::const_buffer b, std::size_t& taken) {
  State& s = *state_;
  const std::size_t n = std::min(b.size(), kMaxWrite - taken);
  std::size_t written = 0;
  ERR_clear_error();
  const int r = SSL_write_ex(s.ssl, b.data(), n, &written);
  if (r != 1) {
    s.write_error = call_error(s.ssl, r);
    return false;
  }
  taken += written;
  return taken < kMaxWrite;
}

TlsStream::Attempt TlsStream::attempt(Call call, asio::mutable_buffer target) {
  State& s = *state_;
  if (call == Call::write) return {false, std::exchange(s.write_error, {}), target.size()};
  if (call == Call::read && target.size() == 0) return {};
  ERR_clear_error();
  std::size_t n = 0;
  int r = 0;
  switch (call) {
    case Call::handshake:
      r = SSL_do_handshake(s.ssl);
      break;
    case Call::read:
      r = SSL_read_ex(s.ssl, target.data(), target.size(), &n);
      break;
    case Call::shutdown:
      r = SSL_shutdown(s.ssl);
      if (r == 0) r = SSL_shutdown(s.ssl);  // close_notify is written: now read the peer's
      break;
    case Call::write:
      break;
  }
  if (r == 1) return {false, {}, n};
  if (SSL_get_error(s.ssl, r) == SSL_ERROR_WANT_READ) return {true, {}, 0};
  return {false, call_error(s.ssl, r), 0};
}

std::size_t TlsStream::buffered() const {
  return static_cast<std::size_t>(SSL_pending(state_->ssl)) + state_->in_end - state_->in_begin;
}

std::string& TlsStream::outgoing() { return state_->out; }

void TlsStream::sent() {
  std::string& out = state_->out;
  if (out.capacity() > kKeptOutgoing)
    std::string().swap(out);
  else
    out.clear();
}

asio::mutable_buffer TlsStream::incoming_space() {
  State& s = *state_;
  if (s.in_begin != 0) {
    std::memmove(s.in.get(), s.in.get() + s.in_begin, s.in_end - s.in_begin);
    s.in_end -= s.in_begin;
    s.in_begin = 0;
  }
  return {s.in.get() + s.in_end, kIncoming - s.in_end};
}

void TlsStream::received(std::size_t n) { state_->in_end += n; }

beast::error_code TlsStream::end_of_input(const beast::error_code& ec) {
  if (ec != asio::error::eof || (SSL_get_shutdown(state_->ssl) & SSL_RECEIVED_SHUTDOWN)) return ec;
  return ssl::error::stream_truncated;  // the peer closed without close_notify
}

}  // namespace relay::net
