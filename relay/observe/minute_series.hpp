#pragma once
// Counts per minute over the last hour (events received, deliveries made, failed attempts)
// in a ring of 60 buckets, for the admin overview's charts. Any thread may count and read:
// a count is one relaxed atomic add; the first count of a new minute resets its bucket
// under a lock (once a minute). Time is an argument.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace relay::observe {

class MinuteSeries {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  enum Kind : std::size_t { events, deliveries, failures };
  static constexpr std::size_t kKinds = 3;
  static constexpr std::size_t kMinutes = 60;

  // Counts `n` of `kind` in the minute of `now`. A count for a minute the ring has already
  // moved past (more than an hour late) is dropped.
  void add(Kind kind, TimePoint now, std::uint64_t n = 1);

  struct Snapshot {
    TimePoint start;  // the first bucket's minute
    std::array<std::array<std::uint64_t, kMinutes>, kKinds> counts{};  // [kind][minute], oldest first
  };
  // The 60 minutes ending with the minute of `now`.
  Snapshot snapshot(TimePoint now) const;

 private:
  struct Bucket {
    std::atomic<std::int64_t> minute{INT64_MIN};  // which minute the counts are of
    std::array<std::atomic<std::uint64_t>, kKinds> counts{};
  };
  std::array<Bucket, kMinutes> buckets_;
  std::mutex reset_;
};

}  // namespace relay::observe
