#pragma once
// The outbox's backlog (deliveries not yet delivered or dead) as ingress sees it, kept in
// memory so that admission never queries the database: reservations from io threads, and
// the stored figures, which only the store worker thread changes (so a resync from the
// database there is exact). It also keeps, for /metrics and the admin overview, the oldest
// pending delivery's age and the dead letters per destination.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "relay/store/outbox.hpp"

namespace relay::net {

struct BacklogCounts {
  std::size_t count = 0;
  std::size_t bytes = 0;
};

class BacklogGauge {
 public:
  BacklogGauge(std::size_t max_count, std::size_t max_bytes) : max_count_(max_count), max_bytes_(max_bytes) {}

  // Any thread: reserves room for deliveries about to be stored; false, with nothing
  // reserved, when they would take the backlog past either bound.
  bool reserve(BacklogCounts batch);

  // Store thread: a reservation ended; `stored` of it is in the outbox now (less than
  // reserved for duplicates, nothing when the commit failed).
  void committed(BacklogCounts reserved, BacklogCounts stored);
  // Store thread: deliveries left the backlog (delivered or dead).
  void removed(BacklogCounts gone);
  // Store thread: the database's own figures (after a replay, a prune, another process).
  void resync(const store::Backlog& backlog);

  // Store thread: one more dead letter for `destination` (an attempt recorded as dead).
  void dead_letter(const std::string& destination);

  // Any thread, as are the next two.
  BacklogCounts stored() const;
  // The oldest pending delivery's creation as of the last resync; none once the backlog is empty.
  std::optional<store::TimePoint> oldest() const;
  // Dead letters per destination: the last resync's, plus those recorded since.
  std::map<std::string, std::size_t> dead_letters() const;

 private:
  const std::size_t max_count_, max_bytes_;
  std::atomic<std::size_t> stored_count_{0}, stored_bytes_{0};
  std::atomic<std::size_t> reserved_count_{0}, reserved_bytes_{0};
  static constexpr std::int64_t kNone = INT64_MIN;
  std::atomic<std::int64_t> oldest_{kNone};  // system_clock ticks since the epoch
  mutable std::mutex dead_mutex_;
  std::map<std::string, std::size_t> dead_;
};

}  // namespace relay::net
