// outbound.deny's classification of addresses: pure, no sockets.
#include "relay/config/outbound_deny.hpp"

#include <gtest/gtest.h>

namespace relay::config {
namespace {

// The name of the rule in `deny` that refuses `address`, or "" when none does.
std::string refusing(const std::vector<DenyRule>& deny, std::string_view address) {
  const auto ip = pattern::parse_ip(address);
  if (!ip) throw std::invalid_argument(std::string(address));
  const DenyRule* rule = refused_by(deny, *ip);
  return rule ? rule->name : "";
}

std::vector<DenyRule> rules(std::initializer_list<std::string_view> names) {
  std::vector<DenyRule> out;
  for (auto n : names) out.push_back(*parse_deny_rule(n));
  return out;
}

TEST(OutboundDeny, TheDefaultRefusesLinkLocalAndCloudMetadataOnly) {
  const auto deny = default_deny();
  for (const char* a : {"169.254.169.254", "169.254.0.1", "fe80::1", "febf::1", "fd00:ec2::254", "::ffff:a9fe:a9fe"})
    EXPECT_EQ(refusing(deny, a), "link-local") << a;
  for (const char* a : {"127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "8.8.8.8", "fd00:ec2::253", "fec0::1", "169.255.0.1"})
    EXPECT_EQ(refusing(deny, a), "") << a;
}

TEST(OutboundDeny, PrivateAndLoopbackClasses) {
  const auto deny = rules({"private", "loopback"});
  for (const char* a : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", "100.64.0.1", "100.127.255.255",
                        "fc00::1", "fdff::1", "::ffff:a00:1"})
    EXPECT_EQ(refusing(deny, a), "private") << a;
  for (const char* a : {"127.0.0.1", "127.255.255.254", "::1", "0.0.0.0", "::", "::ffff:7f00:1"})
    EXPECT_EQ(refusing(deny, a), "loopback") << a;
  for (const char* a : {"172.32.0.1", "100.128.0.1", "11.0.0.1", "fe00::1", "2001:db8::1", "169.254.169.254"})
    EXPECT_EQ(refusing(deny, a), "") << a;
}

TEST(OutboundDeny, CidrBlocksOfEitherFamily) {
  const auto deny = rules({"203.0.113.0/24", "2001:db8::/32"});
  EXPECT_EQ(refusing(deny, "203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(refusing(deny, "::ffff:cb00:714d"), "203.0.113.0/24");
  EXPECT_EQ(refusing(deny, "2001:db8:1::5"), "2001:db8::/32");
  EXPECT_EQ(refusing(deny, "203.0.114.1"), "");
  EXPECT_EQ(refusing(deny, "2001:db9::1"), "");
}

TEST(OutboundDeny, OneAddressIsABlockWithItsFullPrefix) {
  const auto deny = rules({"203.0.113.9/32", "2001:db8::9/128"});
  EXPECT_EQ(refusing(deny, "203.0.113.9"), "203.0.113.9/32");
  EXPECT_EQ(refusing(deny, "2001:db8::9"), "2001:db8::9/128");
  EXPECT_EQ(refusing(deny, "203.0.113.8"), "");
  EXPECT_EQ(refusing(deny, "2001:db8::8"), "");
}

TEST(OutboundDeny, AnythingElseIsNotARule) {
  for (const char* bad : {"", "Link-Local", "public", "10.0.0.0", "10.0.0.0/33", "fe80::/129", "x/8", "10.0.0.1/032", "::1/+128"})
    EXPECT_FALSE(parse_deny_rule(bad)) << bad;
}

TEST(OutboundDeny, TheRefusalSaysWhichAddressAndWhichRule) {
  EXPECT_EQ(refusal("169.254.169.254", default_deny().front()),
            "destination address 169.254.169.254 refused by outbound.deny (link-local)");
}

}  // namespace
}  // namespace relay::config
