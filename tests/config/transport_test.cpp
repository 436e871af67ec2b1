// A destination's proxy, tls (client certificate), rate_limit and paused keys, read at load.
#include "relay/config/config.hpp"
#include "tests/support/certificates.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Source = destination::ProxySetting::Source;

std::string config_with(const std::string& keys) {
  return "destinations:\n  hook:\n    url: https://hooks.example/x\n    secret: s3cret\n" + keys +
         "routes:\n  - {name: ecs, handler: ecs_task, destinations: [hook]}\n";
}

// The transport settings of the destination "hook" that `keys` configure.
std::optional<destination::Transport> options_of(const std::string& keys) {
  std::vector<std::string> errors;
  auto cfg = parse_config(config_with(keys), errors);
  EXPECT_TRUE(cfg) << (errors.empty() ? "" : errors.front());
  if (!cfg) return std::nullopt;
  return cfg->pipeline->destinations().find("hook")->transport();
}

std::vector<std::string> errors_of(const std::string& keys) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_config(config_with(keys), errors));
  return errors;
}

TEST(TransportConfig, NothingSetMeansTheEnvironmentsProxyNoClientCertificateNoLimitNotPaused) {
  const auto o = options_of("");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->proxy.source, Source::environment);
  EXPECT_FALSE(o->client_certificate);
  EXPECT_FALSE(o->rate_limit);
  EXPECT_FALSE(o->paused);
}

TEST(TransportConfig, AProxyUrlWithCredentials) {
  const auto o = options_of("    proxy: http://user:p%40ss@proxy.internal:3128\n");
  ASSERT_TRUE(o);
  ASSERT_EQ(o->proxy.source, Source::url);
  EXPECT_EQ(o->proxy.url.host, "proxy.internal");
  EXPECT_EQ(o->proxy.url.port, "3128");
  EXPECT_EQ(o->proxy.url.authorization, "Basic dXNlcjpwQHNz");  // user:p@ss
  EXPECT_EQ(o->proxy.url.shown(), "http://proxy.internal:3128");
}

TEST(TransportConfig, ProxyNoneAndAProxyFromTheEnvironment) {
  EXPECT_EQ(options_of("    proxy: none\n")->proxy.source, Source::none);
  ::setenv("RELAY_TEST_PROXY", "http://10.1.2.3:8080", 1);
  const auto o = options_of("    proxy: env:RELAY_TEST_PROXY\n");
  ::unsetenv("RELAY_TEST_PROXY");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->proxy.url.shown(), "http://10.1.2.3:8080");
}

TEST(TransportConfig, AProxyThatIsNotAnHttpUrlIsAnErrorThatNeverQuotesIt) {
  EXPECT_THAT(errors_of("    proxy: \"http://u:secret@[bad\"\n"),
              ElementsAre("destinations.hook.proxy: expected an http:// proxy URL such as http://proxy.example:3128"));
  EXPECT_THAT(errors_of("    proxy: https://proxy.example:3128\n"),
              ElementsAre(HasSubstr("destinations.hook.proxy: a proxy spoken to over TLS (https://) is not supported")));
  EXPECT_THAT(errors_of("    proxy: socks5://proxy.example:1080\n"),
              ElementsAre(HasSubstr("(SOCKS and other schemes are not supported)")));
  EXPECT_THAT(errors_of("    proxy: http://proxy.example:3128/path\n"), ElementsAre(HasSubstr("without a path")));
  EXPECT_THAT(errors_of("    proxy: http://proxy.example:99999\n"),
              ElementsAre("destinations.hook.proxy: expected a proxy port between 1 and 65535"));
  EXPECT_THAT(errors_of("    proxy: env:RELAY_TEST_UNSET_PROXY\n"),
              ElementsAre(HasSubstr("destinations.hook.proxy: ")));
}

TEST(TransportConfig, AClientCertificateAndItsKey) {
  testing::TempDir dir;
  const auto client = testing::make_certificate(dir, "client", "relay.client");
  const auto o = options_of("    tls: {client_cert: " + client.cert + ", client_key: " + client.key + "}\n");
  ASSERT_TRUE(o && o->client_certificate);
  EXPECT_EQ(o->client_certificate->cert_file, client.cert);
  EXPECT_EQ(o->client_certificate->key_file, client.key);
}

TEST(TransportConfig, UnreadableOrMismatchedClientCertificatesAreErrorsWithTheirPath) {
  testing::TempDir dir;
  const auto client = testing::make_certificate(dir, "client", "relay.client");
  const auto other = testing::make_certificate(dir, "other", "other.client");
  const std::string missing = dir.path() + "/missing.key";
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + ", client_key: " + missing + "}\n"),
              ElementsAre("destinations.hook.tls.client_key: cannot read " + missing + ": No such file or directory"));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + dir.path() + "/nope.crt, client_key: " + client.key + "}\n"),
              ElementsAre(HasSubstr("destinations.hook.tls.client_cert: cannot read ")));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.key + ", client_key: " + client.key + "}\n"),
              ElementsAre("destinations.hook.tls.client_cert: " + client.key + ": not a PEM certificate"));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + ", client_key: " + client.cert + "}\n"),
              ElementsAre(HasSubstr("destinations.hook.tls.client_key: " + client.cert + ": not a PEM private key")));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + ", client_key: " + other.key + "}\n"),
              ElementsAre("destinations.hook.tls.client_key: " + other.key + ": not the private key of " + client.cert));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + "}\n"),
              ElementsAre(HasSubstr("destinations.hook.tls.client_key: ")));
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + ", client_key: " + client.key + ", ca: x}\n"),
              ElementsAre(HasSubstr("destinations.hook.tls.ca: ")));
}

TEST(TransportConfig, AnEncryptedClientKeyIsRefusedNotPromptedFor) {
  testing::TempDir dir;
  const auto client = testing::make_certificate(dir, "client", "relay.client");
  const std::string encrypted = dir.path() + "/encrypted.key";
  ASSERT_EQ(testing::run_process({"openssl", "pkey", "-in", client.key, "-aes256", "-passout", "pass:pw", "-out",
                                  encrypted})
                .exit_code,
            0);
  EXPECT_THAT(errors_of("    tls: {client_cert: " + client.cert + ", client_key: " + encrypted + "}\n"),
              ElementsAre(HasSubstr("(an encrypted key is not supported)")));
}

TEST(TransportConfig, ARateLimitWithAndWithoutABurst) {
  auto o = options_of("    rate_limit: 20\n");
  ASSERT_TRUE(o && o->rate_limit);
  EXPECT_EQ(o->rate_limit->per_second, 20.0);
  EXPECT_EQ(o->rate_limit->burst, 1.0);
  o = options_of("    rate_limit: 0.5\n    rate_limit_burst: 10\n");
  ASSERT_TRUE(o && o->rate_limit);
  EXPECT_EQ(o->rate_limit->per_second, 0.5);
  EXPECT_EQ(o->rate_limit->burst, 10.0);
}

TEST(TransportConfig, ARateLimitMustBePositiveAndABurstNeedsALimit) {
  EXPECT_THAT(errors_of("    rate_limit: 0\n"), ElementsAre(HasSubstr("destinations.hook.rate_limit: expected a number")));
  EXPECT_THAT(errors_of("    rate_limit: fast\n"), ElementsAre(HasSubstr("destinations.hook.rate_limit: ")));
  EXPECT_THAT(errors_of("    rate_limit: 5\n    rate_limit_burst: 0\n"),
              ElementsAre(HasSubstr("destinations.hook.rate_limit_burst: expected a whole number")));
  EXPECT_THAT(errors_of("    rate_limit_burst: 5\n"),
              ElementsAre("destinations.hook.rate_limit_burst: applies only with rate_limit"));
}

TEST(TransportConfig, Paused) {
  EXPECT_TRUE(options_of("    paused: true\n")->paused);
  EXPECT_THAT(errors_of("    paused: yes please\n"), ElementsAre("destinations.hook.paused: expected true or false"));
}

}  // namespace
}  // namespace relay::config
