#pragma once
// Queued mode's acknowledgement: admitted events are committed to the outbox (group commit
// on the store worker) before ingress answers 202; past the backlog bound it answers 429,
// and 503 when the outbox cannot be written, so nothing is acknowledged that is not stored.
#include <functional>

#include "relay/net/asio.hpp"
#include "relay/net/backlog_gauge.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/store_health.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

// The outbox's view of admitted events: each with its deliveries' unsigned bodies. Events
// no route matched are left out (there is nothing to store for them).
std::vector<store::NewEvent> new_events(const Admitted& admitted);

class DurableIntake {
 public:
  // `stored` runs after a commit that stored deliveries (to wake the scheduler).
  DurableIntake(store::StoreWorker& store, BacklogGauge& gauge, StoreHealth& health, std::function<void()> stored)
      : store_(store), gauge_(gauge), health_(health), stored_(std::move(stored)) {}

  // Thread-safe; one call per request.
  awaitable<Answer> accept(const Admitted& admitted);

 private:
  store::StoreWorker& store_;
  BacklogGauge& gauge_;
  StoreHealth& health_;
  std::function<void()> stored_;
};

}  // namespace relay::net
