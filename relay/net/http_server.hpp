#pragma once
// An HTTP/1.1 server (optionally TLS): one io_context and one SO_REUSEPORT acceptor per
// thread, one coroutine per connection, limits and timeouts from ServerOptions, and a
// graceful stop. At max_connections (or out of file descriptors) the connection that has
// waited longest for a request is closed to make room. What it answers is up to a
// per-thread HttpHandler; a handler that throws gets the client a 500.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "relay/net/asio.hpp"
#include "relay/config/listen_address.hpp"
#include "relay/net/idle_connections.hpp"

namespace relay::net {

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct ServerOptions {
  config::ListenAddress listen;
  std::size_t threads = 1;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers
  std::size_t max_connections = 10000;
  std::chrono::milliseconds read_timeout{10000};  // to receive a whole request
  std::chrono::milliseconds idle_timeout{60000};  // between requests on a kept-alive connection
  std::optional<std::string> tls_cert_file;       // PEM chain; TLS when both are set
  std::optional<std::string> tls_key_file;
  // false: no session cache and no session tickets, so every connection makes a full handshake.
  bool tls_session_resumption = true;
};

// Answers requests on one server thread. `handle` runs on that thread's io_context and
// fills `response` (status, body, headers); the server sets version and keep-alive.
// `client` is the peer's address.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual awaitable<void> handle(HttpRequest& request, HttpResponse& response, const asio::ip::address& client) = 0;
  // Called with the request's head (its body not read yet, nor 100 Continue sent): true
  // when it filled `response` from the head alone. The body is then never read and the
  // connection closes after the answer.
  virtual bool answer_head(const HttpRequest& /*head*/, HttpResponse& /*response*/) { return false; }
  // The answer to `request` when it arrives while the server is stopping.
  virtual void refuse_while_stopping(const HttpRequest& request, HttpResponse& response) = 0;
};

class HttpServer {
 public:
  // Makes thread `index`'s handler; called once per thread, before `start`.
  using HandlerFactory = std::function<std::unique_ptr<HttpHandler>(asio::io_context& io, std::size_t index)>;

  // Binds the listening sockets and loads the TLS files; throws std::runtime_error with
  // the reason when it cannot.
  HttpServer(const ServerOptions& options, const HandlerFactory& make_handler);
  ~HttpServer();

  tcp::endpoint local_endpoint() const;
  bool tls() const { return static_cast<bool>(tls_); }

  // Any thread: connections open now, accepted since start (those closed at
  // max_connections too), and waiting for a request now.
  std::size_t connections_open() const;
  std::uint64_t connections_accepted() const;
  std::size_t connections_idle() { return idle_.waiting(); }

  // Runs every thread's io_context in its own thread.
  void start();

  // Stops accepting, closes idle connections and refuses further requests (503 from the
  // handler); returns once every thread has done so.
  void stop_accepting();

  // Waits until no connection is open (true) or `deadline` passes (false).
  bool wait_connections_closed(std::chrono::steady_clock::time_point deadline);

  // Stops the io_contexts (abandoning what still runs) and joins the threads.
  void join();

 private:
  struct Worker;
  ServerOptions options_;
  std::shared_ptr<ssl::context> tls_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> accepted_{0};
  IdleConnections idle_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace relay::net
