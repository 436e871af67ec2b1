#include "relay/net/delivery_log.hpp"

namespace relay::net {

void log_accepted(const Admitted& admitted, LogBatch& lines) {
  if (!log_enabled(observe::LogLevel::info)) return;
  for (const auto& e : admitted.events)
    lines.add(observe::LogLevel::info, "event accepted",
        {{"event_id", e.id}, {"source", e.source}, {"detail_type", e.detail_type},
         {"deliveries", static_cast<std::int64_t>(e.deliveries)}});
}

void log_sync_results(const std::vector<SyncResult>& results, LogBatch& lines) {
  for (const auto& r : results) {
    const bool ok = r.delivered;
    lines.add(ok ? observe::LogLevel::info : observe::LogLevel::warn, ok ? "delivered" : "delivery failed",
        {{"destination", r.destination}, {"status", std::int64_t{r.status}}, {"error", r.error}, {"mode", "sync"}});
  }
}

}  // namespace relay::net
