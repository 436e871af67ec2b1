#include "relay/core/utc_time.hpp"

#include <cstdio>

namespace relay::core {

std::string format_utc_millis(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd(day);
  const hh_mm_ss hms(ms - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view t) {
  using namespace std::chrono;
  auto num = [&](std::size_t pos, std::size_t n, int& out) {
    out = 0;
    if (pos + n > t.size()) return false;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t.back() != 'Z' ||
      !num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, s))
    return std::nullopt;
  nanoseconds fraction{0};
  if (t.size() > 20) {  // ".d+" before the Z
    if (t[19] != '.' || t.size() == 21) return std::nullopt;
    long long scale = 100'000'000;
    for (std::size_t i = 20; i + 1 < t.size(); ++i, scale /= 10) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      fraction += nanoseconds((t[i] - '0') * scale);
    }
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  // In seconds first: a year past 2262 would overflow system_clock's nanoseconds.
  const sys_seconds whole = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
  if (whole < sys_seconds{} || whole >= floor<seconds>(system_clock::time_point::max())) return std::nullopt;
  return time_point_cast<system_clock::duration>(whole + fraction);
}

}  // namespace relay::core
