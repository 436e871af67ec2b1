#pragma once
// The body of GET /admin/overview (the console's overview page):
//   {"now", "series": {"step_seconds": 60, "start", "events", "deliveries", "failures"},
//    "outcomes": {"delivered", "retry", "dead"}, "backlog": {"count", "bytes",
//    "oldest_pending_age_seconds", "dead"}, "destinations": [{"name", "paused", "last_status",
//    "last_attempt", "success_rate", "p99_ms", "dead_letters"}]}
// Times are ISO 8601 UTC; what is not known yet is null.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "relay/observe/activity.hpp"

namespace relay::observe {

struct OverviewBacklog {
  std::size_t count = 0, bytes = 0, dead = 0;
  std::optional<std::chrono::system_clock::time_point> oldest;  // the oldest pending delivery's creation
};

struct OverviewDestination {
  std::string name;
  bool paused = false;
  std::size_t dead_letters = 0;
};

// `backlog`: nullopt without an outbox (sync mode: zeros and a null age).
std::string overview_json(const Activity& activity, std::chrono::system_clock::time_point now,
                          const std::optional<OverviewBacklog>& backlog,
                          const std::vector<OverviewDestination>& destinations);

}  // namespace relay::observe
