#pragma once
// Standard base64 (RFC 4648 section 4, with padding), and base64url without padding
// (RFC 7515 section 2), as JOSE spells every binary value.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace relay::core {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);

// Strict: rejects characters outside the alphabet and wrong padding.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);

// Strict: any character outside the URL-safe alphabet, padding, or a length that leaves
// stray bits (a remainder of one character, or non-zero unused bits) is refused.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace relay::core
