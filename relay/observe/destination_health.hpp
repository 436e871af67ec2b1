#pragma once
// Each destination's recent delivery attempts, for the admin overview: its last attempt
// (status, time) and, over its attempts of the last kWindow (at most kKept of them), the
// share delivered and the 99th percentile latency. Memory is bounded: kKept attempts per
// destination and kMaxDestinations destinations (past that, the one attempted longest ago
// is forgotten). Any thread may record and report (one lock). Time is an argument.
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::observe {

class DestinationHealth {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  static constexpr std::chrono::minutes kWindow{15};
  static constexpr std::size_t kKept = 1000;
  static constexpr std::size_t kMaxDestinations = 1024;

  struct Attempt {
    TimePoint time;  // when it ended
    int status = 0;  // 0: no answer came
    std::chrono::milliseconds latency{0};
    bool delivered = false;
  };
  void record(std::string_view destination, const Attempt& attempt);

  struct Report {
    std::optional<int> last_status;             // none: never attempted since start
    std::optional<TimePoint> last_attempt;
    std::optional<double> success_rate;         // 0..1; none: no attempt within the window
    std::optional<std::chrono::milliseconds> p99;  // nearest rank
  };
  Report report(std::string_view destination, TimePoint now) const;

 private:
  struct Recent {
    std::vector<Attempt> ring;  // up to kKept, oldest overwritten first
    std::size_t next = 0;
    Attempt last;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Recent, std::less<>> by_destination_;
};

}  // namespace relay::observe
