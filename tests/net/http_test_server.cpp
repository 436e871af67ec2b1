#include "tests/net/http_test_server.hpp"

#include <boost/beast/ssl/ssl_stream.hpp>

#include "relay/net/asio.hpp"

namespace relay::testing {

namespace asio = net::asio;
namespace http = net::http;
namespace beast = net::beast;

struct HttpTestServer::Impl {
  std::optional<net::ssl::context> tls;  // outlives the io_context's pending sessions
  asio::io_context io;
  net::acceptor_t acceptor{io};
  std::function<Response(const Request&)> handle;
  mutable std::mutex mutex;
  std::vector<Request> requests;
};

namespace {

template <class Stream>
net::awaitable<void> session(HttpTestServer::Impl& impl, Stream stream);

// Asio's OpenSSL stream, not relay's TlsStream: the peer relay's client is tested against.
net::awaitable<void> handshake_then_serve(HttpTestServer::Impl& impl, net::tcp_stream plain) {
  beast::ssl_stream<net::tcp_stream> stream(std::move(plain), *impl.tls);
  auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server);
  if (!ec) co_await session(impl, std::move(stream));
}

net::awaitable<void> serve(HttpTestServer::Impl& impl) {
  for (;;) {
    auto [ec, socket] = co_await impl.acceptor.async_accept();
    if (ec) co_return;
    if (impl.tls)
      asio::co_spawn(impl.io, handshake_then_serve(impl, net::tcp_stream(std::move(socket))), asio::detached);
    else
      asio::co_spawn(impl.io, session(impl, net::tcp_stream(std::move(socket))), asio::detached);
  }
}

template <class Stream>
net::awaitable<void> session(HttpTestServer::Impl& impl, Stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> in;
    auto [rec, rn] = co_await http::async_read(stream, buffer, in);
    if (rec) co_return;
    HttpTestServer::Request request{std::string(in.method_string()), std::string(in.target()), {}, in.body()};
    for (const auto& field : in) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    {
      std::lock_guard lock(impl.mutex);
      impl.requests.push_back(request);
    }
    const HttpTestServer::Response answer = impl.handle(request);
    http::response<http::string_body> out{static_cast<http::status>(answer.status), 11};
    for (const auto& [name, value] : answer.headers) out.set(name, value);
    out.body() = answer.body;
    out.keep_alive(in.keep_alive());
    out.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, out);
    if (wec || !in.keep_alive()) co_return;
  }
}

}  // namespace

std::string HttpTestServer::Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

HttpTestServer::HttpTestServer(std::function<Response(const Request&)> handle, std::optional<Tls> tls)
    : impl_(std::make_unique<Impl>()), tls_(tls.has_value()) {
  impl_->handle = std::move(handle);
  if (tls) {
    impl_->tls.emplace(net::ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->cert_file);
    impl_->tls->use_private_key_file(tls->key_file, net::ssl::context::pem);
  }
  const net::tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(local.protocol());
  impl_->acceptor.bind(local);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, serve(*impl_), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

HttpTestServer::~HttpTestServer() {
  impl_->io.stop();
  thread_.join();
}

std::vector<HttpTestServer::Request> HttpTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace relay::testing
