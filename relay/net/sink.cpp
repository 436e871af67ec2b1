#include "relay/net/sink.hpp"

#include <cstdio>
#include <mutex>
#include <random>
#include <sstream>

#include "relay/core/hmac_timestamp.hpp"
#include "relay/net/answer_response.hpp"
#include "relay/net/http_server.hpp"
#include "relay/net/log.hpp"
#include "relay/net/stop_signal.hpp"

namespace relay::net {

namespace {

// What every thread's handler shares: the options, the key, the failure counter, stdout.
struct SinkState {
  explicit SinkState(const SinkOptions& o) : options(o) {
    if (o.secret) key.emplace(*o.secret);
  }
  const SinkOptions& options;
  std::optional<core::HmacSha256> key;
  std::atomic<std::size_t> requests{0};
  std::mutex out;
};

class SinkHandler final : public HttpHandler {
 public:
  SinkHandler(asio::io_context& io, SinkState& state, std::uint64_t seed) : io_(io), state_(state), random_(seed) {}

  awaitable<void> handle(HttpRequest& request, HttpResponse& response, const asio::ip::address&) override {
    const SinkOptions& o = state_.options;
    if (state_.key && !core::hmac_timestamp_valid(*state_.key, request[core::kTimestampHeader], request.body(),
                                                  request[core::kSignatureHeader])) {
      to_response(error_answer(401, "missing or invalid x-amzn-event-signature"), response);
      co_return;
    }
    if (o.delay.count() > 0) {
      timer_t wait(io_, o.delay);
      co_await wait.async_wait();
    }
    const std::size_t n = state_.requests.fetch_add(1, std::memory_order_relaxed);
    const bool fail =
        n < o.fail_first || (o.fail_rate > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < o.fail_rate);
    const unsigned status = fail ? 503 : o.status;
    if (status >= 200 && status < 300) {
      print(request.body());
      to_response({status, "{\"message\": \"Webhook received\"}", std::nullopt}, response);
      co_return;
    }
    Answer answer = error_answer(status, "failure rehearsed by relay sink");
    if (status == 429 || status == 503) answer.retry_after = o.retry_after;
    to_response(std::move(answer), response);
  }

  void refuse_while_stopping(const HttpRequest&, HttpResponse& response) override {
    to_response(error_answer(503, "relay sink is stopping"), response);
  }

 private:
  void print(std::string_view body) {
    std::lock_guard lock(state_.out);
    std::fwrite(body.data(), 1, body.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

  asio::io_context& io_;
  SinkState& state_;
  std::mt19937_64 random_;
};

}  // namespace

int run_sink(const SinkOptions& options) {
  block_stop_signals();
  try {
    SinkState state(options);
    ServerOptions server_options;
    server_options.listen = options.listen;
    server_options.threads = options.threads;
    server_options.tls_cert_file = options.tls_cert_file;
    server_options.tls_key_file = options.tls_key_file;
    std::random_device seed;
    HttpServer server(server_options, [&](asio::io_context& io, std::size_t) {
      return std::make_unique<SinkHandler>(io, state, (std::uint64_t(seed()) << 32) | seed());
    });
    server.start();
    std::ostringstream url;
    const auto ep = server.local_endpoint();
    url << (server.tls() ? "https://" : "http://") << ep;
    log_line("relay sink: listening on " + url.str());
    wait_for_stop_signal();
    server.stop_accepting();
    server.wait_connections_closed(std::chrono::steady_clock::now() + std::chrono::seconds(2));
    server.join();
    return 0;
  } catch (const std::exception& e) {
    log(observe::LogLevel::error, std::string("relay sink: ") + e.what());
    return 1;
  }
}

}  // namespace relay::net
