#include "relay/observe/destination_health.hpp"

#include <algorithm>

namespace relay::observe {

void DestinationHealth::record(std::string_view destination, const Attempt& attempt) {
  std::lock_guard lock(mutex_);
  auto it = by_destination_.find(destination);
  if (it == by_destination_.end()) {
    if (by_destination_.size() >= kMaxDestinations) {
      const auto attempted_before = [](const auto& a, const auto& b) {
        return a.second.last.time < b.second.last.time;
      };
      by_destination_.erase(std::min_element(by_destination_.begin(), by_destination_.end(), attempted_before));
    }
    it = by_destination_.emplace(std::string(destination), Recent{}).first;
  }
  Recent& r = it->second;
  if (r.ring.size() < kKept)
    r.ring.push_back(attempt);
  else
    r.ring[r.next] = attempt;
  r.next = (r.next + 1) % kKept;
  if (attempt.time >= r.last.time) r.last = attempt;  // threads may settle out of order
}

DestinationHealth::Report DestinationHealth::report(std::string_view destination, TimePoint now) const {
  std::lock_guard lock(mutex_);
  const auto it = by_destination_.find(destination);
  Report out;
  if (it == by_destination_.end()) return out;
  const Recent& r = it->second;
  out.last_status = r.last.status;
  out.last_attempt = r.last.time;
  std::vector<std::chrono::milliseconds> latencies;
  std::size_t delivered = 0;
  for (const auto& a : r.ring) {
    if (a.time < now - kWindow || a.time > now) continue;
    latencies.push_back(a.latency);
    if (a.delivered) ++delivered;
  }
  if (latencies.empty()) return out;
  out.success_rate = static_cast<double>(delivered) / static_cast<double>(latencies.size());
  // Nearest rank: the smallest latency that at least 99% of the attempts are at or below.
  const std::size_t rank = (latencies.size() * 99 + 99) / 100;
  std::nth_element(latencies.begin(), latencies.begin() + static_cast<std::ptrdiff_t>(rank - 1), latencies.end());
  out.p99 = latencies[rank - 1];
  return out;
}

}  // namespace relay::observe
