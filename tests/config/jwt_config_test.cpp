// `auth: {type: jwt, ...}` on the listener and on a route's own door: the keys it reads,
// their defaults, and a path-qualified error for each bad one.
#include "relay/config/config.hpp"
#include "tests/config/with_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

std::optional<Config> parse(const std::string& auth, std::vector<std::string>& errors) {
  return parse_with_routes("ingress:\n  auth: " + auth + "\n", errors);
}

TEST(JwtConfig, ReadsEveryKey) {
  std::vector<std::string> errors;
  auto cfg = parse(
      "{type: jwt, jwks_url: \"https://idp.example/.well-known/jwks.json\", issuer: \"https://idp.example/\", "
      "audience: relay, required_roles: [publisher, events:put], roles_claim: realm_access.roles, "
      "ca_file: /etc/relay/idp-ca.pem, leeway: 30s}",
      errors);
  ASSERT_TRUE(cfg) << errors.front();
  const auto& jwt = cfg->ingress.jwt;
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::jwt);
  EXPECT_TRUE(jwt.jwks_url->tls);
  EXPECT_EQ(jwt.jwks_url->host, "idp.example");
  EXPECT_EQ(jwt.jwks_url->target, "/.well-known/jwks.json");
  EXPECT_EQ(jwt.ca_file, "/etc/relay/idp-ca.pem");
  EXPECT_EQ(jwt.policy.issuer, "https://idp.example/");
  EXPECT_EQ(jwt.policy.audience, "relay");
  EXPECT_THAT(jwt.policy.required_roles, ElementsAre("publisher", "events:put"));
  EXPECT_EQ(jwt.policy.roles_claim, "realm_access.roles");
  EXPECT_EQ(jwt.policy.leeway, 30s);
}

TEST(JwtConfig, Defaults) {
  std::vector<std::string> errors;
  auto cfg = parse("{type: jwt, jwks_url: \"https://idp.example/jwks\", issuer: idp}", errors);
  ASSERT_TRUE(cfg) << errors.front();
  const auto& jwt = cfg->ingress.jwt;
  EXPECT_EQ(jwt.ca_file, std::nullopt);
  EXPECT_EQ(jwt.policy.audience, std::nullopt);
  EXPECT_TRUE(jwt.policy.required_roles.empty());
  EXPECT_EQ(jwt.policy.roles_claim, "roles");
  EXPECT_EQ(jwt.policy.leeway, 60s);
}

TEST(JwtConfig, HttpOnlyToLoopback) {
  std::vector<std::string> errors;
  for (const char* url : {"http://127.0.0.1:8080/oauth/jwks.json", "http://localhost/jwks", "http://[::1]:9/j"}) {
    errors.clear();
    EXPECT_TRUE(parse(std::string("{type: jwt, issuer: i, jwks_url: \"") + url + "\"}", errors)) << url;
  }
  errors.clear();
  EXPECT_FALSE(parse("{type: jwt, issuer: i, jwks_url: \"http://idp.example/jwks\"}", errors));
  EXPECT_THAT(errors,
              ElementsAre("ingress.auth.jwks_url: must be https (http only to a loopback address such as 127.0.0.1)"));
}

TEST(JwtConfig, BadKeysArePathQualified) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse("{type: jwt}", errors));
  EXPECT_THAT(errors, UnorderedElementsAre("ingress.auth.jwks_url: missing", "ingress.auth.issuer: missing"));
  errors.clear();
  EXPECT_FALSE(parse("{type: jwt, jwks_url: \"ftp://x/\", issuer: i, audience: [a], required_roles: [ok, \"a b\", 3], "
                     "roles_claim: \"a..b\", leeway: 10m, ca_file: \"\", secret: x}",
                     errors));
  ASSERT_EQ(errors.size(), 8u);
  EXPECT_THAT(errors, ::testing::Contains(::testing::StartsWith("ingress.auth.jwks_url: ")));
  EXPECT_THAT(errors, ::testing::IsSupersetOf(
                          {"ingress.auth.ca_file: expected the path of a PEM file of CA certificates",
                           "ingress.auth.audience: expected the audience (aud) tokens must carry",
                           "ingress.auth.required_roles[1]: expected a role name (no spaces)",
                           "ingress.auth.required_roles[2]: expected a role name (no spaces)",
                           "ingress.auth.roles_claim: expected a claim name or a dotted path such as realm_access.roles",
                           "ingress.auth.leeway: at most 5m: a token's validity window is not to be stretched further"}));
  EXPECT_THAT(errors, ::testing::Contains(::testing::StartsWith("ingress.auth.secret: unknown key")));
}

TEST(JwtConfig, WithoutJwksUrlTheDoorTakesRelaysOwnTokens) {
  std::vector<std::string> errors;
  auto cfg = parse_with_routes("ingress:\n  auth: {type: jwt, required_roles: [events:write]}\n"
                               "  oauth: {clients: [{client_id: eb, client_secret: s}], issuer: relay-1, audience: ingress}\n",
                               errors);
  ASSERT_TRUE(cfg) << errors.front();
  const auto& jwt = cfg->ingress.jwt;
  EXPECT_EQ(jwt.jwks_url, std::nullopt);
  EXPECT_EQ(jwt.policy.issuer, "relay-1");
  EXPECT_EQ(jwt.policy.audience, "ingress");
  EXPECT_THAT(jwt.policy.required_roles, ElementsAre("events:write"));
  cfg = parse_with_routes("ingress:\n  auth: {type: jwt, issuer: other, audience: a2}\n"
                          "  oauth: {clients: [{client_id: eb, client_secret: s}]}\n",
                          errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.jwt.policy.issuer, "other");
  EXPECT_EQ(cfg->ingress.jwt.policy.audience, "a2");
}

TEST(JwtConfig, ARoutesOwnDoorMayUseIt) {
  const std::string partner = R"(
destinations:
  hook: {url: "https://hooks.example/x", secret: s3cret}
routes:
  - name: partner
    handler: ecs_task
    destinations: [hook]
    request: {auth: {type: jwt, jwks_url: "https://idp.example/jwks", issuer: idp, required_roles: [partner]}}
)";
  std::vector<std::string> errors;
  auto cfg = parse_config(partner, errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::none);
  const auto& door = cfg->route_ingress.at("partner");
  EXPECT_EQ(door.auth, IngressAuth::jwt);
  EXPECT_THAT(door.jwt.policy.required_roles, ElementsAre("partner"));
  cfg = parse_config(partner + R"(  - name: bad
    handler: ecs_task
    destinations: [hook]
    request: {auth: {type: jwt, issuer: idp}}
)",
                     errors);
  EXPECT_FALSE(cfg);
  EXPECT_THAT(errors, ElementsAre("routes[1].request.auth.jwks_url: missing"));
}

}  // namespace
}  // namespace relay::config
