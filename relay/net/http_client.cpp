#include "relay/net/http_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "relay/aws/header_text.hpp"
#include "relay/net/finish_by.hpp"
#include "relay/net/proxy_tunnel.hpp"
#include "relay/net/retry.hpp"
#include "relay/net/tls_stream.hpp"

namespace relay::net {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxResponseBody = 1 << 20;

// A request as it goes on the wire: its head (request line, fields, blank line) and its body.
struct OutgoingRequest {
  std::string head;
  std::string_view body;
};

// The head, as Beast's request type wrote it after set() for each field and prepare_payload():
// a field replaces an earlier one of the same name, values lose the spaces around them, and
// Content-Length comes last (none for a GET without a body). A destination's own headers never
// name Content-Length, Transfer-Encoding or Connection (its config check refuses them).
OutgoingRequest make_request(const Endpoint& endpoint, const destination::Request& request) {
  // Through a proxy, http requests name the whole URL (absolute form); https ones are tunnelled.
  const config::HttpUrl& url = endpoint.transport().url;
  const bool forwarded = endpoint.proxy && !url.tls;
  const std::string host = url.host_header();
  std::vector<std::pair<std::string_view, std::string_view>> fields{{"Host", host}, {"User-Agent", "relay/0.1"}};
  if (forwarded && !endpoint.proxy->authorization.empty())
    fields.emplace_back("Proxy-Authorization", endpoint.proxy->authorization);
  for (const auto& h : request.headers) fields.emplace_back(h.name, h.value);
  auto replaced = [&](std::size_t i) {
    return std::any_of(fields.begin() + static_cast<std::ptrdiff_t>(i) + 1, fields.end(),
                       [&](const auto& later) { return aws::iequals(later.first, fields[i].first); });
  };

  OutgoingRequest out;
  out.body = request.body;
  std::string& head = out.head;
  head.reserve(512);
  head.append(request.method).append(1, ' ');
  if (forwarded) head.append("http://").append(host);
  head.append(url.target).append(" HTTP/1.1\r\n");
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (!replaced(i)) head.append(fields[i].first).append(": ").append(aws::trim_ows(fields[i].second)).append("\r\n");
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "OPTIONS")
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  head.append("\r\n");
  return out;
}

struct Exchange {
  std::size_t keep = 0;  // how much of the body goes into result.excerpt
  AttemptResult result;
  bool answered = false;  // a response (or part of one) arrived
  bool clean = false;     // the final answer was read whole, keep-alive, nothing left in the buffer
};

// Reads the answer's body into `out.result.excerpt` (its first `keep` bytes);
// false when it ends early or passes kMaxResponseBody: the status stands, the connection goes.
template <class Stream>
awaitable<bool> read_body(Stream& stream, beast::flat_buffer& buffer, http::response_parser<http::buffer_body>& parser,
                          Exchange& out) {
  auto& body = parser.get().body();
  std::size_t total = 0;
  while (!parser.is_done()) {
    char chunk[8192];
    body.data = chunk;
    body.size = sizeof chunk;
    auto [ec, n] = co_await http::async_read(stream, buffer, parser);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = sizeof chunk - body.size;
    total += got;
    const std::size_t room = out.keep - out.result.excerpt.size();
    out.result.excerpt.append(chunk, std::min(got, room));
    if (ec) {
      out.result.error = "reading the answer's body: " + ec.message();
      co_return false;
    }
    if (total > kMaxResponseBody) co_return false;
  }
  co_return true;
}

template <class Stream>
awaitable<Exchange> exchange(Stream& stream, beast::flat_buffer& buffer, const OutgoingRequest& request,
                             Clock::time_point deadline, std::size_t keep) {
  Exchange out;
  out.keep = keep;
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_at(deadline);
  const std::array<asio::const_buffer, 2> wire{asio::buffer(request.head), asio::buffer(request.body)};
  auto [wec, wn] = co_await asio::async_write(stream, wire);
  if (wec) {
    out.result.error = "sending: " + wec.message();
    co_return out;
  }
  // Interim answers (100 Continue, 102 Processing, 103 Early Hints) precede the final one.
  std::optional<http::response_parser<http::buffer_body>> parser;
  for (;;) {
    parser.emplace();
    parser->body_limit(boost::none);  // read_body counts
    auto [rec, rn] = co_await http::async_read_header(stream, buffer, *parser);
    out.answered = out.answered || parser->got_some();
    if (rec) {
      out.result.error = "reading the answer: " + rec.message();
      co_return out;
    }
    const unsigned status = parser->get().result_int();
    if (status == 101) {
      out.result.error = "the receiver answered 101 Switching Protocols, which a delivery cannot take";
      co_return out;
    }
    if (status < 100 || status >= 200) break;
  }
  const auto& response = parser->get();
  out.result.status = response.result_int();
  if (auto it = response.find(http::field::retry_after); it != response.end())
    out.result.retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
  const bool whole = co_await read_body(stream, buffer, *parser, out);
  out.clean = whole && response.keep_alive() && buffer.size() == 0;
  co_return out;
}

pattern::IpAddress ip_of(const asio::ip::address& address) {
  pattern::IpAddress ip;
  ip.v6 = address.is_v6();
  if (ip.v6) {
    const auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), ip.bytes.begin());
  } else {
    const auto bytes = address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), ip.bytes.begin());
  }
  return ip;
}

using Resolved = std::tuple<beast::error_code, tcp::resolver::results_type>;

awaitable<Resolved> resolve(std::shared_ptr<resolver_t> resolver, std::string host, std::string port) {
  co_return co_await resolver->async_resolve(host, port);
}

// Where a connection goes: the destination, or its proxy.
struct Dialled {
  std::string host, port;
  std::string what;  // for errors: "h" or "proxy h"
};

Dialled dialled(const Endpoint& endpoint) {
  if (endpoint.proxy) return {endpoint.proxy->host, endpoint.proxy->port, "proxy " + endpoint.proxy->host};
  const config::HttpUrl& url = endpoint.transport().url;
  return {url.host, url.port, url.host};
}

// The addresses of `to`'s host that outbound.deny lets through, resolved by `deadline`;
// empty with `error` set when there are none.
awaitable<std::vector<tcp::endpoint>> allowed_endpoints(asio::io_context& io, const Endpoint& endpoint,
                                                        const Dialled& to, Clock::time_point deadline,
                                                        std::string& error) {
  auto resolver = std::make_shared<resolver_t>(io);
  const auto resolved = co_await finish_by(io, deadline, resolve(resolver, to.host, to.port));
  std::vector<tcp::endpoint> allowed;
  if (!resolved) {
    resolver->cancel();
    error = "resolving " + to.what + ": no answer within connect_timeout";
    co_return allowed;
  }
  const auto& [ec, results] = *resolved;
  if (ec) {
    error = "resolving " + to.what + ": " + ec.message();
    co_return allowed;
  }
  for (const auto& entry : results) {
    const auto address = entry.endpoint().address();
    if (const config::DenyRule* rule = config::refused_by(endpoint.deny, ip_of(address))) {
      if (error.empty()) error = (endpoint.proxy ? "proxy: " : "") + config::refusal(address.to_string(), *rule);
    } else {
      allowed.push_back(entry.endpoint());
    }
  }
  if (!allowed.empty()) error.clear();
  co_return allowed;
}

}  // namespace

struct ConnectionPool::Connection {
  std::optional<tcp_stream> plain;
  std::optional<TlsStream> tls;
  beast::flat_buffer buffer;

  // Bytes the receiver sent that no request asked for (a late answer, TLS records): such a
  // connection must not carry another request.
  bool holds_unread() {
    beast::error_code ec;
    const std::size_t waiting = tls ? tls->next_layer().socket().available(ec) + tls->buffered()
                                    : plain->socket().available(ec);
    return ec || waiting != 0 || buffer.size() != 0;
  }

  awaitable<Exchange> exchange(const OutgoingRequest& request, Clock::time_point deadline, std::size_t keep) {
    if (tls) co_return co_await net::exchange(*tls, buffer, request, deadline, keep);
    co_return co_await net::exchange(*plain, buffer, request, deadline, keep);
  }
};

std::shared_ptr<ssl::context> client_tls_context(const std::optional<std::string>& ca_file,
                                                 const std::optional<destination::ClientCertificate>& client) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec) throw std::runtime_error("cannot load the system CA store: " + ec.message());
  if (ca_file) {
    ctx->load_verify_file(*ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file " + *ca_file + ": " + ec.message());
  }
  if (client) {
    // No passphrase: an encrypted key fails to load rather than prompting on a terminal.
    ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });
    ctx->use_certificate_chain_file(client->cert_file, ec);
    if (ec) throw std::runtime_error("cannot load client certificate " + client->cert_file + ": " + ec.message());
    ctx->use_private_key_file(client->key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load client key " + client->key_file + ": " + ec.message());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
      throw std::runtime_error("client key " + client->key_file + " is not the key of " + client->cert_file);
  }
  return ctx;
}

std::optional<config::ProxyUrl> proxy_from_environment(const config::HttpUrl& url,
                                                      const destination::ProxySetting& setting) {
  const auto env = destination::proxy_environment([](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  auto choice = destination::choose_proxy(url, setting, env);
  if (!choice.error.empty()) throw std::runtime_error(choice.error);
  return std::move(choice.proxy);
}

std::vector<Endpoint> endpoints_from(const config::Config& config) {
  std::vector<Endpoint> out;
  for (const auto& d : config.pipeline->destinations().all()) {
    const auto& transport = d->transport();
    std::optional<config::ProxyUrl> proxy;
    try {
      proxy = proxy_from_environment(transport.url, transport.proxy);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("destination " + d->name() + ": proxy: " + e.what());
    }
    auto tls = transport.url.tls ? client_tls_context(transport.ca_file, transport.client_certificate) : nullptr;
    auto rate = transport.rate_limit
                    ? std::make_shared<RateLimiter>(transport.rate_limit->per_second, transport.rate_limit->burst)
                    : nullptr;
    const auto* aws = d->aws_credentials();
    out.push_back({d.get(), config.outbound.deny, std::move(tls), aws ? std::make_shared<CredentialProvider>(*aws) : nullptr,
                   std::move(proxy), std::move(rate)});
  }
  return out;
}

ConnectionPool::ConnectionPool(asio::io_context& io, const Endpoint& endpoint, std::size_t max_in_use)
    : io_(io), endpoint_(endpoint), in_use_(std::max<std::size_t>(1, max_in_use)) {}

ConnectionPool::~ConnectionPool() = default;

awaitable<std::unique_ptr<ConnectionPool::Connection>> ConnectionPool::connect(ConnectionPool& pool,
                                                                               std::string& error) {
  const config::HttpUrl& url = pool.endpoint_.transport().url;
  const auto deadline = Clock::now() + pool.endpoint_.transport().connect_timeout;
  const Dialled to = dialled(pool.endpoint_);
  const std::vector<tcp::endpoint> endpoints =
      co_await allowed_endpoints(pool.io_, pool.endpoint_, to, deadline, error);
  if (endpoints.empty()) co_return nullptr;
  auto c = std::make_unique<Connection>();
  tcp_stream stream(pool.io_);
  stream.expires_at(deadline);
  auto [cec, ep] = co_await stream.async_connect(endpoints);
  if (cec) {
    error = "connecting to " + to.what + ":" + to.port + ": " + cec.message();
    co_return nullptr;
  }
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  if (pool.endpoint_.proxy && url.tls) {
    error = co_await open_tunnel(stream, *pool.endpoint_.proxy, url, deadline);
    if (!error.empty()) co_return nullptr;
  }
  if (!url.tls) {
    c->plain.emplace(std::move(stream));
    co_return c;
  }
  try {
    c->tls.emplace(std::move(stream), *pool.endpoint_.tls, url);
  } catch (const std::runtime_error& e) {
    error = e.what();
    co_return nullptr;
  }
  beast::get_lowest_layer(*c->tls).expires_at(deadline);
  auto [hec, hn] = co_await c->tls->async_handshake();
  if (hec) {
    error = "TLS handshake with " + url.host + ": " + hec.message();
    co_return nullptr;
  }
  co_return c;
}

awaitable<AttemptResult> ConnectionPool::send(std::shared_ptr<ConnectionPool> pool,
                                              const destination::Request& request) {
  co_await pool->in_use_.acquire();
  SemaphoreUnit unit(pool->in_use_);
  const OutgoingRequest outgoing = make_request(pool->endpoint_, request);
  const auto deadline = Clock::now() + pool->endpoint_.transport().timeout;
  const std::size_t keep = pool->endpoint_.transport().max_answer_bytes;

  // A kept-alive connection the receiver closed meanwhile fails before any answer: then
  // the request goes again on a fresh connection, still as the same attempt.
  while (!pool->idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(pool->idle_.back());
    pool->idle_.pop_back();
    if (c->holds_unread()) continue;
    Exchange ex = co_await c->exchange(outgoing, deadline, keep);
    if (!ex.answered && Clock::now() < deadline) continue;
    if (ex.clean) pool->idle_.push_back(std::move(c));  // bytes that come later: the check above drops it
    co_return ex.result;
  }
  AttemptResult failed;
  std::unique_ptr<Connection> c = co_await connect(*pool, failed.error);
  if (!c) co_return failed;
  Exchange ex = co_await c->exchange(outgoing, deadline, keep);
  if (ex.clean) pool->idle_.push_back(std::move(c));
  co_return ex.result;
}

}  // namespace relay::net
