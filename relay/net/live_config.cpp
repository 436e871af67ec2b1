#include "relay/net/live_config.hpp"

#include "relay/net/log.hpp"

namespace relay::net {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "-" : out;
}

std::string describe(std::string_view what, const config::NamedChanges& c) {
  return std::string(what) + " added: " + joined(c.added) + "; removed: " + joined(c.removed) +
         "; changed: " + joined(c.changed);
}

}  // namespace

std::shared_ptr<const ServingConfig> LiveConfig::build(std::shared_ptr<const config::Config> config,
                                                        std::uint64_t generation) {
  auto s = std::make_shared<ServingConfig>();
  s->generation = generation;
  s->config = std::move(config);
  s->endpoints = endpoints_from(*s->config);
  s->auth.emplace(s->config->ingress, start_jwt_keys(s->config->ingress, own_jwks_, s->jwks_fetchers));
  for (const auto& [route, ingress] : s->config->route_ingress)
    s->doors.emplace(route, IngressAuthenticator(ingress, start_jwt_keys(ingress, own_jwks_, s->jwks_fetchers)));
  for (const auto& d : s->pipeline().destinations().all())
    if (d->transport().paused) s->paused.push_back(d->name());
  for (auto* io : threads_) s->senders.push_back(std::make_shared<Deliverer>(*io, s->endpoints, threads_.size()));
  return s;
}

void LiveConfig::start(std::shared_ptr<const config::Config> config, std::vector<asio::io_context*> server_threads,
                       std::int64_t registry_generation) {
  threads_ = std::move(server_threads);
  registry_ = config->registry;
  registry_generation_.store(registry_generation, std::memory_order_release);
  current_.store(build(std::move(config), 1), std::memory_order_release);
}

ReloadResult LiveConfig::reload() {
  std::lock_guard lock(reloading_);
  return load_and_swap("config reloaded", "config not reloaded");
}

ReloadResult LiveConfig::apply_registry(config::RegistryEntries entries, std::int64_t generation) {
  std::lock_guard lock(reloading_);
  if (generation <= registry_generation()) return {};
  registry_generation_.store(generation, std::memory_order_release);
  if (entries == registry_) return {};
  registry_ = std::move(entries);
  return load_and_swap("registry change applied", "registry change not applied");
}

ReloadResult LiveConfig::load_and_swap(std::string_view done, std::string_view refused) {
  ReloadResult result;
  const auto running = current();
  std::optional<config::Config> next;
  std::size_t printed = 0;  // the loader prints its problems itself, as it does at start
  if (!load_) {
    result.problems.push_back("relay serve was started without --config: there is no file to read again");
  } else {
    next = load_(registry_, result.problems);
    printed = result.problems.size();
  }
  if (next) {
    printed = 0;
    result.changes = config::diff_configs(*running->config, *next);
    result.problems = result.changes.needs_restart;
  }
  if (next && result.problems.empty()) {
    try {
      current_.store(build(std::make_shared<const config::Config>(std::move(*next)), running->generation + 1),
                     std::memory_order_release);
    } catch (const std::exception& e) {
      result.problems.push_back(e.what());
    }
  }
  if (!result.problems.empty()) {
    for (std::size_t i = printed; i < result.problems.size(); ++i)
      log(observe::LogLevel::error, "relay serve: reload: " + result.problems[i]);
    log(observe::LogLevel::error, "relay serve: " + std::string(refused) + " (" +
                                      std::to_string(result.problems.size()) +
                                      " problems); still serving the config it had");
    return result;
  }
  log_line("relay serve: " + std::string(done) + "; " + describe("routes", result.changes.routes) + "; " +
           describe("destinations", result.changes.destinations));
  return result;
}

}  // namespace relay::net
