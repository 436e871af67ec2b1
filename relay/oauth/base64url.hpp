#pragma once
// base64url without padding (RFC 7515 section 2), as JOSE spells binary values.
#include <string>
#include <string_view>

namespace relay::oauth {

std::string base64url(std::string_view bytes);

}  // namespace relay::oauth
