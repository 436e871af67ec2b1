#pragma once
// Keeps the config a relay serves in step with the live registry in its store: the
// registry's generation is read (one cheap query) and, when it moved past what LiveConfig
// serves, its entries are read and applied. `relay serve` checks every second on its main
// thread, and right after each change made through its admin API; a change made by another
// relay on the same store or by the CLI is served within about a second.
#include <functional>
#include <optional>
#include <vector>

#include "relay/net/live_config.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

struct RegistrySnapshot {
  std::int64_t generation = 0;
  std::vector<store::RegistryRow> rows;
};

// Reads the generation, then the entries (never older than the generation says). Store thread.
RegistrySnapshot read_registry(store::Outbox& outbox);

// Runs read_registry on `store` and waits for it; throws StoreError when the store fails.
// Any thread but the store worker's.
RegistrySnapshot read_registry_now(store::StoreWorker& store);

class RegistryWatch {
 public:
  // `applied` runs after a change was applied (to wake the scheduler: a destination may be
  // paused or resumed).
  RegistryWatch(store::StoreWorker& store, LiveConfig& live, std::function<void()> applied)
      : store_(store), live_(live), applied_(std::move(applied)) {}

  // Applies the registry when it changed; what did not load is logged and returned. A store
  // that cannot be read now is skipped (its health is reported elsewhere). Blocks the caller
  // until done; any thread but the store worker's.
  ReloadResult check();

 private:
  store::StoreWorker& store_;
  LiveConfig& live_;
  std::function<void()> applied_;
};

}  // namespace relay::net
