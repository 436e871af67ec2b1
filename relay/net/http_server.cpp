#include "relay/net/http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <latch>
#include <sstream>
#include <stdexcept>

#include "relay/net/http_wire.hpp"
#include "relay/net/log.hpp"
#include "relay/net/tls_stream.hpp"

namespace relay::net {

namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

struct ServerThread {
  ServerThread(const ServerOptions& o, std::atomic<std::size_t>& c, std::atomic<std::uint64_t>& a, IdleConnections& i,
               ssl::context* t)
      : options(o), connections(c), accepted(a), idle(i), tls(t) {}

  const ServerOptions& options;
  std::atomic<std::size_t>& connections;  // open now
  std::atomic<std::uint64_t>& accepted;   // since start
  IdleConnections& idle;
  ssl::context* tls;
  bool stopping = false;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  acceptor_t acceptor{io};
  // Destroyed before `io`, so its sockets go while their services exist; coroutines that
  // use its parts after that hold them by shared_ptr.
  std::unique_ptr<HttpHandler> handler;
};

class ConnectionCount {
 public:
  explicit ConnectionCount(std::atomic<std::size_t>& n) : n_(n) {}
  ~ConnectionCount() { n_.fetch_sub(1, std::memory_order_acq_rel); }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  std::atomic<std::size_t>& n_;
};

void log_exception(std::exception_ptr e, const char* where) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log(observe::LogLevel::error, std::string("relay: ") + where + ": " + ex.what());
  }
}

void log_session_exception(std::exception_ptr e) { log_exception(e, "connection"); }

// The answer the server gives itself to a request it could not read; the connection closes after it.
HttpResponse read_error_response(const beast::error_code& ec, const ServerOptions& options) {
  HttpResponse res;
  if (ec == http::error::body_limit) {
    res.result(http::status::payload_too_large);
    res.body() = "{\"error\": \"request body larger than " + std::to_string(options.max_body_bytes) + " bytes\"}";
  } else if (ec == http::error::header_limit) {
    res.result(http::status::request_header_fields_too_large);
    res.body() =
        "{\"error\": \"request line and headers larger than " + std::to_string(options.max_header_bytes) + " bytes\"}";
  } else {
    res.result(http::status::bad_request);
    res.body() = "{\"error\": \"malformed HTTP request: " + ec.message() + "\"}";
  }
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// Malformed or oversized requests get an answer; a client that went away or stalled does not.
bool answerable(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::body_limit).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

HttpResponse internal_error_response() {
  HttpResponse res;
  res.result(http::status::internal_server_error);
  res.body() = "{\"error\": \"internal error; the request may not have been processed, retry it\"}";
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  return res;
}

// Waits for the first bytes of a request, listed as idle meanwhile (the server may close
// the connection to make room, or when it stops). False when none came.
template <class Stream>
awaitable<bool> await_request(Stream& stream, beast::flat_buffer& buffer, IdleConnections::Member& idle,
                              std::chrono::milliseconds timeout) {
  auto& lowest = beast::get_lowest_layer(stream);
  IdleConnections::Waiting waiting(idle);
  lowest.expires_after(timeout);
  auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192));
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

// After an answer that ends the connection with part of the request unread: stop sending,
// then read and drop what the client still sends for a moment, or closing would reset the
// connection and the client might lose the answer.
template <class Stream>
awaitable<void> linger(Stream& stream, std::size_t max_bytes) {
  auto& lowest = beast::get_lowest_layer(stream);
  if constexpr (std::is_same_v<Stream, tcp_stream>) {
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  lowest.expires_after(std::chrono::seconds(1));
  char scratch[16 * 1024];
  for (std::size_t drained = 0; drained < max_bytes;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch));
    if (ec) break;
    drained += n;
  }
}

template <class Stream>
awaitable<void> serve_requests(Stream& stream, ServerThread& t, const asio::ip::address& client) {
  auto& lowest = beast::get_lowest_layer(stream);
  const ServerOptions& options = t.options;
  beast::flat_buffer buffer;
  IdleConnections::Member idle(t.idle, lowest);

  for (bool first = true;; first = false) {
    if (t.stopping) co_return;
    if (buffer.size() == 0 &&
        !co_await await_request(stream, buffer, idle, first ? options.read_timeout : options.idle_timeout))
      co_return;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    lowest.expires_after(options.read_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser);
    HttpResponse response;
    if (!ec && !t.stopping && t.handler->answer_head(parser.get(), response)) {
      response.version(parser.get().version());
      response.keep_alive(false);
      response.prepare_payload();
      lowest.expires_after(options.read_timeout);
      auto [wec, wn] = co_await write_message(stream, response);
      if (!wec && !parser.is_done()) co_await linger(stream, 4 * options.max_body_bytes);
      co_return;
    }
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        std::tie(ec, n) = co_await asio::async_write(stream, asio::buffer(kContinue));
      }
      if (!ec) std::tie(ec, n) = co_await http::async_read(stream, buffer, parser);
    }
    if (ec) {
      if (answerable(ec)) {
        HttpResponse res = read_error_response(ec, options);
        auto [wec, wn] = co_await write_message(stream, res);
        if (!wec) co_await linger(stream, 4 * options.max_body_bytes);
      }
      co_return;
    }

    HttpRequest& request = parser.get();
    if (t.stopping) {
      t.handler->refuse_while_stopping(request, response);
    } else {
      try {
        co_await t.handler->handle(request, response, client);
      } catch (const std::exception& e) {
        log(observe::LogLevel::error, "request handler failed",
            {{"method", std::string_view(request.method_string())},
             {"target", std::string_view(request.target())},
             {"error", e.what()}});
        response = internal_error_response();
      }
    }
    response.version(request.version());
    response.keep_alive(response.keep_alive() && request.keep_alive() && !t.stopping);
    response.prepare_payload();
    lowest.expires_after(options.read_timeout);
    auto [wec, wn] = co_await write_message(stream, response);
    if (wec || !response.keep_alive()) co_return;
  }
}

awaitable<void> run_connection(tcp_stream stream, asio::ip::address client, ServerThread& t) {
  ConnectionCount count(t.connections);
  if (!t.tls) {
    co_await serve_requests(stream, t, client);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  TlsStream tls(std::move(stream), *t.tls);
  auto& lowest = beast::get_lowest_layer(tls);
  lowest.expires_after(t.options.read_timeout);
  auto [ec, n] = co_await tls.async_handshake();
  if (ec) co_return;
  co_await serve_requests(tls, t, client);
  lowest.expires_after(std::chrono::seconds(1));
  co_await tls.async_shutdown();  // errors here (a peer that just closes) change nothing
}

bool out_of_descriptors(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == beast::errc::too_many_files_open_in_system ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

awaitable<void> accept_connections(ServerThread& t) {
  timer_t pause(t.io);
  bool failing = false;  // said once per run of failures, not once per attempt
  for (;;) {
    tcp::socket socket(t.io);
    tcp::endpoint peer;  // filled by accept itself: no getpeername call per connection
    auto [ec] = co_await t.acceptor.async_accept(socket, peer);
    if (t.stopping || !t.acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors: free one (the longest idle connection), breathe, and go on.
      if (!failing) log(observe::LogLevel::error, "relay: accept failed: " + ec.message() + "; retrying every 50 ms");
      failing = true;
      if (out_of_descriptors(ec)) t.idle.close_longest_idle();
      pause.expires_after(std::chrono::milliseconds(50));
      co_await pause.async_wait();
      continue;
    }
    if (failing) log(observe::LogLevel::warn, "relay: accepting connections again");
    failing = false;
    t.accepted.fetch_add(1, std::memory_order_relaxed);
    // At the cap the longest idle connection makes room; its count goes when it has closed.
    if (t.connections.fetch_add(1, std::memory_order_acq_rel) >= t.options.max_connections &&
        !t.idle.close_longest_idle()) {
      t.connections.fetch_sub(1, std::memory_order_acq_rel);
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(t.io, run_connection(tcp_stream(std::move(socket)), peer.address(), t), log_session_exception);
  }
}

void log_accept_exception(std::exception_ptr e) { log_exception(e, "accept loop"); }

tcp::endpoint resolve_listen(asio::io_context& io, const config::ListenAddress& address) {
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto results = resolver.resolve(address.host, std::to_string(address.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve listen address " + address.host + ": " + ec.message());
  return results.begin()->endpoint();
}

void open_acceptor(acceptor_t& acceptor, const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.set_option(reuse_port(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::ostringstream where;
    where << endpoint;
    throw std::runtime_error("cannot listen on " + where.str() + ": " + ec.message());
  }
}

std::shared_ptr<ssl::context> server_tls_context(const ServerOptions& options) {
  if (!options.tls_cert_file && !options.tls_key_file) return nullptr;
  if (!options.tls_cert_file || !options.tls_key_file)
    throw std::runtime_error("TLS needs both a certificate file and a key file");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain_file(*options.tls_cert_file, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + *options.tls_cert_file + ": " + ec.message());
  ctx->use_private_key_file(*options.tls_key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + *options.tls_key_file + ": " + ec.message());
  if (!options.tls_session_resumption) {
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);  // TLS 1.2 session ids, TLS 1.3 stateful tickets
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET);                // TLS 1.2 tickets
    SSL_CTX_set_num_tickets(native, 0);                           // TLS 1.3: no NewSessionTicket at all
  }
  return ctx;
}

}  // namespace

struct HttpServer::Worker : ServerThread {
  using ServerThread::ServerThread;
};

HttpServer::HttpServer(const ServerOptions& options, const HandlerFactory& make_handler)
    : options_(options), tls_(server_tls_context(options)) {
  const std::size_t threads = std::max<std::size_t>(1, options_.threads);
  for (std::size_t i = 0; i < threads; ++i)
    workers_.push_back(std::make_unique<Worker>(options_, connections_, accepted_, idle_, tls_.get()));
  // The first acceptor learns the port (the system's choice for port 0); the others share it.
  tcp::endpoint endpoint = resolve_listen(workers_.front()->io, options_.listen);
  for (auto& w : workers_) {
    open_acceptor(w->acceptor, endpoint);
    endpoint = w->acceptor.local_endpoint();
  }
  for (std::size_t i = 0; i < threads; ++i) workers_[i]->handler = make_handler(workers_[i]->io, i);
}

HttpServer::~HttpServer() { join(); }

tcp::endpoint HttpServer::local_endpoint() const { return workers_.front()->acceptor.local_endpoint(); }

void HttpServer::start() {
  for (auto& w : workers_) {
    asio::co_spawn(w->io, accept_connections(*w), log_accept_exception);
    threads_.emplace_back([&io = w->io] { io.run(); });
  }
}

void HttpServer::stop_accepting() {
  std::latch done(static_cast<std::ptrdiff_t>(workers_.size()));
  for (auto& w : workers_) {
    asio::post(w->io, [&t = *w, &done] {
      t.stopping = true;
      beast::error_code ignored;
      t.acceptor.close(ignored);
      done.count_down();
    });
  }
  done.wait();
  // No thread lists a connection as idle any more (each checks `stopping` first).
  idle_.close_all();
}

std::size_t HttpServer::connections_open() const { return connections_.load(std::memory_order_relaxed); }

std::uint64_t HttpServer::connections_accepted() const { return accepted_.load(std::memory_order_relaxed); }

bool HttpServer::wait_connections_closed(std::chrono::steady_clock::time_point deadline) {
  while (connections_.load(std::memory_order_acquire) != 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void HttpServer::join() {
  for (auto& w : workers_) {
    w->work.reset();
    w->io.stop();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace relay::net
