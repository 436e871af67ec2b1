#include "relay/net/retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

namespace relay::net {

std::optional<std::chrono::milliseconds> retry_delay(const destination::RetryPolicy& policy, std::size_t retry,
                                                     std::optional<std::chrono::milliseconds> retry_after,
                                                     double unit_random) {
  if (retry >= policy.schedule.size()) return std::nullopt;
  const double base = static_cast<double>(policy.schedule[retry].count());
  const double spread = base * policy.jitter * (2 * unit_random - 1);
  auto delay = std::chrono::milliseconds(static_cast<long long>(std::max(0.0, base + spread)));
  if (retry_after) delay = std::max(delay, std::min(*retry_after, kMaxRetryAfter));
  return delay;
}

Settlement settle(const destination::RetryPolicy& policy, int attempt, destination::Verdict verdict,
                  std::optional<std::chrono::milliseconds> retry_after, double unit_random) {
  switch (verdict) {
    case destination::Verdict::delivered: return {store::Verdict::delivered, {}};
    case destination::Verdict::dead: return {store::Verdict::dead, {}};
    case destination::Verdict::retry: break;
  }
  const auto delay = retry_delay(policy, static_cast<std::size_t>(std::max(attempt, 1) - 1), retry_after, unit_random);
  if (!delay) return {store::Verdict::dead, {}};
  return {store::Verdict::retry, *delay};
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  using std::chrono::seconds;
  // Whole seconds throughout: a date past 2262 does not fit system_clock's nanoseconds.
  const auto capped = [](seconds wait) {
    return std::chrono::milliseconds(std::clamp(wait, seconds(0), std::chrono::ceil<seconds>(kMaxRetryAfter)));
  };
  long long delay_seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), delay_seconds);
  if (ec == std::errc{} && end == value.data() + value.size()) {
    if (delay_seconds < 0) return std::nullopt;
    return capped(seconds(delay_seconds));
  }
  if (ec == std::errc::result_out_of_range && end == value.data() + value.size() && value.front() != '-')
    return capped(seconds::max());
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string text(value);
  char weekday[4] = {}, month[4] = {};
  int day = 0, year = 0, h = 0, m = 0, s = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", weekday, &day, month, &year, &h, &m, &s,
                  &consumed) != 7 ||
      static_cast<std::size_t>(consumed) != text.size())
    return std::nullopt;
  const auto it =
      std::find_if(months.begin(), months.end(), [&](const char* name) { return std::strcmp(name, month) == 0; });
  if (it == months.end()) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(it - months.begin() + 1)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || h > 23 || m > 59 || s > 60) return std::nullopt;
  const std::chrono::sys_seconds at =
      std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(m) + seconds(s);
  return capped(at - std::chrono::floor<seconds>(now));
}

}  // namespace relay::net
