#pragma once
// The relay's metric families, registered once; the server counts into them and serves
// `registry.render()` at GET /metrics. Beside them, its recent activity for the admin overview.
#include "relay/observe/activity.hpp"
#include "relay/observe/metrics.hpp"

namespace relay::observe {

struct RelayMetrics {
  RelayMetrics();

  Registry registry;
  Family& events_received;   // source, detail_type
  Family& events_rejected;   // reason: decode | auth | content_type | too_large | backlog | store | shutting_down
  Family& route_matches;     // route
  Family& deliveries;        // destination, outcome: delivered | retry | dead (sync mode: delivered | failed)
  Family& attempt_seconds;   // destination
  Activity activity;
};

}  // namespace relay::observe
