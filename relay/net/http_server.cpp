#include "relay/net/http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <latch>
#include <list>
#include <sstream>
#include <stdexcept>

#include "relay/net/log.hpp"

namespace relay::net {

namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// A connection as the stopping server sees it: idle ones are closed at once.
struct SessionEntry {
  tcp_stream* stream;
  bool idle = false;
};

struct ServerThread {
  ServerThread(const ServerOptions& o, std::atomic<std::size_t>& c, ssl::context* t)
      : options(o), connections(c), tls(t) {}

  const ServerOptions& options;
  std::atomic<std::size_t>& connections;
  ssl::context* tls;
  // Outlives `io`: coroutines that never finished unregister when `io` destroys them.
  std::list<SessionEntry*> sessions;
  bool stopping = false;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  acceptor_t acceptor{io};
  // Destroyed before `io`, so its sockets go while their services exist; coroutines that
  // use its parts after that hold them by shared_ptr.
  std::unique_ptr<HttpHandler> handler;
};

class SessionRegistration {
 public:
  SessionRegistration(ServerThread& t, SessionEntry& e) : list_(t.sessions), it_(list_.insert(list_.end(), &e)) {}
  ~SessionRegistration() { list_.erase(it_); }
  SessionRegistration(const SessionRegistration&) = delete;
  SessionRegistration& operator=(const SessionRegistration&) = delete;

 private:
  std::list<SessionEntry*>& list_;
  std::list<SessionEntry*>::iterator it_;
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

template <class Stream>
awaitable<void> serve_requests(Stream& stream, ServerThread& t) {
  auto& lowest = beast::get_lowest_layer(stream);
  const ServerOptions& options = t.options;
  beast::flat_buffer buffer;
  SessionEntry entry{&lowest};
  SessionRegistration registration(t, entry);

  for (bool first = true;; first = false) {
    if (t.stopping) co_return;
    if (!first && buffer.size() == 0) {
      entry.idle = true;
      lowest.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192));
      entry.idle = false;
      if (ec) co_return;
      buffer.commit(n);
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    lowest.expires_after(options.read_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser);
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
        auto [wec, wn] = co_await http::async_write(stream, res);
        // Read what the client still sends (the rest of a large body) before closing, or
        // the close resets the connection and the client may never see the answer.
        lowest.expires_after(std::chrono::seconds(1));
        for (std::size_t drained = 0; !wec && drained < 4 * options.max_body_bytes;) {
          auto [dec, dn] = co_await stream.async_read_some(buffer.prepare(64 * 1024));
          if (dec) break;
          drained += dn;
        }
      }
      co_return;
    }

    HttpRequest& request = parser.get();
    HttpResponse response;
    if (t.stopping)
      t.handler->refuse_while_stopping(response);
    else
      co_await t.handler->handle(request, response);
    response.version(request.version());
    response.keep_alive(request.keep_alive() && !t.stopping);
    response.prepare_payload();
    lowest.expires_after(options.read_timeout);
    auto [wec, wn] = co_await http::async_write(stream, response);
    if (wec || !response.keep_alive()) co_return;
  }
}

awaitable<void> run_connection(tcp_stream stream, ServerThread& t) {
  ConnectionCount count(t.connections);
  if (!t.tls) {
    co_await serve_requests(stream, t);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  tls_stream tls(std::move(stream), *t.tls);
  auto& lowest = beast::get_lowest_layer(tls);
  lowest.expires_after(t.options.read_timeout);
  auto [ec] = co_await tls.async_handshake(ssl::stream_base::server);
  if (ec) co_return;
  co_await serve_requests(tls, t);
  lowest.expires_after(std::chrono::seconds(1));
  co_await tls.async_shutdown();  // errors here (a peer that just closes) change nothing
}

awaitable<void> accept_connections(ServerThread& t) {
  timer_t pause(t.io);
  for (;;) {
    auto [ec, socket] = co_await t.acceptor.async_accept();
    if (t.stopping || !t.acceptor.is_open()) co_return;
    if (ec) {
      // EMFILE and friends: say so, breathe, and go on accepting.
      log(observe::LogLevel::error, "relay: accept failed: " + ec.message());
      pause.expires_after(std::chrono::milliseconds(50));
      co_await pause.async_wait();
      continue;
    }
    if (t.connections.fetch_add(1, std::memory_order_acq_rel) >= t.options.max_connections) {
      t.connections.fetch_sub(1, std::memory_order_acq_rel);
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(t.io, run_connection(tcp_stream(std::move(socket)), t), log_session_exception);
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
    workers_.push_back(std::make_unique<Worker>(options_, connections_, tls_.get()));
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
      for (SessionEntry* s : t.sessions)
        if (s->idle) s->stream->cancel();
      done.count_down();
    });
  }
  done.wait();
}

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
