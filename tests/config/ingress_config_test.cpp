// The ingress keys that guard the relay from its callers: the events-per-request cap, an
// explicit `auth: {type: none}`, and zero-config's ingress API key.
#include "relay/config/config.hpp"
#include "tests/config/with_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace relay::config {
namespace {

using ::testing::ElementsAre;

std::optional<Config> parse(const std::string& yaml, std::vector<std::string>& errors) {
  return parse_with_routes(yaml, errors);
}

TEST(IngressConfig, MaxEventsPerRequestDefaultsTo100AndMustBePositive) {
  std::vector<std::string> errors;
  auto cfg = parse("", errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.max_events_per_request, 100u);

  cfg = parse("ingress: {max_events_per_request: 1}\n", errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.max_events_per_request, 1u);

  for (const char* bad : {"0", "-5", "2.5", "many"}) {
    errors.clear();
    EXPECT_FALSE(parse(std::string("ingress: {max_events_per_request: ") + bad + "}\n", errors)) << bad;
    EXPECT_THAT(errors, ElementsAre("ingress.max_events_per_request: expected a whole number from 1 to 10000")) << bad;
  }
}

TEST(IngressConfig, AnExplicitNoneIsToldApartFromNoAuthGiven) {
  std::vector<std::string> errors;
  auto absent = parse("", errors);
  auto untyped = parse("ingress: {auth: {}}\n", errors);
  auto none = parse("ingress: {auth: {type: none}}\n", errors);
  ASSERT_TRUE(absent && untyped && none) << errors.front();
  EXPECT_FALSE(absent->ingress.auth_explicit);
  EXPECT_FALSE(untyped->ingress.auth_explicit);
  EXPECT_TRUE(none->ingress.auth_explicit);
  EXPECT_EQ(none->ingress.auth, IngressAuth::none);
}

class ZeroConfigIngressKey : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("WEBHOOK_URL", "http://127.0.0.1:9/hooks", 1);
    setenv("WEBHOOK_SECRET", "s3cret", 1);
  }
  void TearDown() override { unsetenv(kIngressApiKeyVariable); }
};

TEST_F(ZeroConfigIngressKey, WithoutTheVariableIngressIsOpen) {
  unsetenv(kIngressApiKeyVariable);
  std::vector<std::string> errors;
  auto cfg = zero_config_from_env(errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::none);
  EXPECT_FALSE(cfg->ingress.auth_explicit);
}

TEST_F(ZeroConfigIngressKey, TheVariableAsksForAnApiKeyInXApiKey) {
  setenv(kIngressApiKeyVariable, "k3y", 1);
  std::vector<std::string> errors;
  auto cfg = zero_config_from_env(errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::api_key);
  EXPECT_EQ(cfg->ingress.api_key_header, "x-api-key");
  EXPECT_EQ(cfg->ingress.secret, "k3y");
}

TEST_F(ZeroConfigIngressKey, AnEmptyVariableIsAnError) {
  setenv(kIngressApiKeyVariable, "", 1);
  std::vector<std::string> errors;
  EXPECT_FALSE(zero_config_from_env(errors));
  EXPECT_THAT(errors, ElementsAre(::testing::StartsWith("RELAY_INGRESS_API_KEY is set but empty")));
}

}  // namespace
}  // namespace relay::config
