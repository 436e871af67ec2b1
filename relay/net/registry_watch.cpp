#include "relay/net/registry_watch.hpp"

#include <future>

#include "relay/config/registry_change.hpp"
#include "relay/net/log.hpp"

namespace relay::net {

RegistrySnapshot read_registry(store::Outbox& outbox) {
  RegistrySnapshot snapshot;
  snapshot.generation = outbox.registry_generation();
  snapshot.rows = outbox.registry();
  return snapshot;
}

RegistrySnapshot read_registry_now(store::StoreWorker& store) {
  struct Read {
    RegistrySnapshot snapshot;
    std::promise<void> done;
  };
  auto read = std::make_shared<Read>();
  auto finished = read->done.get_future();
  store.post([read](store::Outbox& outbox) { read->snapshot = read_registry(outbox); },
             [read](const std::string& error) {
               read->done.set_exception(std::make_exception_ptr(store::StoreError(error)));
             },
             [read] { read->done.set_value(); });
  finished.get();
  return std::move(read->snapshot);
}

ReloadResult RegistryWatch::check() {
  RegistrySnapshot snapshot;
  try {
    snapshot = read_registry_now(store_);
  } catch (const store::StoreError& e) {
    log(observe::LogLevel::debug, std::string("relay serve: registry not checked: ") + e.what());
    return {};
  }
  if (snapshot.generation <= live_.registry_generation()) return {};
  std::vector<std::string> unreadable;
  auto entries = config::registry_entries(snapshot.rows, unreadable);
  for (const auto& problem : unreadable) log(observe::LogLevel::error, "relay serve: registry: " + problem);
  ReloadResult result = live_.apply_registry(std::move(entries), snapshot.generation);
  if (result.problems.empty()) applied_();
  return result;
}

}  // namespace relay::net
