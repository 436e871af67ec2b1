#include "relay/pattern/ip_address.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace relay::pattern {
namespace {

// Java's reading (InetAddress): decimal parts, leading zeros allowed, 15 characters at most.
bool parse_v4(std::string_view text, std::uint8_t* out) {
  if (text.size() > 15) return false;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return false;
      text.remove_prefix(1);
    }
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0) return false;
    unsigned value = 0;
    if (std::from_chars(text.data(), text.data() + digits, value).ec != std::errc{} || value > 255) return false;
    out[part] = static_cast<std::uint8_t>(value);
    text.remove_prefix(digits);
  }
  return text.empty();
}

// Parses colon-separated hex groups.
bool parse_groups(std::string_view text, std::vector<std::uint16_t>& groups) {
  if (text.empty()) return true;
  for (;;) {
    const auto colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    if (group.empty() || group.size() > 4) return false;
    std::uint16_t value = 0;
    const auto [end, ec] = std::from_chars(group.data(), group.data() + group.size(), value, 16);
    if (ec != std::errc{} || end != group.data() + group.size()) return false;
    groups.push_back(value);
    if (colon == std::string_view::npos) return true;
    text.remove_prefix(colon + 1);
  }
}

bool parse_v6(std::string_view text, std::uint8_t* out) {
  std::vector<std::uint16_t> head, tail;
  const auto gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, head) || head.size() != 8) return false;
  } else {
    const std::string_view after = text.substr(gap + 2);
    if (after.find("::") != std::string_view::npos) return false;
    if (!parse_groups(text.substr(0, gap), head) || !parse_groups(after, tail)) return false;
    if (head.size() + tail.size() > 7) return false;
  }
  std::uint16_t all[8] = {};
  for (std::size_t i = 0; i < head.size(); ++i) all[i] = head[i];
  for (std::size_t i = 0; i < tail.size(); ++i) all[8 - tail.size() + i] = tail[i];
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(all[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(all[i] & 0xFF);
  }
  return true;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  IpAddress address;
  address.v6 = text.find(':') != std::string_view::npos;
  const bool ok = address.v6 ? parse_v6(text, address.bytes.data()) : parse_v4(text, address.bytes.data());
  if (!ok) return std::nullopt;
  constexpr std::uint8_t kMappedV4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (address.v6 && std::equal(kMappedV4, kMappedV4 + 12, address.bytes.begin())) {
    std::copy(address.bytes.begin() + 12, address.bytes.end(), address.bytes.begin());
    std::fill(address.bytes.begin() + 4, address.bytes.end(), 0);
    address.v6 = false;
  }
  return address;
}

IpAddress masked(IpAddress address, std::size_t bits) {
  for (std::size_t i = 0; i < address.bytes.size(); ++i) {
    const std::size_t start = i * 8;
    if (start >= bits) {
      address.bytes[i] = 0;
    } else if (bits - start < 8) {
      address.bytes[i] &= static_cast<std::uint8_t>(0xFF << (8 - (bits - start)));
    }
  }
  return address;
}

std::optional<CidrBlock> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = parse_ip(text.substr(0, slash));
  std::string_view length = text.substr(slash + 1);
  // Java's Integer.parseInt: a sign, then decimal digits.
  const bool negative = !length.empty() && length.front() == '-';
  if (!length.empty() && (length.front() == '+' || negative)) length.remove_prefix(1);
  if (!address || length.empty() || length.size() > 9) return std::nullopt;
  std::size_t bits = 0;
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bits);
  // event-ruler refuses the full length: /32 and /128 (CIDR.java, "mask bits must be < 32").
  if (ec != std::errc{} || end != length.data() + length.size() || bits >= address->bits()) return std::nullopt;
  if (negative && bits != 0) return std::nullopt;
  return CidrBlock{masked(*address, bits), bits};
}

}  // namespace relay::pattern
