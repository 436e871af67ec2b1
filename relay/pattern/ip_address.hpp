#pragma once
// IPv4 and IPv6 addresses and CIDR blocks for the `cidr` operator.
//
// Read as event-ruler does, through Java's InetAddress after its own regular expressions
// (CIDR.java, Constants.java): an IPv4 address is four decimal parts (leading zeros allowed, 15
// characters at most); an IPv6 address is hex groups and colons (upper or lower case, leading
// zeros, one "::"), with no dotted IPv4 part and no zone. An IPv4-mapped IPv6 address
// (::ffff:a00:1) is the IPv4 address it maps (Java's rule); other IPv6 addresses never match
// IPv4 blocks.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace relay::pattern {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first four
  bool v6 = false;

  std::size_t size() const { return v6 ? 16 : 4; }
  std::size_t bits() const { return size() * 8; }
  bool operator==(const IpAddress&) const = default;
};

std::optional<IpAddress> parse_ip(std::string_view text);

// Keeps the first `bits` bits and clears the rest.
IpAddress masked(IpAddress address, std::size_t bits);

struct CidrBlock {
  IpAddress network;  // already masked to prefix_bits
  std::size_t prefix_bits = 0;
  bool operator==(const CidrBlock&) const = default;
};

// "10.0.0.0/24", "2001:db8::/32"; host bits may be set and are cleared. The prefix length is
// below the address's length (event-ruler refuses /32 and /128).
std::optional<CidrBlock> parse_cidr(std::string_view text);

}  // namespace relay::pattern
