#pragma once
// IPv4 and IPv6 addresses and CIDR blocks for the `cidr` operator.
//
// An IPv4 address is four decimal parts without leading zeros; an IPv6 address is any RFC 4291
// text form (upper or lower case, leading zeros, one "::", a trailing dotted IPv4 part) without
// a zone. The two families never match each other: "::ffff:10.0.0.1" is an IPv6 address.
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

// "10.0.0.0/24", "2001:db8::/32"; host bits may be set and are cleared.
std::optional<CidrBlock> parse_cidr(std::string_view text);

}  // namespace relay::pattern
