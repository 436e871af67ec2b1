#pragma once
// Events and attempts the outbox tests store, at a fixed time t0.
#include "relay/store/outbox.hpp"

#include <string>
#include <vector>

namespace relay::store::testing_samples {

using namespace std::chrono_literals;
inline const TimePoint t0 = TimePoint(std::chrono::hours(24 * 20000));

// One delivery per destination, on route "ecs", with a body naming the event.
inline NewEvent event(const std::string& id, std::vector<std::string> destinations = {"hook"}) {
  NewEvent e{id, "aws.ecs", "ECS Task State Change", {}};
  for (auto& d : destinations) e.deliveries.push_back({"ecs", d, "application/json", "{\"id\": \"" + id + "\"}"});
  return e;
}

inline Attempt answered(TimePoint at, int status) { return Attempt{at, 12ms, status, "", "ok"}; }

}  // namespace relay::store::testing_samples
