#include "relay/config/config.hpp"
#include "tests/config/with_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace relay::config {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

std::vector<std::string> errors_of(const std::string& yaml) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_with_routes(yaml, errors)) << yaml;
  return errors;
}

TEST(StoreConfig, SqliteIsTheDefault) {
  std::vector<std::string> errors;
  auto cfg = parse_with_routes("store: {path: /tmp/x.db}\n", errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->store.type, store::StoreType::sqlite);
  EXPECT_EQ(cfg->store.path, "/tmp/x.db");
}

TEST(StoreConfig, PostgresTakesAUrlFromTheEnvironmentAndATimeout) {
  setenv("RELAY_TEST_DATABASE_URL", "postgresql://relay:pw@db.example:5433/relay?sslmode=verify-full", 1);
  std::vector<std::string> errors;
  auto cfg = parse_with_routes(
      "store: {type: postgres, url: env:RELAY_TEST_DATABASE_URL, statement_timeout: 2s, max_bytes: 1048576, "
      "retention: 3d}\n",
      errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->store.type, store::StoreType::postgres);
  EXPECT_EQ(cfg->store.url, "postgresql://relay:pw@db.example:5433/relay?sslmode=verify-full");
  EXPECT_EQ(cfg->store.statement_timeout, 2s);
  EXPECT_EQ(cfg->store.max_bytes, 1048576u);
  EXPECT_EQ(cfg->store.retention, 72h);
}

TEST(StoreConfig, RefusesABadUrlAndTheOtherBackendsKeys) {
  EXPECT_THAT(errors_of("store: {type: postgres, url: \"host=db user=x\", path: /tmp/x.db}\n"),
              ElementsAre("store.path: only for type: sqlite",
                          "store.url: expected a URL such as postgresql://user@host:5432/relay"));
  EXPECT_THAT(errors_of("store: {type: postgres, url: \"postgresql://db:port/x\"}\n"),
              ElementsAre("store.url: invalid port \"port\""));
  EXPECT_THAT(errors_of("store: {type: postgres, url: \"postgresql://db/x?colour=blue\"}\n"),
              ElementsAre("store.url: invalid URI query parameter: \"colour\""));
  EXPECT_THAT(errors_of("store: {type: postgres}\n"), ElementsAre("store.url: missing"));
  EXPECT_THAT(errors_of("store: {url: \"postgresql://db/x\", statement_timeout: 1s}\n"),
              ElementsAre("store.url: only for type: postgres", "store.statement_timeout: only for type: postgres"));
  EXPECT_THAT(errors_of("store: {type: mysql}\n"), ElementsAre("store.type: expected one of sqlite, postgres"));
}

}  // namespace
}  // namespace relay::config
