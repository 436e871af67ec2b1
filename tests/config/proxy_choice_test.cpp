// Which proxy a destination uses: its own `proxy`, else the environment as curl reads it.
#include "relay/destination/proxy_choice.hpp"

#include <gtest/gtest.h>

#include <map>

namespace relay::destination {
namespace {

config::HttpUrl url(const std::string& text) {
  std::string error;
  auto u = config::parse_http_url(text, error);
  EXPECT_TRUE(u) << error;
  return u.value_or(config::HttpUrl{});
}

ProxyEnvironment env(std::map<std::string, std::string> vars) {
  return proxy_environment([&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

// The chosen proxy as shown, "direct", or "error: ...".
std::string chosen(const std::string& target, const ProxyEnvironment& e, ProxySetting setting = {}) {
  const auto c = choose_proxy(url(target), setting, e);
  if (!c.error.empty()) return "error: " + c.error;
  return c.proxy ? c.proxy->shown() : "direct";
}

TEST(ProxyChoice, HttpsAndHttpUrlsUseTheirOwnVariable) {
  const auto e = env({{"HTTPS_PROXY", "http://secure-proxy:3128"}, {"HTTP_PROXY", "plain-proxy:8080"}});
  EXPECT_EQ(chosen("https://hooks.example/x", e), "http://secure-proxy:3128");
  EXPECT_EQ(chosen("http://hooks.example/x", e), "http://plain-proxy:8080");
  EXPECT_EQ(chosen("https://hooks.example/x", env({{"HTTP_PROXY", "http://p:1"}})), "direct");
  EXPECT_EQ(chosen("http://hooks.example/x", env({{"HTTPS_PROXY", "http://p:1"}})), "direct");
}

TEST(ProxyChoice, LowerCaseNamesComeFirstAndEmptyValuesAreUnset) {
  EXPECT_EQ(chosen("https://h.example/", env({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}})),
            "http://lower:1");
  EXPECT_EQ(chosen("https://h.example/", env({{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:2"}})),
            "http://upper:2");
  EXPECT_EQ(chosen("https://h.example/", env({{"HTTPS_PROXY", ""}})), "direct");
}

TEST(ProxyChoice, TheDefaultPortIsCurls) { EXPECT_EQ(chosen("https://h.example/", env({{"HTTPS_PROXY", "http://p"}})), "http://p:1080"); }

TEST(ProxyChoice, ADestinationsOwnSettingWinsOverTheEnvironmentAndNoProxy) {
  const auto e = env({{"HTTPS_PROXY", "http://env-proxy:3128"}, {"NO_PROXY", "*"}});
  ProxySetting own{ProxySetting::Source::url, {"own-proxy", false, "8080", ""}};
  EXPECT_EQ(chosen("https://h.example/", e, own), "http://own-proxy:8080");
  EXPECT_EQ(chosen("https://h.example/", env({{"HTTPS_PROXY", "http://env-proxy:3128"}}),
                   {ProxySetting::Source::none, {}}),
            "direct");
}

TEST(ProxyChoice, ABadVariableIsAnErrorNamingItNotQuotingIt) {
  EXPECT_EQ(chosen("https://h.example/", env({{"https_proxy", "socks5://u:secret@p:1"}})),
            "error: https_proxy (from the environment): expected an http:// proxy URL such as "
            "http://proxy.example:3128 (SOCKS and other schemes are not supported)");
  EXPECT_EQ(chosen("http://h.example/", env({{"https_proxy", "::bad::"}})), "direct") << "only the variable that applies";
}

TEST(ProxyChoice, CredentialsInTheVariableBecomeBasicAuthorization) {
  const auto c = choose_proxy(url("https://h.example/"), {}, env({{"HTTPS_PROXY", "http://alice:s%3Acret@p:3128"}}));
  ASSERT_TRUE(c.proxy);
  EXPECT_EQ(c.proxy->authorization, "Basic YWxpY2U6czpjcmV0");  // alice:s:cret
}

TEST(NoProxy, DomainsMatchThemselvesAndTheirSubdomains) {
  EXPECT_TRUE(no_proxy_matches("example.com", "example.com", "443"));
  EXPECT_TRUE(no_proxy_matches("example.com", "api.example.com", "443"));
  EXPECT_FALSE(no_proxy_matches("example.com", "badexample.com", "443"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "example.com", "443"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "a.b.example.com", "443"));
  EXPECT_TRUE(no_proxy_matches("*.example.com", "a.example.com", "443"));
  EXPECT_TRUE(no_proxy_matches("EXAMPLE.com.", "Api.Example.COM", "443"));
  EXPECT_FALSE(no_proxy_matches("api.example.com", "example.com", "443"));
}

TEST(NoProxy, ListsStarsAndPorts) {
  EXPECT_TRUE(no_proxy_matches("localhost, internal.corp ,example.com", "example.com", "80"));
  EXPECT_TRUE(no_proxy_matches("localhost internal.corp", "internal.corp", "80"));
  EXPECT_TRUE(no_proxy_matches("*", "anything.example", "80"));
  EXPECT_FALSE(no_proxy_matches("*.", "anything.example", "80"));
  EXPECT_FALSE(no_proxy_matches("", "example.com", "80"));
  EXPECT_FALSE(no_proxy_matches(",,", "example.com", "80"));
  EXPECT_TRUE(no_proxy_matches("example.com:8443", "example.com", "8443"));
  EXPECT_FALSE(no_proxy_matches("example.com:8443", "example.com", "443"));
}

TEST(NoProxy, IpAddressesAndBlocksMatchIpLiteralsOnly) {
  EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.20.30.40", "443"));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "11.0.0.1", "443"));
  EXPECT_TRUE(no_proxy_matches("192.168.1.7", "192.168.1.7", "443"));
  EXPECT_TRUE(no_proxy_matches("192.168.1.7:443", "192.168.1.7", "443"));
  EXPECT_FALSE(no_proxy_matches("192.168.1.7:80", "192.168.1.7", "443"));
  EXPECT_TRUE(no_proxy_matches("::1", "::1", "443"));
  EXPECT_TRUE(no_proxy_matches("[::1]:443", "::1", "443"));
  EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd00::5", "443"));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example", "443"));
  EXPECT_FALSE(no_proxy_matches("0.1", "10.0.0.1", "443")) << "not a suffix match on addresses";
}

TEST(ProxyChoice, NoProxyExemptsAHostFromTheEnvironmentsProxy) {
  const auto e = env({{"HTTPS_PROXY", "http://p:3128"}, {"no_proxy", "internal.corp,127.0.0.0/8"}});
  EXPECT_EQ(chosen("https://hooks.internal.corp/x", e), "direct");
  EXPECT_EQ(chosen("https://127.0.0.1:8443/x", e), "direct");
  EXPECT_EQ(chosen("https://hooks.example/x", e), "http://p:3128");
}

}  // namespace
}  // namespace relay::destination
