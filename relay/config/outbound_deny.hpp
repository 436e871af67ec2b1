#pragma once
// outbound.deny: the address ranges deliveries must never connect to (the SSRF guard).
// Pure: the delivery client asks `refused_by` about every address DNS returned.
#include "relay/pattern/ip_address.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::config {

// One entry: a named class (link-local, private, loopback) or one CIDR block.
struct DenyRule {
  std::string name;  // as written: "link-local", or the CIDR text
  std::vector<pattern::CidrBlock> blocks;
};

// "link-local", "private", "loopback" or an IPv4/IPv6 CIDR block; nullopt for anything else.
std::optional<DenyRule> parse_deny_rule(std::string_view text);

// The default: link-local, which holds the cloud metadata addresses 169.254.169.254 and
// fd00:ec2::254.
std::vector<DenyRule> default_deny();

// The first rule that refuses `address`, or nullptr. An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) is judged as its IPv4 address.
const DenyRule* refused_by(const std::vector<DenyRule>& deny, const pattern::IpAddress& address);

// "destination address A refused by outbound.deny (RULE)"
std::string refusal(std::string_view address, const DenyRule& rule);

}  // namespace relay::config
