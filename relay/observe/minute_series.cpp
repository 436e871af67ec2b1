#include "relay/observe/minute_series.hpp"

namespace relay::observe {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::int64_t minute_of(MinuteSeries::TimePoint t) {
  return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count();
}

std::size_t slot_of(std::int64_t minute) {
  const auto n = static_cast<std::int64_t>(MinuteSeries::kMinutes);
  return static_cast<std::size_t>(((minute % n) + n) % n);
}

}  // namespace

void MinuteSeries::add(Kind kind, TimePoint now, std::uint64_t n) {
  const std::int64_t minute = minute_of(now);
  Bucket& b = buckets_[slot_of(minute)];
  if (b.minute.load(std::memory_order_acquire) != minute) {
    std::lock_guard lock(reset_);
    const std::int64_t held = b.minute.load(relaxed);
    if (held > minute) return;
    if (held != minute) {
      for (auto& c : b.counts) c.store(0, relaxed);
      b.minute.store(minute, std::memory_order_release);
    }
  }
  b.counts[kind].fetch_add(n, relaxed);
}

MinuteSeries::Snapshot MinuteSeries::snapshot(TimePoint now) const {
  const std::int64_t last = minute_of(now);
  const std::int64_t first = last - static_cast<std::int64_t>(kMinutes) + 1;
  Snapshot s;
  s.start = TimePoint(std::chrono::minutes(first));
  for (std::size_t i = 0; i < kMinutes; ++i) {
    const std::int64_t minute = first + static_cast<std::int64_t>(i);
    const Bucket& b = buckets_[slot_of(minute)];
    if (b.minute.load(std::memory_order_acquire) != minute) continue;
    std::array<std::uint64_t, kKinds> read{};
    for (std::size_t k = 0; k < kKinds; ++k) read[k] = b.counts[k].load(relaxed);
    if (b.minute.load(std::memory_order_acquire) != minute) continue;  // reset while read: a newer minute's
    for (std::size_t k = 0; k < kKinds; ++k) s.counts[k][i] = read[k];
  }
  return s;
}

}  // namespace relay::observe
