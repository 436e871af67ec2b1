// ingress.aws (the access keys, region and account of relay's event bus) and a route's
// request.event_bus: read with their defaults, every problem reported with its path.
#include "relay/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

const std::string kDestinations = R"(
destinations:
  hook: {url: "https://hooks.example/x", secret: s3cret}
)";

std::optional<Config> parse(const std::string& ingress, std::vector<std::string>& errors,
                            const std::string& route = "  - {name: ecs, handler: ecs_task, destinations: [hook]}\n") {
  return parse_config(ingress + kDestinations + "routes:\n" + route, errors);
}

TEST(BusConfig, WithoutIngressAwsTheBusIsUsEast1WithAccountZeroAndNoKeys) {
  std::vector<std::string> errors;
  auto cfg = parse("", errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->ingress.aws.region, "us-east-1");
  EXPECT_EQ(cfg->ingress.aws.account, "000000000000");
  EXPECT_TRUE(cfg->ingress.aws.credentials.empty());
  EXPECT_TRUE(cfg->routes[0].event_bus.empty());
}

TEST(BusConfig, KeysWithSecretsFromTheEnvironmentAndTheirAccounts) {
  setenv("RELAY_TEST_BUS_SECRET", "from-env", 1);
  std::vector<std::string> errors;
  auto cfg = parse(R"(ingress:
  aws:
    region: eu-west-1
    account: "111122223333"
    credentials:
      - {access_key_id: AKIDONE, secret_access_key: "env:RELAY_TEST_BUS_SECRET", account: "444455556666"}
      - {access_key_id: AKIDTWO, secret_access_key: plain}
)",
                   errors);
  unsetenv("RELAY_TEST_BUS_SECRET");
  ASSERT_TRUE(cfg) << errors.front();
  const auto& aws = cfg->ingress.aws;
  EXPECT_EQ(aws.region, "eu-west-1");
  ASSERT_EQ(aws.credentials.size(), 2u);
  EXPECT_EQ(aws.credentials[0].access_key_id, "AKIDONE");
  EXPECT_EQ(aws.credentials[0].secret_access_key, "from-env");
  EXPECT_EQ(aws.credentials[0].account, "444455556666");
  EXPECT_EQ(aws.credentials[1].account, "111122223333") << "the bus's account by default";
}

TEST(BusConfig, EveryProblemIsReportedWithItsPath) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"(ingress:
  aws:
    region: ""
    account: "12345"
    colour: blue
    credentials:
      - {access_key_id: AKIDONE, secret_access_key: s, account: "abc"}
      - {access_key_id: AKIDONE, secret_access_key: s}
      - {secret_access_key: s}
      - {access_key_id: AKIDTHREE}
      - AKIDFOUR
)",
                     errors));
  EXPECT_THAT(errors, UnorderedElementsAre(
                          "ingress.aws.region: expected a non-empty string",
                          "ingress.aws.account: expected a 12-digit account id",
                          ::testing::StartsWith("ingress.aws.colour: "),
                          "ingress.aws.credentials[0].account: expected a 12-digit account id",
                          "ingress.aws.credentials[1].access_key_id: already the key of ingress.aws.credentials[0]",
                          ::testing::StartsWith("ingress.aws.credentials[2].access_key_id: "),
                          ::testing::StartsWith("ingress.aws.credentials[3].secret_access_key: "),
                          "ingress.aws.credentials[4]: expected {access_key_id, secret_access_key, account}"));
  errors.clear();
  EXPECT_FALSE(parse("ingress: {aws: {credentials: []}}\n", errors));
  EXPECT_THAT(errors, ElementsAre("ingress.aws.credentials: expected a non-empty list of {access_key_id, "
                                  "secret_access_key, account}"));
}

TEST(BusConfig, ARouteCanBeScopedToAnEventBus) {
  std::vector<std::string> errors;
  auto cfg = parse("", errors, "  - {name: ecs, handler: ecs_task, request: {event_bus: ops}, destinations: [hook]}\n");
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->routes[0].event_bus, "ops");
  EXPECT_FALSE(cfg->routes[0].own_path) << "still reached through /events and PutEvents";
  errors.clear();
  EXPECT_FALSE(parse("", errors, "  - {name: ecs, handler: ecs_task, request: {event_bus: \"\"}, destinations: [hook]}\n"));
  EXPECT_THAT(errors, ElementsAre("routes[0].request.event_bus: expected a non-empty string"));
}

}  // namespace
}  // namespace relay::config
