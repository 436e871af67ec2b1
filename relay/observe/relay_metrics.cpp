#include "relay/observe/relay_metrics.hpp"

namespace relay::observe {

RelayMetrics::RelayMetrics()
    : events_received(registry.counter("relay_events_received_total", "Events accepted at the ingress.",
                                       {"source", "detail_type"})),
      events_rejected(registry.counter("relay_events_rejected_total",
                                       "Requests refused at the ingress, by reason.", {"reason"})),
      route_matches(registry.counter("relay_route_matches_total", "Events a route matched.", {"route"})),
      deliveries(registry.counter("relay_deliveries_total", "Delivery attempts by destination and outcome.",
                                  {"destination", "outcome"})),
      attempt_seconds(registry.histogram("relay_delivery_attempt_seconds", "Delivery attempt latency.",
                                         {"destination"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})) {}

}  // namespace relay::observe
