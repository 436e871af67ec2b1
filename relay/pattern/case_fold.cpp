#include "relay/pattern/case_fold.hpp"

#include <cstdint>

namespace relay::pattern {
namespace {

char32_t lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x178) return 0xFF;
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    const bool even_upper = (c <= 0x137 && c != 0x130) || (c >= 0x14A && c <= 0x177);
    if (odd_upper && c % 2 == 1) return c + 1;
    if (even_upper && c % 2 == 0) return c + 1;
    return c;
  }
  if (c >= 0x386 && c <= 0x3A9) {
    if (c >= 0x391 && c != 0x3A2) return c + 32;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    return c;
  }
  if (c == 0x3C2) return 0x3C3;  // final sigma folds to sigma
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF)) && c % 2 == 0) return c + 1;
  return c;
}

// Every code point `lower` changes is encoded in two bytes, before and after.
bool two_byte_lead(unsigned char b) { return b >= 0xC2 && b <= 0xDF; }

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  fold_case(s, out);
  return out;
}

void fold_case(std::string_view s, std::string& out) {
  out.assign(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto b = static_cast<unsigned char>(out[i]);
    if (b < 0x80) {
      if (b >= 'A' && b <= 'Z') out[i] = static_cast<char>(b + 32);
    } else if (two_byte_lead(b) && i + 1 < out.size()) {
      const char32_t c = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(out[i + 1]) & 0x3Fu);
      const char32_t l = lower(c);
      out[i] = static_cast<char>(0xC0 | (l >> 6));
      out[i + 1] = static_cast<char>(0x80 | (l & 0x3F));
      ++i;
    }
  }
}

}  // namespace relay::pattern
