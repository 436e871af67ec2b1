#pragma once
// UTC timestamps as text: "2025-01-01T12:00:00.123Z" out, and the ISO 8601 forms operators
// type in ("2025-01-01T12:00:00Z", with or without fractions) back in.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace relay::core {

std::string format_utc_millis(std::chrono::system_clock::time_point t);

// The same 24 characters in a fixed buffer, for writers on a hot path (no allocation).
using UtcMillisText = std::array<char, 24>;
UtcMillisText utc_millis_text(std::chrono::system_clock::time_point t);
inline std::string_view view(const UtcMillisText& text) { return {text.data(), text.size()}; }

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z"; nullopt for anything else, and for times before 1970
// or past the last whole second system_clock holds (2262-04-11), so that the difference of
// two parsed times never overflows.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

}  // namespace relay::core
