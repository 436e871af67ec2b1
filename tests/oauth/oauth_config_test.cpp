// ingress.oauth: clients with env:/file: secrets, token settings, an optional PEM signing
// key, and a path-qualified error for each bad value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "relay/config/config.hpp"
#include "relay/oauth/signing_key.hpp"
#include "tests/config/with_routes.hpp"
#include "tests/support/run_process.hpp"

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

std::optional<Config> parse(const std::string& oauth, std::vector<std::string>& errors) {
  return parse_with_routes("ingress:\n  oauth: " + oauth + "\n", errors);
}

TEST(OAuthConfig, ReadsClientsAndDefaults) {
  setenv("RELAY_TEST_OAUTH_SECRET", "from-env", 1);
  testing::TempDir dir;
  const auto file = dir.write("secret", "from-file\n");
  std::vector<std::string> errors;
  const auto cfg = parse(
      "{clients: [{client_id: eventbridge, client_secret: env:RELAY_TEST_OAUTH_SECRET, roles: "
      "[events:write, admin]}, {client_id: ops, client_secret: file:" +
          file + "}]}",
      errors);
  ASSERT_TRUE(cfg) << errors.front();
  ASSERT_TRUE(cfg->ingress.oauth);
  const oauth::Settings& s = *cfg->ingress.oauth;
  ASSERT_EQ(s.clients.size(), 2u);
  EXPECT_EQ(s.clients[0].id, "eventbridge");
  EXPECT_EQ(s.clients[0].secret, "from-env");
  EXPECT_THAT(s.clients[0].roles, ElementsAre("events:write", "admin"));
  EXPECT_EQ(s.clients[1].secret, "from-file");
  EXPECT_TRUE(s.clients[1].roles.empty());
  EXPECT_EQ(s.token_lifetime, 3600s);
  EXPECT_EQ(s.issuer, "relay");
  EXPECT_EQ(s.audience, "");
  EXPECT_EQ(s.signing_key_pem, "");

  errors.clear();
  EXPECT_FALSE(parse_config(kRoutes, errors)->ingress.oauth);
}

TEST(OAuthConfig, ReadsTokenSettingsAndAPemSigningKeyFromAFile) {
  testing::TempDir dir;
  const std::string pem = oauth::SigningKey::generate().private_pem();
  const auto key = dir.write("key.pem", pem);
  std::vector<std::string> errors;
  const auto cfg = parse(
      "{clients: [{client_id: a, client_secret: b}], token_lifetime: 15m, issuer: "
      "https://relay.example, audience: relay-ingress, signing_key: file:" +
          key + "}",
      errors);
  ASSERT_TRUE(cfg) << errors.front();
  const oauth::Settings& s = *cfg->ingress.oauth;
  EXPECT_EQ(s.token_lifetime, 900s);
  EXPECT_EQ(s.issuer, "https://relay.example");
  EXPECT_EQ(s.audience, "relay-ingress");
  std::string problem;
  const auto read = oauth::SigningKey::from_pem(s.signing_key_pem, problem);
  ASSERT_TRUE(read) << problem;
  EXPECT_EQ(read->thumbprint(), oauth::SigningKey::from_pem(pem, problem)->thumbprint());
}

TEST(OAuthConfig, EachBadValueIsReportedWithItsPath) {
  unsetenv("RELAY_TEST_OAUTH_UNSET");
  testing::TempDir dir;
  const auto not_a_key = dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  std::vector<std::string> errors;
  EXPECT_FALSE(
      parse("{clients: [{client_id: a, client_secret: env:RELAY_TEST_OAUTH_UNSET, roles: [x, 3]}, "
            "{client_secret: s}, {client_id: a, client_secret: t, scope: x}, {client_id: 'b:c', "
            "client_secret: u}, nope], token_lifetime: 5s, issuer: '', signing_key: file:" +
                not_a_key + ", refresh: true}",
            errors));
  EXPECT_THAT(
      errors,
      ElementsAre(
          "ingress.oauth.clients[0].client_secret: environment variable RELAY_TEST_OAUTH_UNSET is not set",
          "ingress.oauth.clients[0].roles[1]: expected a role name", "ingress.oauth.clients[1].client_id: missing",
          "ingress.oauth.clients[2].client_id: \"a\" is already the id of clients[0]",
          "ingress.oauth.clients[2].scope: unknown key (known: client_id, client_secret, roles)",
          "ingress.oauth.clients[3].client_id: must not contain ':' (HTTP Basic separates with it)",
          "ingress.oauth.clients[4]: expected a mapping with client_id and client_secret",
          "ingress.oauth.token_lifetime: expected between 1m and 24h",
          "ingress.oauth.issuer: expected a non-empty string",
          "ingress.oauth.signing_key: not a PEM private key (unencrypted, EC P-256)",
          "ingress.oauth.refresh: unknown key (known: clients, token_lifetime, issuer, audience, signing_key)"));
  errors.clear();
  EXPECT_FALSE(parse("{}", errors));
  EXPECT_THAT(errors, ElementsAre("ingress.oauth.clients: missing"));
  errors.clear();
  EXPECT_FALSE(parse("{clients: []}", errors));
  EXPECT_THAT(
      errors,
      ElementsAre("ingress.oauth.clients: expected a non-empty list of clients (client_id, client_secret, roles)"));
  errors.clear();
  EXPECT_FALSE(parse("[]", errors));
  EXPECT_THAT(errors, ElementsAre("ingress.oauth: expected a mapping"));
}

}  // namespace
}  // namespace relay::config
