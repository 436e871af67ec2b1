#include "relay/bus/uuid.hpp"

namespace relay::bus {

std::string uuid_v4(std::array<std::uint8_t, 16> random) {
  random[6] = static_cast<std::uint8_t>((random[6] & 0x0f) | 0x40);  // version 4
  random[8] = static_cast<std::uint8_t>((random[8] & 0x3f) | 0x80);  // RFC 4122 variant
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < random.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[random[i] >> 4];
    out += kHex[random[i] & 0x0f];
  }
  return out;
}

}  // namespace relay::bus
