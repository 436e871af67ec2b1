#pragma once
// base64url without padding (RFC 7515 section 2), as JOSE spells every binary value.
#include <optional>
#include <string>
#include <string_view>

namespace relay::jwt {

// Strict: any character outside the URL-safe alphabet, padding, or a length that leaves
// stray bits (a remainder of one character, or non-zero unused bits) is refused.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace relay::jwt
