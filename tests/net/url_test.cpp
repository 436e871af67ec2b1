#include "relay/net/url.hpp"

#include <gtest/gtest.h>

#include "relay/net/listen_address.hpp"

namespace relay::net {
namespace {

TEST(HttpUrl, ParsesSchemeHostPortAndTarget) {
  auto u = parse_http_url("https://hooks.example.com/hooks/devops?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/hooks/devops?x=1");
  EXPECT_EQ(u->host_header(), "hooks.example.com");

  u = parse_http_url("HTTP://127.0.0.1:9090");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, "9090");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->host_header(), "127.0.0.1:9090");

  u = parse_http_url("http://[::1]:8080/a");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->host_header(), "[::1]:8080");
}

TEST(HttpUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"ftp://x/", "http://", "http://:80/", "https://user:pw@host/", "http://h:80x/", "http://[::1/"})
    EXPECT_FALSE(parse_http_url(bad)) << bad;
}

TEST(ListenAddress, ParsesHostAndPort) {
  auto a = parse_listen_address("127.0.0.1:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 0);
  a = parse_listen_address("[::]:8443");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::");
  EXPECT_EQ(a->port, 8443);
  for (const char* bad : {"8080", ":8080", "host:", "host:65536", "::1:80", "host:8o"})
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
}

}  // namespace
}  // namespace relay::net
