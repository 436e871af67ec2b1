#pragma once
// Standard Webhooks signatures: webhook-signature = "v1,<base64 HMAC-SHA256(key, id.ts.body)>",
// one per secret separated by spaces, where the key is the base64 text after "whsec_".
#include "relay/core/hmac.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::core {

// The key bytes of a "whsec_<base64>" secret; nullopt when it is not of that form.
std::optional<std::string> standard_webhooks_key(std::string_view secret);

// "v1,<base64>" for one key.
std::string standard_webhooks_signature(const HmacSha256& key, std::string_view id, std::int64_t timestamp,
                                        std::string_view body);

// True when any "v1,..." entry of a webhook-signature header matches (constant time each).
bool standard_webhooks_valid(const HmacSha256& key, std::string_view id, std::int64_t timestamp, std::string_view body,
                             std::string_view signature_header);

// GitHub style: "sha256=<hex HMAC-SHA256(secret, body)>".
std::string hub_signature_256(const HmacSha256& key, std::string_view body);

}  // namespace relay::core
