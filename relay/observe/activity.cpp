#include "relay/observe/activity.hpp"

namespace relay::observe {

void Activity::received(std::size_t events, TimePoint now) {
  if (events) series_.add(MinuteSeries::events, now, events);
}

void Activity::attempted(std::string_view destination, Outcome outcome, int status, std::chrono::milliseconds latency,
                         TimePoint now) {
  const bool delivered = outcome == Outcome::delivered;
  series_.add(delivered ? MinuteSeries::deliveries : MinuteSeries::failures, now);
  (delivered ? delivered_ : outcome == Outcome::retry ? retry_ : dead_).fetch_add(1, std::memory_order_relaxed);
  health_.record(destination, {now, status, latency, delivered});
}

Activity::Outcomes Activity::outcomes() const {
  constexpr auto relaxed = std::memory_order_relaxed;
  return {delivered_.load(relaxed), retry_.load(relaxed), dead_.load(relaxed)};
}

}  // namespace relay::observe
