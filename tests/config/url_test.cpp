// The one URL parser and the one listen-address parser that config check and serve share.
#include "relay/config/http_url.hpp"

#include <gtest/gtest.h>

#include "relay/config/listen_address.hpp"

namespace relay::config {
namespace {

std::optional<HttpUrl> parse(std::string_view text) {
  std::string error;
  auto url = parse_http_url(text, error);
  EXPECT_EQ(url.has_value(), error.empty()) << text;
  return url;
}

std::string url_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_http_url(text, error)) << text;
  return error;
}

TEST(HttpUrl, ParsesSchemeHostPortAndTarget) {
  auto u = parse("https://hooks.example.com/hooks/devops?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_FALSE(u->host_is_ip);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/hooks/devops?x=1");
  EXPECT_EQ(u->host_header(), "hooks.example.com");

  u = parse("HTTP://127.0.0.1:9090");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_TRUE(u->host_is_ip);
  EXPECT_EQ(u->port, "9090");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->host_header(), "127.0.0.1:9090");

  u = parse("http://[::1]:8080/a%20b");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_TRUE(u->host_is_ip);
  EXPECT_EQ(u->host_header(), "[::1]:8080");
  EXPECT_EQ(u->target, "/a%20b");

  u = parse("http://[0:0:0:0:0:ffff:a9fe:a9fe]/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::ffff:169.254.169.254");
}

TEST(HttpUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad : {"ftp://x/", "http://", "http://:80/", "http://h:80x/", "http://[::1/", "http://h:0/",
                          "http://h:65536/", "http://h:1x/", "http://h%2F/", "hooks.example.com/x", "http://a b/"})
    EXPECT_EQ(url_error(bad).substr(0, 9), "expected ") << bad;
}

TEST(HttpUrl, RefusesUserInfoAndSaysWhyWithoutQuotingIt) {
  for (const char* bad : {"https://user:pw@host/", "https://token@host/", "https://@host/"}) {
    const std::string error = url_error(bad);
    EXPECT_NE(error.find("user info"), std::string::npos) << bad;
    EXPECT_EQ(error.find("pw"), std::string::npos);
    EXPECT_EQ(error.find("token"), std::string::npos);
  }
}

TEST(HttpUrl, RedactedShowsOnlySchemeAndHost) {
  EXPECT_EQ(parse("https://hooks.slack.com/services/T0/B0/XyZsecret?a=b")->redacted(), "https://hooks.slack.com/<redacted>");
  EXPECT_EQ(parse("http://[::1]:8080/key")->redacted(), "http://[::1]:8080/<redacted>");
}

TEST(ListenAddress, ParsesHostAndPort) {
  std::string error;
  auto a = parse_listen_address("127.0.0.1:0", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 0);
  a = parse_listen_address("[::]:8443", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::");
  EXPECT_EQ(a->port, 8443);
  a = parse_listen_address("localhost:80", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  for (const char* bad : {"8080", ":8080", "host:", "host:65536", "host:8o", "[1.2.3.4]:80", "[::1:80", "a b:80"}) {
    EXPECT_FALSE(parse_listen_address(bad, error)) << bad;
    EXPECT_EQ(error, "expected ADDRESS:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:443") << bad;
  }
}

TEST(ListenAddress, ABareIpv6AddressGetsABracketedSuggestion) {
  std::string error;
  EXPECT_FALSE(parse_listen_address("::1:8080", error));
  EXPECT_EQ(error, "an IPv6 address needs brackets: [::1]:8080");
}

TEST(ListenAddress, LoopbackIsOnlyWhatThisMachineAloneCanReach) {
  for (const char* text : {"127.0.0.1:80", "127.9.9.9:80", "[::1]:80", "localhost:80"}) {
    std::string error;
    EXPECT_TRUE(is_loopback(*parse_listen_address(text, error))) << text;
  }
  for (const char* text : {"0.0.0.0:80", "[::]:80", "10.0.0.1:80", "[::2]:80", "relay.example:80"}) {
    std::string error;
    EXPECT_FALSE(is_loopback(*parse_listen_address(text, error))) << text;
  }
}

}  // namespace
}  // namespace relay::config
