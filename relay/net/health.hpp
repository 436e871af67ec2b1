#pragma once
// What the relay tells about itself: GET /metrics (Prometheus text), /healthz (the process
// answers) and /readyz (the outbox is writable and the backlog below its bound; a stopping
// server answers 503 to everything), and the counting the ingress does for /metrics.
#include <optional>
#include <string_view>

#include "relay/net/backlog_gauge.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/store_health.hpp"
#include "relay/observe/relay_metrics.hpp"

namespace relay::net {

class Health {
 public:
  // `queued`: the outbox is in use (sync mode has neither store nor backlog to report).
  Health(observe::RelayMetrics& metrics, const StoreHealth& store, const BacklogGauge& backlog, std::size_t max_count,
         std::size_t max_bytes, bool queued);

  // The answer for GET `target` when it is one of the three paths, else nullopt.
  std::optional<Answer> answer(std::string_view target) const;

  void count_admitted(const Admitted& admitted) const;
  void count_refusal(unsigned status) const;
  void count_sync_results(const std::vector<SyncResult>& results) const;

 private:
  observe::RelayMetrics& metrics_;
  const StoreHealth& store_;
  const BacklogGauge& backlog_;
  std::size_t max_count_, max_bytes_;
  bool queued_;
};

// The reason label of a refusal: decode, auth, not_found, method, too_large,
// content_type, backlog, unavailable, other.
std::string_view refusal_reason(unsigned status);

}  // namespace relay::net
