#pragma once
// What relay did since it started, as the admin overview shows it: events received and
// attempts settled per minute over the last hour, outcome totals, each destination's recent
// health. Server threads and the delivery scheduler count; any thread may read. Time is an
// argument.
#include <atomic>
#include <cstdint>

#include "relay/observe/destination_health.hpp"
#include "relay/observe/minute_series.hpp"

namespace relay::observe {

// delivered; retry: failed, to be tried again; dead: failed for good (in sync mode every
// failure: nothing tries again).
enum class Outcome { delivered, retry, dead };

class Activity {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  void received(std::size_t events, TimePoint now);
  // One attempt settled, `now` when it ended.
  void attempted(std::string_view destination, Outcome outcome, int status, std::chrono::milliseconds latency,
                 TimePoint now);

  struct Outcomes {
    std::uint64_t delivered = 0, retry = 0, dead = 0;
  };
  Outcomes outcomes() const;
  MinuteSeries::Snapshot series(TimePoint now) const { return series_.snapshot(now); }
  DestinationHealth::Report health(std::string_view destination, TimePoint now) const {
    return health_.report(destination, now);
  }

 private:
  MinuteSeries series_;
  DestinationHealth health_;
  std::atomic<std::uint64_t> delivered_{0}, retry_{0}, dead_{0};
};

}  // namespace relay::observe
