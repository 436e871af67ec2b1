#pragma once
// Standard base64 (RFC 4648 section 4, with padding).
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

}  // namespace relay::core
