#include "relay/net/serve.hpp"

#include <csignal>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "relay/net/admin_service.hpp"
#include "relay/net/answer_response.hpp"
#include "relay/net/bus_ingress.hpp"
#include "relay/net/console_service.hpp"
#include "relay/console/console_http.hpp"
#include "relay/net/delivery_log.hpp"
#include "relay/net/delivery_scheduler.hpp"
#include "relay/net/postgres_wakeups.hpp"
#include "relay/net/registry_watch.hpp"
#include "relay/net/durable_intake.hpp"
#include "relay/net/health.hpp"
#include "relay/net/http_server.hpp"
#include "relay/net/jwks_fetcher.hpp"
#include "relay/net/live_config.hpp"
#include "relay/net/log.hpp"
#include "relay/net/oauth_service.hpp"
#include "relay/net/open_file_limit.hpp"
#include "relay/net/stop_signal.hpp"
#include "relay/config/registry_change.hpp"
#include "relay/store/open_outbox.hpp"

namespace relay::net {

namespace {

// What the ingress sees of a request (whose body may not be read yet).
IngressRequest ingress_request(const HttpRequest& request, const IngressAuthenticator& auth) {
  Credentials credentials{
      request[http::field::authorization], {}, request["x-amzn-event-timestamp"], request["x-amzn-event-signature"]};
  if (!auth.api_key_header().empty()) credentials.api_key = request[auth.api_key_header()];
  return {request.method_string(), request.target(), request[http::field::content_type], credentials, request.body(),
          [&request](std::string_view name) -> std::string_view {
            return request[boost::beast::string_view(name.data(), name.size())];
          }};
}

// What the console sees of a request.
ConsoleRequest console_request(const HttpRequest& request, const asio::ip::address& client) {
  return {request.method_string(),
          request.target(),
          request[http::field::cookie],
          request[console::kCsrfHeader],
          request[http::field::if_none_match],
          request[http::field::content_type],
          request.body(),
          client.to_string()};
}

// What the event bus sees of a request: every header as received, and the body.
aws::HttpRequest bus_request(const HttpRequest& request) {
  aws::HttpRequest out{std::string(request.method_string()), std::string(request.target()), {}, request.body()};
  for (const auto& field : request) out.headers.emplace_back(field.name_string(), field.value());
  return out;
}

// What every server thread's handler shares; built once in run_serve.
struct IngressParts {
  const LiveConfig& live;
  DurableIntake* intake;       // null in sync mode
  const AdminService* admin;   // null when the admin API is off
  const ConsoleService* console;  // null when the admin API is off
  const OAuthService* oauth;   // null without ingress.oauth
  const Health& health;
  bool admin_elsewhere;        // admin.listen: the admin API has a listener of its own
};

// What the admin API's listener serves: /admin/... and the console (/ui).
bool is_admin_listener_target(std::string_view target) {
  return is_admin_target(target) || console::is_console_target(target);
}

class IngressHandler final : public HttpHandler {
 public:
  // `thread`: this server thread's index (its sender in every ServingConfig).
  IngressHandler(const IngressParts& parts, std::size_t thread)
      : live_(parts.live),
        thread_(thread),
        intake_(parts.intake),
        admin_(parts.admin),
        console_(parts.console),
        oauth_(parts.oauth),
        health_(parts.health),
        admin_elsewhere_(parts.admin_elsewhere) {}

  // Events are refused before their body is read when the head says enough.
  bool answer_head(const HttpRequest& head, HttpResponse& response) override {
    if (!std::string_view(head.target()).starts_with(kEventsPath)) return false;
    const auto serving = current();
    auto refused = ingress_->screen(ingress_request(head, *serving->auth), std::chrono::system_clock::now());
    if (!refused) return false;
    health_.count_refusal(refused->status);
    to_response(std::move(*refused), response);
    return true;
  }

  awaitable<void> handle(HttpRequest& request, HttpResponse& response, const asio::ip::address& client) override {
    if (request.method() == http::verb::get) {
      if (auto answer = health_.answer(request.target())) {
        to_response(std::move(*answer), response);
        co_return;
      }
    }
    if (admin_ && is_admin_listener_target(request.target())) {
      if (admin_elsewhere_)
        to_response(error_answer(404, "not found"), response);
      else {
        // Named, not a temporary in the co_await expression: g++ 12 destroys those twice.
        auto answering = answer_admin(request, response, client);
        co_await std::move(answering);
      }
      co_return;
    }
    // Held until the answer is written: the deliveries view its routes and destinations.
    const auto serving = current();
    if (oauth_ && oauth::is_oauth_target(request.target())) {
      oauth_->answer(request, response, client.to_string());
      co_return;
    }
    if (request.method() == http::verb::post && is_bus_target(request.target())) {
      const std::string request_id = new_request_id();
      to_response(co_await handle_bus(request, serving), response);
      response.set("x-amzn-RequestId", request_id);
      co_return;
    }
    auto admitted = ingress_->admit(ingress_request(request, *serving->auth), std::chrono::system_clock::now());
    if (auto* refused = std::get_if<Answer>(&admitted)) {
      health_.count_refusal(refused->status);
      to_response(std::move(*refused), response);
      co_return;
    }
    const auto& events = std::get<Admitted>(admitted);
    auto forwarded = co_await forward(events, *serving);
    to_response(forwarded.committed ? std::move(*forwarded.committed) : sync_answer(events.event_ids(), forwarded.results),
                response);
  }

  // A request for the admin listener's paths, on this handler's thread (whichever
  // listener it came to).
  awaitable<void> answer_admin(HttpRequest& request, HttpResponse& response, const asio::ip::address& client) {
    if (console::is_console_target(request.target())) {
      to_response(console_->answer(console_request(request, client)), response);
      co_return;
    }
    if (!is_admin_target(request.target())) {
      to_response(error_answer(404, "not found"), response);
      co_return;
    }
    // Without a Bearer token, a console session may stand for it.
    std::string authorization(request[http::field::authorization]);
    if (authorization.empty()) {
      auto from_session = console_->admin_authorization(console_request(request, client));
      if (auto* refused = std::get_if<Answer>(&from_session)) {
        to_response(std::move(*refused), response);
        co_return;
      }
      authorization = std::get<std::string>(std::move(from_session));
    }
    const auto serving = current();
    AdminRequest extra{request.body(), std::string(request[http::field::if_match]),
                       std::string(request[http::field::if_none_match])};
    auto answering = admin_->handle(request.method_string(), request.target(), authorization,
                                    client.to_string(), serving, serving->senders[thread_], std::move(extra));
    to_response(co_await std::move(answering), response);
  }

  void refuse_while_stopping(const HttpRequest& request, HttpResponse& response) override {
    if (request.method() == http::verb::post && is_bus_target(request.target())) {
      to_response(bus_shutting_down_answer(), response);
      response.set("x-amzn-RequestId", new_request_id());
      return;
    }
    to_response(shutting_down_answer(), response);
  }

 private:
  // The config new requests are served with, this thread's ingress made for it (again
  // after a reload).
  std::shared_ptr<const ServingConfig> current() {
    auto serving = live_.current();
    if (serving->generation != generation_) {
      const auto& config = *serving->config;
      ingress_.emplace(serving->pipeline(), *serving->auth, &serving->doors, config.ingress.max_events_per_request);
      bus_.emplace(serving->pipeline(), *serving->auth, config.ingress.aws, config.pattern_limits);
      generation_ = serving->generation;
    }
    return serving;
  }

  // PutEvents and TestEventPattern: accepted entries are committed (queued) or delivered
  // (sync) like /events events, and counted and logged like them.
  awaitable<Answer> handle_bus(const HttpRequest& request, std::shared_ptr<const ServingConfig> serving) {
    auto admitted = bus_->admit(bus_request(request), std::chrono::system_clock::now());
    if (auto* answer = std::get_if<Answer>(&admitted)) {
      if (answer->status >= 300) health_.count_refusal(answer->status);
      co_return std::move(*answer);
    }
    const auto& put = std::get<BusAdmitted>(admitted);
    for (std::size_t i = put.entry_of_event.size(); i < put.results.size(); ++i) health_.count_refusal(400);
    const auto forwarded = co_await forward(put.admitted, *serving);
    co_return forwarded.committed ? bus_queued_answer(put, *forwarded.committed)
                                  : bus_sync_answer(put, forwarded.results);
  }

  // What became of admitted events: the intake's answer (queued: committed or refused), or
  // every receiver's result (sync).
  struct Forwarded {
    std::optional<Answer> committed;
    std::vector<SyncResult> results;
  };

  // Commits the events to the outbox (queued) or delivers them now (sync) through
  // `serving`'s sender, counted and logged either way. In sync mode the accepted lines are
  // written with the delivery lines, in one call once the deliveries ended.
  awaitable<Forwarded> forward(const Admitted& events, const ServingConfig& serving) {
    LogBatch lines;
    if (intake_) {
      Answer answer = co_await intake_->accept(events);
      if (answer.status >= 300) {
        health_.count_refusal(answer.status);
      } else {
        health_.count_admitted(events);
        log_accepted(events, lines);
      }
      co_return Forwarded{std::move(answer), {}};
    }
    health_.count_admitted(events);
    log_accepted(events, lines);
    auto deliverer = serving.senders[thread_];
    auto results = co_await deliverer->deliver_now(events);
    health_.count_sync_results(results);
    log_sync_results(results, lines);
    co_return Forwarded{std::nullopt, std::move(results)};
  }

  const LiveConfig& live_;
  const std::size_t thread_;
  std::uint64_t generation_ = 0;  // of the config ingress_ and bus_ are made for
  std::optional<Ingress> ingress_;
  std::optional<BusIngress> bus_;
  DurableIntake* intake_;
  const AdminService* admin_;
  const ConsoleService* console_;
  const OAuthService* oauth_;
  const Health& health_;
  const bool admin_elsewhere_;
};

// The handler of the admin API's own listener (admin.listen): each request is answered on
// the ingress's first server thread, whose handler holds what the admin API uses (the
// thread's senders for test events), and this thread waits for it.
class AdminListenerHandler final : public HttpHandler {
 public:
  AdminListenerHandler(IngressHandler& ingress, asio::io_context& ingress_io)
      : ingress_(ingress), ingress_io_(ingress_io) {}

  awaitable<void> handle(HttpRequest& request, HttpResponse& response, const asio::ip::address& client) override {
    if (!is_admin_listener_target(request.target())) {
      to_response(error_answer(404, "not found"), response);
      co_return;
    }
    auto answering = ingress_.answer_admin(request, response, client);
    auto answered = asio::co_spawn(ingress_io_, std::move(answering), asio::use_awaitable);
    co_await std::move(answered);
  }

  void refuse_while_stopping(const HttpRequest&, HttpResponse& response) override {
    to_response(shutting_down_answer(), response);
  }

 private:
  IngressHandler& ingress_;
  asio::io_context& ingress_io_;
};

// Throws when the ingress would be open to other machines with nobody asked to
// authenticate, unless the config opened it on purpose (ingress.auth.type: none).
void refuse_open_ingress(const config::Config& config, const config::ListenAddress& listen) {
  if (config.ingress.auth != config::IngressAuth::none || config.ingress.auth_explicit || config::is_loopback(listen))
    return;
  throw std::runtime_error(
      "refusing to listen on " + config.listen +
      " without ingress authentication: anyone who can reach it could have relay sign their events. Set ingress.auth "
      "in the config (or " + config::kIngressApiKeyVariable + " without a config file), listen on 127.0.0.1, or "
      "write `ingress: {auth: {type: none}}` to leave it open on purpose");
}

// Resolves every destination's AWS credentials once, before serving, and says which
// cannot be had now and why (their deliveries wait until they can).
void check_credentials(const std::vector<Endpoint>& endpoints) {
  asio::io_context io;
  for (const auto& e : endpoints) {
    if (!e.credentials) continue;
    asio::co_spawn(io, e.credentials->get(),
                   [&e](std::exception_ptr failed, std::variant<aws::Credentials, std::string> got) {
                     if (failed) std::rethrow_exception(failed);
                     if (auto* missing = std::get_if<std::string>(&got))
                       log(observe::LogLevel::error, "relay: destination " + e.name() +
                                                         ": no AWS credentials now, its deliveries wait until "
                                                         "there are: " + *missing);
                   });
  }
  io.run();
}

// Says so when max_connections cannot all be open at once.
void check_open_file_limit(std::size_t max_connections) {
  constexpr std::size_t kFilesBesidesConnections = 64;  // outbox, listeners, delivery connections
  const OpenFileLimit files = raise_open_file_limit();
  if (max_connections + kFilesBesidesConnections <= files.soft) return;
  log(observe::LogLevel::warn,
      "relay serve: ingress.max_connections (" + std::to_string(max_connections) + ") does not fit in the open-file limit (" +
          std::to_string(files.soft) + ", hard limit " + std::to_string(files.hard) +
          "); when out of files the longest idle connection is closed. Raise the limit (ulimit -n, LimitNOFILE=) or "
          "lower max_connections");
}

ServerOptions server_options(const config::Config& config) {
  std::string problem;
  auto listen = config::parse_listen_address(config.listen, problem);
  if (!listen) throw std::runtime_error("listen: " + problem);
  refuse_open_ingress(config, *listen);
  ServerOptions o;
  o.listen = *listen;
  o.threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  o.max_body_bytes = config.ingress.max_body_bytes;
  o.max_connections = config.ingress.max_connections;
  o.read_timeout = config.ingress.read_timeout;
  o.idle_timeout = config.ingress.idle_timeout;
  o.tls_cert_file = config.ingress.tls_cert_file;
  o.tls_key_file = config.ingress.tls_key_file;
  o.tls_session_resumption = config.ingress.tls_session_resumption;
  return o;
}

// The admin API's own listener: one thread, the ingress's limits and TLS.
std::optional<ServerOptions> admin_server_options(const config::Config& config, const ServerOptions& ingress) {
  if (!config.admin.listen) return std::nullopt;
  std::string problem;
  auto listen = config::parse_listen_address(*config.admin.listen, problem);
  if (!listen) throw std::runtime_error("admin.listen: " + problem);
  ServerOptions o = ingress;
  o.listen = *listen;
  o.threads = 1;
  return o;
}

std::string url_of(const HttpServer& server) {
  std::ostringstream s;
  s << (server.tls() ? "https://" : "http://") << server.local_endpoint();
  return s.str();
}

std::unique_ptr<store::StoreWorker> open_store(const config::Config& config, BacklogGauge& gauge) {
  auto outbox = store::open_outbox(config.store, true);
  // An owned store (the SQLite file) had its leases held by a relay that is gone.
  if (const auto recovered = outbox->recover_own_leases(std::chrono::system_clock::now()))
    log(observe::LogLevel::warn, "relay serve: deliveries in flight when the last run stopped are due again",
        {{"deliveries", static_cast<std::int64_t>(recovered)}});
  gauge.resync(outbox->backlog());
  return std::make_unique<store::StoreWorker>(std::move(outbox), config.delivery.dedupe_window);
}

// The config to start with: `config`, or with a store and a loader, the file loaded again
// with the live registry's entries (when it has any). Sets `generation` to the registry's.
// Throws when they do not load together.
std::shared_ptr<const config::Config> with_registry(const config::Config& config, store::StoreWorker* store,
                                                   const ConfigLoader& load, std::int64_t& generation) {
  if (!store) return std::make_shared<const config::Config>(config);
  const RegistrySnapshot snapshot = read_registry_now(*store);
  generation = snapshot.generation;
  if (snapshot.rows.empty()) return std::make_shared<const config::Config>(config);
  if (!load) {
    log(observe::LogLevel::warn, "relay serve: the store's registry entries are not served without --config");
    return std::make_shared<const config::Config>(config);
  }
  std::vector<std::string> problems;
  auto entries = config::registry_entries(snapshot.rows, problems);
  auto loaded = problems.empty() ? load(entries, problems) : std::nullopt;
  if (!loaded) {
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    throw std::runtime_error("the live registry's entries do not load with the config file; fix the file, or change "
                             "them with relay destinations|routes put|delete:" + all);
  }
  return std::make_shared<const config::Config>(std::move(*loaded));
}

}  // namespace

int run_serve(const config::Config& config, std::chrono::milliseconds drain_timeout, ConfigLoader reload) {
  block_stop_signals(true);
  if (!config.pipeline) throw std::logic_error("run_serve: the config has no pipeline");
  const bool queued = config.delivery.mode == config::DeliveryMode::queued;
  try {
    const ServerOptions options = server_options(config);
    check_open_file_limit(options.max_connections);
    BacklogGauge gauge(config.delivery.max_backlog, config.delivery.max_backlog_bytes);
    StoreHealth health;
    // Outlives the server's threads, which await it; stopped explicitly once they are joined.
    std::unique_ptr<store::StoreWorker> store = queued ? open_store(config, gauge) : nullptr;
    std::shared_ptr<DeliveryScheduler> scheduler;  // set before the server starts
    const auto wake = [&scheduler] {
      if (scheduler) scheduler->wake();  // none in sync mode
    };
    std::optional<DurableIntake> intake;
    if (store) intake.emplace(*store, gauge, health);
    observe::RelayMetrics metrics;
    const Health observed(metrics, health, gauge, config.delivery.max_backlog, config.delivery.max_backlog_bytes,
                          queued);
    std::optional<OAuthService> token_endpoint;
    if (config.ingress.oauth)
      token_endpoint.emplace(
          oauth::TokenEndpoint(*config.ingress.oauth, oauth_signing_key(*config.ingress.oauth, store.get())));
    const std::string own_jwks = token_endpoint ? token_endpoint->jwks() : std::string();
    // A reloaded config must not open the listener to everyone either.
    const bool reloadable = static_cast<bool>(reload);
    const auto checked = [load = std::move(reload), listen = options.listen](const config::RegistryEntries& entries,
                                                                            std::vector<std::string>& problems) {
      auto next = load(entries, problems);
      try {
        if (next) refuse_open_ingress(*next, listen);
      } catch (const std::runtime_error& e) {
        log(observe::LogLevel::error, std::string("relay serve: reload: ") + e.what());
        problems.emplace_back(e.what());
        next.reset();
      }
      return next;
    };
    // Let go once the server threads are joined (its senders use their io_contexts).
    LiveConfig live(reloadable ? ConfigLoader(checked) : ConfigLoader(), own_jwks);
    std::int64_t registry_generation = 0;
    auto first = with_registry(config, store.get(), reloadable ? ConfigLoader(checked) : ConfigLoader(),
                               registry_generation);
    // The live registry needs a store to keep it and a file to load it with.
    std::optional<RegistryWatch> registry;
    if (store && reloadable) registry.emplace(*store, live, wake);
    std::optional<AdminService> admin;
    std::optional<ConsoleService> console;
    if (!config.admin.token.empty()) {
      admin.emplace(config.admin.token, store.get(), health, gauge, metrics.activity, live, wake,
                    registry ? &*registry : nullptr);
      console.emplace(config.admin.token, *admin, options.tls_cert_file && options.tls_key_file);
    }
    const auto admin_options = admin ? admin_server_options(config, options) : std::nullopt;

    const IngressParts parts{live,
                             intake ? &*intake : nullptr,
                             admin ? &*admin : nullptr,
                             console ? &*console : nullptr,
                             token_endpoint ? &*token_endpoint : nullptr,
                             observed,
                             admin_options.has_value()};
    std::vector<asio::io_context*> threads(options.threads);
    std::vector<IngressHandler*> handlers(options.threads);
    // Outlives the ingress server: requests it handed to the ingress threads end with them.
    std::optional<HttpServer> admin_server;
    HttpServer server(options, [&](asio::io_context& io, std::size_t index) {
      threads.at(index) = &io;
      auto handler = std::make_unique<IngressHandler>(parts, index);
      handlers.at(index) = handler.get();
      return handler;
    });
    metrics.registry.gauge("relay_ingress_connections", "Connections open at the ingress listener.",
                           [&server] { return static_cast<double>(server.connections_open()); });
    metrics.registry.counter_read("relay_ingress_connections_accepted_total",
                                  "Connections the ingress listener accepted since start.",
                                  [&server] { return static_cast<double>(server.connections_accepted()); });
    if (admin_options) {
      try {
        admin_server.emplace(*admin_options, [&](asio::io_context&, std::size_t) {
          return std::make_unique<AdminListenerHandler>(*handlers.front(), *threads.front());
        });
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("admin.listen: ") + e.what());
      }
    }
    live.start(std::move(first), threads, registry_generation);
    check_credentials(live.current()->endpoints);
    if (store) {
      std::random_device seed;
      scheduler = std::make_shared<DeliveryScheduler>(*threads.front(), live, *store, gauge, health,
                                                      scheduler_options(config), (std::uint64_t(seed()) << 32) | seed(),
                                                      metrics);
      scheduler->start();
      store->lease_on_accept(scheduler);
    }
    // Another relay on the same PostgreSQL outbox stored or replayed deliveries: send them now.
    std::optional<PostgresWakeups> wakeups;
    if (store && config.store.type == store::StoreType::postgres) wakeups.emplace(config.store.url, wake);
    server.start();
    if (admin_server) admin_server->start();
    const std::string admin_said = !admin          ? ""
                                   : admin_server ? ", admin API on " + url_of(*admin_server)
                                                  : ", admin API on";
    log_line("relay serve: listening on " + url_of(server) + " (" +
             (queued ? "queued delivery, outbox " + store::store_description(config.store) : std::string("sync delivery")) + ", " +
             std::to_string(options.threads) + " threads" + admin_said +
             (token_endpoint ? ", OAuth token endpoint on" : "") + ")");

    // Between signals, every second: has another relay or the CLI changed the registry?
    int signal = 0;
    while ((signal = wait_for_stop_signal_for(true, std::chrono::seconds(1))) == 0 || signal == SIGHUP) {
      if (signal == SIGHUP && live.reload().problems.empty()) wake();  // destinations may be paused or resumed
      if (signal == 0 && registry) registry->check();
    }
    const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
    if (admin_server) admin_server->stop_accepting();
    server.stop_accepting();
    log_line("relay serve: signal " + std::to_string(signal) + ", stopped accepting; draining");
    const bool admin_closed = !admin_server || admin_server->wait_connections_closed(deadline);
    if (!server.wait_connections_closed(deadline) || !admin_closed)
      log_line("relay serve: connections still open at the deadline");
    if (scheduler && !scheduler->drain(deadline))
      log_line("relay serve: deliveries unfinished at the deadline stay in the outbox for the next start");
    // The admin listener's requests run on the ingress's threads: it goes first.
    if (admin_server) admin_server->join();
    server.join();
    wakeups.reset();
    // The senders' sockets belong to the server's io_contexts: let them go first.
    if (store) store->lease_on_accept(nullptr);
    scheduler.reset();
    live.release();
    store.reset();
    log_line("relay serve: stopped");
    return 0;
  } catch (const std::exception& e) {
    log(observe::LogLevel::error, std::string("relay serve: ") + e.what());
    return 1;
  }
}

}  // namespace relay::net
