#include "relay/oauth/base64url.hpp"

#include "relay/core/base64.hpp"

namespace relay::oauth {

std::string base64url(std::string_view bytes) {
  std::string text = core::base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (auto& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

}  // namespace relay::oauth
