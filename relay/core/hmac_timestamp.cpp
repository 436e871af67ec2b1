#include "relay/core/hmac_timestamp.hpp"

#include "relay/core/base64.hpp"
#include "relay/core/utc_time.hpp"

namespace relay::core {

std::string format_signing_time(std::chrono::system_clock::time_point t) {
  return format_utc_millis(std::chrono::floor<std::chrono::seconds>(t));
}

std::optional<std::chrono::system_clock::time_point> parse_signing_time(std::string_view t) {
  // Exactly three fraction digits: the format the scheme fixes.
  if (t.size() != 24 || t[19] != '.') return std::nullopt;
  return parse_utc(t);
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
