#include "relay/net/backlog_gauge.hpp"

namespace relay::net {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

// Only the store thread writes stored figures, so load-then-store loses nothing.
void add(std::atomic<std::size_t>& a, std::size_t n) { a.store(a.load(relaxed) + n, relaxed); }
void subtract(std::atomic<std::size_t>& a, std::size_t n) {
  const std::size_t v = a.load(relaxed);
  a.store(v > n ? v - n : 0, relaxed);
}

}  // namespace

bool BacklogGauge::reserve(BacklogCounts batch) {
  const std::size_t count = reserved_count_.fetch_add(batch.count, relaxed) + batch.count;
  const std::size_t bytes = reserved_bytes_.fetch_add(batch.bytes, relaxed) + batch.bytes;
  if (stored_count_.load(relaxed) + count <= max_count_ && stored_bytes_.load(relaxed) + bytes <= max_bytes_)
    return true;
  reserved_count_.fetch_sub(batch.count, relaxed);
  reserved_bytes_.fetch_sub(batch.bytes, relaxed);
  return false;
}

void BacklogGauge::committed(BacklogCounts reserved, BacklogCounts stored) {
  // Stored first: a concurrent reserve() may see both for a moment, never neither.
  add(stored_count_, stored.count);
  add(stored_bytes_, stored.bytes);
  reserved_count_.fetch_sub(reserved.count, relaxed);
  reserved_bytes_.fetch_sub(reserved.bytes, relaxed);
}

void BacklogGauge::removed(BacklogCounts gone) {
  subtract(stored_count_, gone.count);
  subtract(stored_bytes_, gone.bytes);
  if (stored_count_.load(relaxed) == 0) oldest_.store(kNone, relaxed);
}

void BacklogGauge::resync(const store::Backlog& backlog) {
  stored_count_.store(backlog.count, relaxed);
  stored_bytes_.store(backlog.bytes, relaxed);
  oldest_.store(backlog.oldest ? backlog.oldest->time_since_epoch().count() : kNone, relaxed);
  std::lock_guard lock(dead_mutex_);
  dead_ = backlog.dead_by_destination;
}

void BacklogGauge::dead_letter(const std::string& destination) {
  std::lock_guard lock(dead_mutex_);
  ++dead_[destination];
}

BacklogCounts BacklogGauge::stored() const { return {stored_count_.load(relaxed), stored_bytes_.load(relaxed)}; }

std::optional<store::TimePoint> BacklogGauge::oldest() const {
  const std::int64_t ticks = oldest_.load(relaxed);
  if (ticks == kNone) return std::nullopt;
  return store::TimePoint(store::TimePoint::duration(ticks));
}

std::map<std::string, std::size_t> BacklogGauge::dead_letters() const {
  std::lock_guard lock(dead_mutex_);
  return dead_;
}

}  // namespace relay::net
