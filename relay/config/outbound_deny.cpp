#include "relay/config/outbound_deny.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

namespace relay::config {

namespace {

// A CIDR block as patterns write it, or one address with its full prefix length (/32, /128),
// which the `cidr` operator refuses as event-ruler does but a deny list needs.
std::optional<pattern::CidrBlock> deny_block(std::string_view text) {
  if (auto block = pattern::parse_cidr(text)) return block;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = pattern::parse_ip(text.substr(0, slash));
  if (!address || text.substr(slash + 1) != std::to_string(address->bits())) return std::nullopt;
  return pattern::CidrBlock{*address, address->bits()};
}

DenyRule named(std::string name, std::initializer_list<std::string_view> cidrs) {
  DenyRule rule{std::move(name), {}};
  for (const auto cidr : cidrs) rule.blocks.push_back(deny_block(cidr).value());
  return rule;
}

bool in_block(const pattern::IpAddress& address, const pattern::CidrBlock& block) {
  return address.v6 == block.network.v6 && pattern::masked(address, block.prefix_bits) == block.network;
}

// ::ffff:a.b.c.d as a.b.c.d; any other address as it is.
pattern::IpAddress unmapped(const pattern::IpAddress& address) {
  constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (!address.v6 || !std::equal(std::begin(kPrefix), std::end(kPrefix), address.bytes.begin())) return address;
  pattern::IpAddress v4;
  std::copy_n(address.bytes.begin() + 12, 4, v4.bytes.begin());
  return v4;
}

}  // namespace

std::optional<DenyRule> parse_deny_rule(std::string_view text) {
  // fd00:ec2::254 (EC2's IPv6 metadata address) lies in fc00::/7, so `private` holds it too.
  if (text == "link-local") return named("link-local", {"169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"});
  if (text == "private")
    return named("private", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"});
  // 0.0.0.0 and :: reach the local host on Linux.
  if (text == "loopback") return named("loopback", {"127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128"});
  auto block = deny_block(text);
  if (!block) return std::nullopt;
  return DenyRule{std::string(text), {*block}};
}

std::vector<DenyRule> default_deny() { return {*parse_deny_rule("link-local")}; }

const DenyRule* refused_by(const std::vector<DenyRule>& deny, const pattern::IpAddress& address) {
  const pattern::IpAddress judged = unmapped(address);
  for (const auto& rule : deny)
    for (const auto& block : rule.blocks)
      if (in_block(judged, block)) return &rule;
  return nullptr;
}

std::string refusal(std::string_view address, const DenyRule& rule) {
  return "destination address " + std::string(address) + " refused by outbound.deny (" + rule.name + ")";
}

}  // namespace relay::config
