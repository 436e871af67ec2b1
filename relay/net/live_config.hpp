#pragma once
// The config `relay serve` serves new events with, and its reload (SIGHUP, POST /admin/reload).
// A ServingConfig is immutable once made; LiveConfig holds the current one and swaps it
// whole, on a reload and when the live registry's entries change (the file read again
// with them, the same way). Readers (server threads per request, the scheduler per delivery, the admin API)
// take the current one and hold it for as long as they use what it owns, so a reload never
// pulls anything from under a request or a delivery in flight.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "relay/config/config_diff.hpp"
#include "relay/net/deliverer.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/jwks_fetcher.hpp"
#include "relay/net/serve.hpp"

namespace relay::net {

// A config and everything built from it for serving.
struct ServingConfig {
  std::uint64_t generation = 0;  // 1 for the config relay started with, +1 per reload
  std::shared_ptr<const config::Config> config;
  std::vector<Endpoint> endpoints;
  std::vector<std::unique_ptr<JwksFetcher>> jwks_fetchers;  // the doors' key fetchers, stopped with it
  std::optional<IngressAuthenticator> auth;                 // ingress.auth
  RouteDoors doors;                                         // routes with request.auth
  std::vector<std::string> paused;                          // destinations whose deliveries stay pending
  std::vector<std::shared_ptr<Deliverer>> senders;          // one per server thread, in thread order

  const pipeline::Pipeline& pipeline() const { return *config->pipeline; }
};

// What a reload did: applied when `problems` is empty.
struct ReloadResult {
  std::vector<std::string> problems;
  config::ConfigChanges changes;
};

class LiveConfig {
 public:
  // `own_jwks`: relay's token endpoint's keys (ingress.oauth), for jwt doors without jwks_url.
  // Without `load`, reloads and registry entries are refused.
  LiveConfig(ConfigLoader load, std::string own_jwks) : load_(std::move(load)), own_jwks_(std::move(own_jwks)) {}

  // Serves `config` with one Deliverer per io_context (the server threads'); once, before
  // serving. Throws std::runtime_error for what endpoints_from refuses.
  // `registry_generation`: the registry's generation `config->registry` was read at.
  void start(std::shared_ptr<const config::Config> config, std::vector<asio::io_context*> server_threads,
             std::int64_t registry_generation = 0);

  // Whether registry entries can be served (there is a file to load them with).
  bool takes_registry() const { return static_cast<bool>(load_); }
  // The registry generation the current entries were read at. Any thread.
  std::int64_t registry_generation() const { return registry_generation_.load(std::memory_order_acquire); }

  // Any thread.
  std::shared_ptr<const ServingConfig> current() const { return current_.load(std::memory_order_acquire); }

  // Loads the config again and, when it is whole and changes nothing fixed at start, serves
  // new events with it. Logs every problem, or what changed. Any thread; one at a time (it
  // blocks the caller while the file is read and secrets and JWT keys are fetched).
  ReloadResult reload();

  // Loads the config again with the registry's `entries` as read at `generation`, as reload()
  // does; nothing when entries of that generation or a later one are already in use. A config
  // that does not load keeps serving the one before, and the entries are kept for the next
  // reload. Any thread; one at a time, like reload().
  ReloadResult apply_registry(config::RegistryEntries entries, std::int64_t generation);

  // Lets the current config go (its senders belong to the server's io_contexts); after the
  // server threads are joined and nothing reads it any more.
  void release() { current_.store(nullptr, std::memory_order_release); }

 private:
  std::shared_ptr<const ServingConfig> build(std::shared_ptr<const config::Config> config, std::uint64_t generation);
  // Loads with registry_ and swaps the result in; `done` / `refused` start its log line.
  // The caller holds reloading_.
  ReloadResult load_and_swap(std::string_view done, std::string_view refused);

  const ConfigLoader load_;
  const std::string own_jwks_;
  std::vector<asio::io_context*> threads_;
  std::mutex reloading_;
  config::RegistryEntries registry_;  // guarded by reloading_
  std::atomic<std::int64_t> registry_generation_{0};
  std::atomic<std::shared_ptr<const ServingConfig>> current_;
};

}  // namespace relay::net
