#include "relay/net/health.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace relay::net {

namespace json = boost::json;

Health::Health(observe::RelayMetrics& metrics, const StoreHealth& store, const BacklogGauge& backlog,
               std::size_t max_count, std::size_t max_bytes, bool queued)
    : metrics_(metrics), store_(store), backlog_(backlog), max_count_(max_count), max_bytes_(max_bytes), queued_(queued) {
  metrics_.registry.gauge("relay_backlog_deliveries", "Deliveries waiting in the outbox.",
                          [this] { return static_cast<double>(backlog_.stored().count); });
  metrics_.registry.gauge("relay_backlog_bytes", "Bytes of the bodies waiting in the outbox.",
                          [this] { return static_cast<double>(backlog_.stored().bytes); });
  metrics_.registry.gauge("relay_store_writable", "1 while the outbox accepts writes.",
                          [this] { return store_.status().writable ? 1.0 : 0.0; });
  metrics_.registry.gauge("relay_backlog_oldest_age_seconds",
                          "Age of the oldest delivery waiting in the outbox (0 when none), as of the last resync.",
                          [this] {
                            const auto oldest = backlog_.oldest();
                            if (!oldest) return 0.0;
                            const auto age = std::chrono::system_clock::now() - *oldest;
                            return std::max(0.0, std::chrono::duration<double>(age).count());
                          });
  metrics_.registry.labelled_gauge("relay_dead_letters", "Dead letters in the outbox, by destination.", "destination",
                                   [this] {
                                     observe::Registry::LabelledValues out;
                                     for (const auto& [name, n] : backlog_.dead_letters())
                                       out.emplace_back(name, static_cast<double>(n));
                                     return out;
                                   });
  metrics_.registry.gauge("relay_build_info", "Always 1 while relay runs.", [] { return 1.0; });
}

std::optional<Answer> Health::answer(std::string_view target) const {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/metrics") return Answer{200, metrics_.registry.render(), std::nullopt, "text/plain; version=0.0.4"};
  if (path == "/healthz") return Answer{200, R"({"status":"ok"})", std::nullopt};
  if (path != "/readyz") return std::nullopt;
  const StoreStatus store = store_.status();
  const BacklogCounts backlog = backlog_.stored();
  const bool backlog_ok = !queued_ || (backlog.count < max_count_ && backlog.bytes < max_bytes_);
  const bool ready = store.writable && backlog_ok;
  json::object body{{"ready", ready}, {"store_writable", store.writable}};
  if (!store.writable) body["store_error"] = store.error;
  if (queued_) body["backlog"] = json::object{{"deliveries", backlog.count}, {"bytes", backlog.bytes},
                                              {"max_deliveries", max_count_}, {"max_bytes", max_bytes_}};
  return Answer{ready ? 200u : 503u, json::serialize(body), ready ? std::nullopt : std::optional<unsigned>(5)};
}

void Health::count_admitted(const Admitted& admitted) const {
  metrics_.activity.received(admitted.events.size(), std::chrono::system_clock::now());
  for (const auto& e : admitted.events) metrics_.events_received.add({e.source, e.detail_type});
  for (const auto& d : admitted.deliveries) metrics_.route_matches.add({d.route});
}

void Health::count_refusal(unsigned status) const { metrics_.events_rejected.add({refusal_reason(status)}); }

void Health::count_sync_results(const std::vector<SyncResult>& results) const {
  const auto now = std::chrono::system_clock::now();
  for (const auto& r : results) {
    metrics_.deliveries.add({r.destination, r.delivered ? "delivered" : "failed"});
    if (!r.attempted) continue;
    metrics_.attempt_seconds.observe({r.destination}, std::chrono::duration<double>(r.latency).count());
    metrics_.activity.attempted(r.destination, r.delivered ? observe::Outcome::delivered : observe::Outcome::dead,
                                static_cast<int>(r.status), r.latency, now);
  }
}

std::string_view refusal_reason(unsigned status) {
  switch (status) {
    case 400: return "decode";
    case 401: return "auth";
    case 404: return "not_found";
    case 405: return "method";
    case 413: return "too_large";
    case 415: return "content_type";
    case 429: return "backlog";
    case 503: return "unavailable";
    default: return "other";
  }
}

}  // namespace relay::net
