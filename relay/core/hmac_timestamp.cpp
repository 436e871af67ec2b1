#include "relay/core/hmac_timestamp.hpp"

#include "relay/core/base64.hpp"

#include <cstdio>

namespace relay::core {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string format_signing_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss hms(secs - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_signing_time(std::string_view t) {
  using namespace std::chrono;
  // 2024-01-15T10:30:00.000Z
  if (t.size() != 24 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
      t[19] != '.' || t[23] != 'Z')
    return std::nullopt;
  int y, mo, d, h, mi, s, ms;
  if (!digits(t, 0, 4, y) || !digits(t, 5, 2, mo) || !digits(t, 8, 2, d) || !digits(t, 11, 2, h) ||
      !digits(t, 14, 2, mi) || !digits(t, 17, 2, s) || !digits(t, 20, 3, ms))
    return std::nullopt;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

bool is_signing_time(std::string_view t) { return parse_signing_time(t).has_value(); }

std::string hmac_timestamp_signature(const HmacSha256& key, std::string_view timestamp, std::string_view body) {
  return base64_encode(key.mac({timestamp, ":", body}));
}

bool hmac_timestamp_valid(const HmacSha256& key, std::string_view timestamp, std::string_view body,
                          std::string_view signature) {
  return constant_time_equal(hmac_timestamp_signature(key, timestamp, body), signature);
}

}  // namespace relay::core
