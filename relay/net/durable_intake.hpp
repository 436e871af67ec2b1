#pragma once
// Queued mode's acknowledgement: admitted events are committed to the outbox (group commit
// on the store worker) before ingress answers 202; past the backlog bound it answers 429,
// and 503 when the outbox cannot be written, so nothing is acknowledged that is not stored.
#include "relay/net/asio.hpp"
#include "relay/net/backlog_gauge.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/store_health.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

// The outbox's view of admitted events: each with its deliveries' unsigned bodies. Events
// no route matched are left out (there is nothing to store for them).
std::vector<store::NewEvent> new_events(const Admitted& admitted);

// The sender hears of what was stored from the store worker (StoreWorker::LeaseTaker).
class DurableIntake {
 public:
  DurableIntake(store::StoreWorker& store, BacklogGauge& gauge, StoreHealth& health)
      : store_(store), gauge_(gauge), health_(health) {}

  // Thread-safe; one call per request.
  awaitable<Answer> accept(const Admitted& admitted);

 private:
  store::StoreWorker& store_;
  BacklogGauge& gauge_;
  StoreHealth& health_;
};

}  // namespace relay::net
