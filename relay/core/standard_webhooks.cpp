#include "relay/core/standard_webhooks.hpp"

#include "relay/core/base64.hpp"

namespace relay::core {

std::optional<std::string> standard_webhooks_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (!secret.starts_with(prefix)) return std::nullopt;
  auto key = base64_decode(secret.substr(prefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string standard_webhooks_signature(const HmacSha256& key, std::string_view id, std::int64_t timestamp,
                                        std::string_view body) {
  const std::string ts = std::to_string(timestamp);
  return "v1," + base64_encode(key.mac({id, ".", ts, ".", body}));
}

bool standard_webhooks_valid(const HmacSha256& key, std::string_view id, std::int64_t timestamp, std::string_view body,
                             std::string_view signature_header) {
  const std::string expected = standard_webhooks_signature(key, id, timestamp, body);
  bool valid = false;
  std::size_t start = 0;
  while (start <= signature_header.size()) {
    auto end = signature_header.find(' ', start);
    if (end == std::string_view::npos) end = signature_header.size();
    valid |= constant_time_equal(signature_header.substr(start, end - start), expected);
    start = end + 1;
  }
  return valid;
}

std::string hub_signature_256(const HmacSha256& key, std::string_view body) {
  static constexpr char digits[] = "0123456789abcdef";
  const Digest mac = key.mac({body});
  std::string out = "sha256=";
  for (auto b : mac) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

}  // namespace relay::core
