#pragma once
// UTF-8 checks for text that came from outside (a request target, a header) and must be
// echoed inside JSON. Pure; any thread.
#include <string>
#include <string_view>

namespace relay::core {

// `text` with every byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace relay::core
