#pragma once
// The log lines of events taken in and of synchronous deliveries, shared by `relay serve`
// and `relay lambda` so both log alike, added to the request's batch. Any thread.
#include <vector>

#include "relay/net/ingress.hpp"
#include "relay/net/log.hpp"

namespace relay::net {

// One line per accepted event (info): what came in and how many deliveries it made.
void log_accepted(const Admitted& admitted, LogBatch& lines);

// One line per synchronous delivery: "delivered" (info) or "delivery failed" (warn).
void log_sync_results(const std::vector<SyncResult>& results, LogBatch& lines);

}  // namespace relay::net
