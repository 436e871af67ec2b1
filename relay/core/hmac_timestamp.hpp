#pragma once
// The `hmac-timestamp` signature scheme of the AWS DevOps Agent webhook (seed 001):
// T = UTC "YYYY-MM-DDTHH:MM:SS.000Z", signature = base64(HMAC-SHA256(secret, T ":" body)),
// sent as `x-amzn-event-timestamp: T` and `x-amzn-event-signature: SIG`.
#include "relay/core/hmac.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace relay::core {

inline constexpr std::string_view kTimestampHeader = "x-amzn-event-timestamp";
inline constexpr std::string_view kSignatureHeader = "x-amzn-event-signature";

// Seconds precision; the milliseconds are always ".000", as the seed's strftime writes them.
std::string format_signing_time(std::chrono::system_clock::time_point t);

// True for text of the form "YYYY-MM-DDTHH:MM:SS.mmmZ" naming a valid date and time.
bool is_signing_time(std::string_view t);

// Parses a signing time; nullopt when is_signing_time is false.
std::optional<std::chrono::system_clock::time_point> parse_signing_time(std::string_view t);

std::string hmac_timestamp_signature(const HmacSha256& key, std::string_view timestamp, std::string_view body);

// Constant-time check of a received signature.
bool hmac_timestamp_valid(const HmacSha256& key, std::string_view timestamp, std::string_view body,
                          std::string_view signature);

}  // namespace relay::core
