// relay store migrate and the operator commands against a PostgreSQL outbox.
#include "relay/store/postgres_outbox.hpp"
#include "relay/store/postgres_schema.hpp"
#include "tests/store/sample_events.hpp"
#include "tests/support/postgres_database.hpp"
#include "tests/support/run_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::store {
namespace {

using ::testing::HasSubstr;
using namespace testing_samples;

// A config file in `dir` with this store section, one destination and one route.
std::string config_with_store(const testing::TempDir& dir, const std::string& store) {
  return dir.write("relay.yaml", "store: " + store + R"(
destinations:
  hook: {url: "https://hooks.example/x", secret: s3cret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)");
}

class PostgresCli : public ::testing::Test {
 protected:
  testing::ProcessResult relay(std::vector<std::string> args) {
    args.insert(args.begin(), RELAY_BINARY);
    args.push_back("--config");
    args.push_back(config);
    return testing::run_process(args, {}, {"RELAY_TEST_DATABASE_URL=" + database.url()});
  }

  testing::PostgresDatabase database;
  testing::TempDir dir;
  std::string config = config_with_store(dir, "{type: postgres, url: \"env:RELAY_TEST_DATABASE_URL\"}");
};

TEST_F(PostgresCli, MigratePrintsWhatItWouldRunThenAppliesItOnce) {
  const std::string count = std::to_string(postgres_migrations().size());
  const std::string latest = std::to_string(postgres_migrations().back().version);
  auto printed = relay({"store", "migrate"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_THAT(printed.out, HasSubstr("-- migration 1\nCREATE TABLE relay_deliveries"));
  EXPECT_THAT(printed.out, HasSubstr("is at schema version 0; " + count + " migration(s) to apply"));

  auto applied = relay({"store", "migrate", "--apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr(count + " migration(s) applied"));
  auto again = relay({"store", "migrate", "--apply"});
  EXPECT_THAT(again.out, HasSubstr("0 migration(s) applied"));
  EXPECT_THAT(relay({"store", "migrate"}).out,
              HasSubstr("is at schema version " + latest + "; 0 migration(s) to apply"));
}

TEST_F(PostgresCli, LibpqIsLoadedOnceAPostgresStoreIsUsed) {
  auto listed = testing::run_process({RELAY_BINARY, "deliveries", "--config", config}, {},
                                     {"RELAY_TEST_DATABASE_URL=" + database.url(), "LD_DEBUG=files"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.err, HasSubstr("file=libpq.so.5 [0];  dynamically loaded by"));
}

TEST_F(PostgresCli, DeliveriesAndDeadLettersAreListedFromTheDatabase) {
  auto box = open_postgres_outbox(database.url());
  box->accept(std::vector{event("e1", {"hook"}), event("e2", {"hook"})}, t0, std::chrono::hours(24));
  const auto claimed = box->claim(t0, 10, std::chrono::seconds(30));
  box->finish(claimed.at(0), answered(t0, 400), Verdict::dead, {});
  auto all = relay({"deliveries"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 2);
  auto dead = relay({"dlq", "list"});
  ASSERT_EQ(dead.exit_code, 0) << dead.err;
  EXPECT_THAT(dead.out, HasSubstr("\"event_id\":\"e1\""));
}

TEST(PostgresCliFaults, AnUnreachableDatabaseIsAClearErrorAndExitCodeOne) {
  testing::TempDir dir;
  const auto config =
      config_with_store(dir, "{type: postgres, url: \"postgresql://relay_test:relay_test@127.0.0.1:1/relay?connect_timeout=2\"}");
  auto r = testing::run_process({RELAY_BINARY, "store", "migrate", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("relay store migrate: postgres: cannot connect: "));
  auto serve = testing::run_process({RELAY_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0"});
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_THAT(serve.err, HasSubstr("postgres: cannot connect: "));
}

}  // namespace
}  // namespace relay::store
