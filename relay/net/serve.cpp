#include "relay/net/serve.hpp"

#include <random>
#include <sstream>
#include <thread>

#include "relay/net/answer_response.hpp"
#include "relay/net/deliverer.hpp"
#include "relay/net/http_server.hpp"
#include "relay/net/log.hpp"
#include "relay/net/stop_signal.hpp"

namespace relay::net {

namespace {

class IngressHandler final : public HttpHandler {
 public:
  IngressHandler(const pipeline::Pipeline& pipeline, const IngressAuthenticator& auth, Outbox& outbox,
                 std::shared_ptr<Deliverer> deliverer, config::DeliveryMode mode)
      : ingress_(pipeline, auth), auth_(auth), outbox_(outbox), deliverer_(std::move(deliverer)), mode_(mode) {}

  awaitable<void> handle(HttpRequest& request, HttpResponse& response) override {
    Credentials credentials{
        request[http::field::authorization], {}, request["x-amzn-event-timestamp"], request["x-amzn-event-signature"]};
    if (!auth_.api_key_header().empty()) credentials.api_key = request[auth_.api_key_header()];
    const IngressRequest in{request.method_string(), request.target(), request[http::field::content_type], credentials,
                            request.body()};
    auto admitted = ingress_.admit(in, std::chrono::system_clock::now());
    if (auto* refused = std::get_if<Answer>(&admitted)) {
      to_response(std::move(*refused), response);
      co_return;
    }
    auto& events = std::get<Admitted>(admitted);
    if (mode_ == config::DeliveryMode::sync) {
      auto deliverer = deliverer_;
      const auto results = co_await deliverer->deliver_now(events.deliveries);
      to_response(sync_answer(events.event_ids, results), response);
    } else if (!outbox_.put(events.deliveries)) {
      to_response(backlog_full_answer(), response);
    } else {
      to_response(accepted_answer(events.event_ids), response);
      deliverer_->enqueue(std::move(events.deliveries));
    }
  }

  void refuse_while_stopping(HttpResponse& response) override { to_response(shutting_down_answer(), response); }

 private:
  Ingress ingress_;
  const IngressAuthenticator& auth_;
  Outbox& outbox_;
  std::shared_ptr<Deliverer> deliverer_;
  config::DeliveryMode mode_;
};

std::vector<Endpoint> endpoints_from(const config::Config& config) {
  std::vector<Endpoint> out;
  for (std::size_t i = 0; i < config.destinations.size(); ++i) {
    const auto& d = config.destinations[i];
    auto url = parse_http_url(d.url);
    if (!url) throw std::runtime_error("destination " + d.name + ": not an http(s) URL: " + d.url);
    const config::DestinationOptions options =
        i < config.destination_options.size() ? config.destination_options[i] : config::DestinationOptions{};
    auto tls = url->tls ? client_tls_context(options.ca_file) : nullptr;
    out.push_back({d.name, std::move(*url), options, std::move(tls)});
  }
  return out;
}

ServerOptions server_options(const config::Config& config) {
  auto listen = parse_listen_address(config.listen);
  if (!listen) throw std::runtime_error("listen: expected ADDRESS:PORT, got \"" + config.listen + "\"");
  ServerOptions o;
  o.listen = *listen;
  o.threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  o.max_body_bytes = config.ingress.max_body_bytes;
  o.max_connections = config.ingress.max_connections;
  o.read_timeout = config.ingress.read_timeout;
  o.idle_timeout = config.ingress.idle_timeout;
  o.tls_cert_file = config.ingress.tls_cert_file;
  o.tls_key_file = config.ingress.tls_key_file;
  return o;
}

std::string url_of(const HttpServer& server) {
  std::ostringstream s;
  s << (server.tls() ? "https://" : "http://") << server.local_endpoint();
  return s.str();
}

}  // namespace

int run_serve(const config::Config& config, std::chrono::milliseconds drain_timeout) {
  block_stop_signals();
  if (!config.pipeline) throw std::logic_error("run_serve: the config has no pipeline");
  const pipeline::Pipeline& pipeline = *config.pipeline;
  try {
    const std::vector<Endpoint> endpoints = endpoints_from(config);
    const ServerOptions options = server_options(config);
    const IngressAuthenticator auth(config.ingress);
    MemoryOutbox outbox(config.delivery.max_backlog);
    std::random_device seed;
    HttpServer server(options, [&](asio::io_context& io, std::size_t) {
      auto deliverer =
          std::make_shared<Deliverer>(io, endpoints, outbox, options.threads, (std::uint64_t(seed()) << 32) | seed());
      return std::make_unique<IngressHandler>(pipeline, auth, outbox, std::move(deliverer), config.delivery.mode);
    });
    server.start();
    log_line("relay serve: listening on " + url_of(server) + " (" +
             (config.delivery.mode == config::DeliveryMode::sync ? "sync" : "queued") + " delivery, " +
             std::to_string(options.threads) + " threads)");

    const int signal = wait_for_stop_signal();
    const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
    server.stop_accepting();
    log_line("relay serve: signal " + std::to_string(signal) + ", stopped accepting; draining");
    if (!server.wait_connections_closed(deadline)) log_line("relay serve: connections still open at the deadline");
    while (outbox.pending() != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (const auto left = outbox.pending())
      log_line("relay serve: " + std::to_string(left) + " deliveries unfinished at the deadline");
    server.join();
    log_line("relay serve: stopped");
    return 0;
  } catch (const std::exception& e) {
    log_line(std::string("relay serve: ") + e.what());
    return 1;
  }
}

}  // namespace relay::net
