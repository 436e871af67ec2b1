#include "relay/net/http_fetch.hpp"

#include <optional>

#include "relay/net/finish_by.hpp"
#include "relay/net/tls_stream.hpp"

namespace relay::net {

namespace {

using Clock = std::chrono::steady_clock;
using Resolved = std::tuple<beast::error_code, tcp::resolver::results_type>;

awaitable<Resolved> resolve(std::shared_ptr<resolver_t> resolver, std::string host, std::string port) {
  co_return co_await resolver->async_resolve(host, port);
}

template <class Stream>
awaitable<FetchResult> exchange(Stream& stream, const FetchRequest& request, const std::string& where) {
  http::request<http::string_body> out;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown)
    out.method_string(request.method);
  else
    out.method(verb);
  out.target(request.url.target);
  out.version(11);
  out.set(http::field::host, request.url.host_header());
  out.set(http::field::user_agent, "relay/0.1");
  for (const auto& [name, value] : request.headers) out.set(name, value);
  out.body() = request.body;
  out.keep_alive(false);
  out.prepare_payload();

  FetchResult result;
  auto [wec, wn] = co_await http::async_write(stream, out);
  if (wec) {
    result.error = "sending to " + where + ": " + wec.message();
    co_return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxFetchBody);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser);
  if (rec) {
    result.error = "reading the answer of " + where + ": " + rec.message();
    co_return result;
  }
  result.status = parser.get().result_int();
  result.body = std::move(parser.get().body());
  co_return result;
}

}  // namespace

awaitable<FetchResult> fetch(asio::io_context& io, const FetchRequest& request, std::shared_ptr<ssl::context> tls) {
  const config::HttpUrl& url = request.url;
  const std::string where = url.host + ":" + url.port;
  const auto deadline = Clock::now() + request.timeout;
  FetchResult failed;

  auto resolver = std::make_shared<resolver_t>(io);
  const auto resolved = co_await finish_by(io, deadline, resolve(resolver, url.host, url.port));
  if (!resolved) {
    resolver->cancel();
    failed.error = "resolving " + url.host + ": no answer in time";
    co_return failed;
  }
  const auto& [ec, endpoints] = *resolved;
  if (ec) {
    failed.error = "resolving " + url.host + ": " + ec.message();
    co_return failed;
  }

  tcp_stream stream(io);
  stream.expires_at(deadline);
  auto [cec, ep] = co_await stream.async_connect(endpoints);
  if (cec) {
    failed.error = "connecting to " + where + ": " + (cec == beast::error::timeout ? "no answer in time" : cec.message());
    co_return failed;
  }
  if (!url.tls) {
    FetchResult result = co_await exchange(stream, request, where);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }
  if (!tls) {
    failed.error = where + " needs TLS and no TLS context was given";
    co_return failed;
  }
  std::optional<TlsStream> secure;
  try {
    secure.emplace(std::move(stream), *tls, url);
  } catch (const std::runtime_error& e) {
    failed.error = e.what();
    co_return failed;
  }
  auto [hec, hn] = co_await secure->async_handshake();
  if (hec) {
    failed.error = "TLS handshake with " + where + ": " + hec.message();
    co_return failed;
  }
  // The answer is read whole (Content-Length or chunked), so no TLS close_notify is awaited.
  co_return co_await exchange(*secure, request, where);
}

}  // namespace relay::net
