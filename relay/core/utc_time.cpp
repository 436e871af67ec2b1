#include "relay/core/utc_time.hpp"


namespace relay::core {

namespace {

// Writes `value` as exactly `width` decimal digits, zero-padded, ending just before `end`.
void put_digits(char* end, unsigned value, int width) {
  for (int i = 0; i < width; ++i, value /= 10) *--end = static_cast<char>('0' + value % 10);
}

}  // namespace

std::string format_utc_millis(std::chrono::system_clock::time_point t) { return std::string(view(utc_millis_text(t))); }

UtcMillisText utc_millis_text(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd(day);
  const hh_mm_ss hms(ms - day);
  // system_clock's nanoseconds span the years 1677 to 2262: always four digits.
  UtcMillisText out{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                    '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
  put_digits(out.data() + 4, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put_digits(out.data() + 7, static_cast<unsigned>(ymd.month()), 2);
  put_digits(out.data() + 10, static_cast<unsigned>(ymd.day()), 2);
  put_digits(out.data() + 13, static_cast<unsigned>(hms.hours().count()), 2);
  put_digits(out.data() + 16, static_cast<unsigned>(hms.minutes().count()), 2);
  put_digits(out.data() + 19, static_cast<unsigned>(hms.seconds().count()), 2);
  put_digits(out.data() + 23, static_cast<unsigned>(hms.subseconds().count()), 3);
  return out;
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
