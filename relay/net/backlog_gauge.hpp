#pragma once
// The outbox's backlog (deliveries not yet delivered or dead) as ingress sees it, kept in
// memory so that admission never queries the database: reservations from io threads, and
// the stored figures, which only the store worker thread changes (so a resync from the
// database there is exact).
#include <atomic>
#include <cstddef>

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

  BacklogCounts stored() const;

 private:
  const std::size_t max_count_, max_bytes_;
  std::atomic<std::size_t> stored_count_{0}, stored_bytes_{0};
  std::atomic<std::size_t> reserved_count_{0}, reserved_bytes_{0};
};

}  // namespace relay::net
