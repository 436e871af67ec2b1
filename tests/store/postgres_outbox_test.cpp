// What only a shared PostgreSQL outbox has to show: several relays on one database, its
// schema migrations, its notifications, and the faults of a server over the network.
#include "relay/store/pg_connection.hpp"
#include "relay/store/postgres_outbox.hpp"
#include "relay/store/postgres_schema.hpp"
#include "tests/store/sample_events.hpp"
#include "tests/support/postgres_database.hpp"

#include <poll.h>

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace relay::store {
namespace {

using namespace std::chrono_literals;
using namespace testing_samples;

class PostgresOutboxTest : public ::testing::Test {
 protected:
  testing::PostgresDatabase database;
  std::unique_ptr<Outbox> relay_a = open_postgres_outbox(database.url());
  std::unique_ptr<Outbox> relay_b = open_postgres_outbox(database.url());
};

TEST_F(PostgresOutboxTest, RelaysClaimingTogetherNeverLeaseOneDeliveryTwice) {
  std::vector<NewEvent> events;
  for (int i = 0; i < 200; ++i) events.push_back(event("e" + std::to_string(i)));
  relay_a->accept(events, t0, 24h);

  std::vector<std::int64_t> claimed_by_a, claimed_by_b;
  auto drain = [](Outbox& box, std::vector<std::int64_t>& ids) {
    for (;;) {
      auto batch = box.claim(t0, 7, 30s);
      if (batch.empty()) return;
      for (const auto& c : batch) ids.push_back(c.id);
    }
  };
  std::thread a([&] { drain(*relay_a, claimed_by_a); });
  drain(*relay_b, claimed_by_b);
  a.join();

  std::set<std::int64_t> all(claimed_by_a.begin(), claimed_by_a.end());
  for (auto id : claimed_by_b) EXPECT_TRUE(all.insert(id).second) << "delivery " << id << " leased twice";
  EXPECT_EQ(all.size(), 200u);
}

TEST_F(PostgresOutboxTest, AnEventIdAcceptedByOneRelayIsADuplicateForAnother) {
  EXPECT_EQ(relay_a->accept(std::vector{event("e1")}, t0, 24h)[0].stored, 1u);
  const auto again = relay_b->accept(std::vector{event("e1")}, t0 + 1min, 24h);
  EXPECT_EQ(again[0].stored, 0u);
  EXPECT_EQ(again[0].duplicates, 1u);
  EXPECT_EQ(relay_b->backlog().count, 1u);
}

TEST_F(PostgresOutboxTest, ALateResultFromARelayPresumedDeadIsNotRecorded) {
  relay_a->accept(std::vector{event("e1")}, t0, 24h);
  const auto first = relay_a->claim(t0, 10, 30s).at(0);
  const auto second = relay_b->claim(t0 + 31s, 10, 30s).at(0);
  EXPECT_EQ(second.attempt, 2);
  EXPECT_FALSE(relay_a->finish(first, answered(t0 + 40s, 200), Verdict::delivered, {}));
  EXPECT_TRUE(relay_b->finish(second, answered(t0 + 41s, 500), Verdict::retry, t0 + 2min));
  EXPECT_EQ(relay_a->delivery(first.id)->last_status, 500);
}

TEST_F(PostgresOutboxTest, AnAcceptNotifiesTheRelaysListening) {
  PgConnection listener(database.url(), 5s);
  listener.exec("LISTEN " + std::string(kNotifyChannel));
  relay_a->accept(std::vector{event("e1")}, t0, 24h);

  std::vector<std::string> heard;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (heard.empty() && std::chrono::steady_clock::now() < deadline) {
    pollfd fd{listener.socket(), POLLIN, 0};
    ::poll(&fd, 1, 100);
    heard = listener.notifications();
  }
  EXPECT_EQ(heard, std::vector<std::string>{std::string(kNotifyChannel)});
}

TEST_F(PostgresOutboxTest, RelaysStartingTogetherMigrateOnce) {
  testing::PostgresDatabase fresh;
  std::vector<std::unique_ptr<Outbox>> opened(3);
  std::vector<std::thread> starts;
  for (auto& o : opened) starts.emplace_back([&o, &fresh] { o = open_postgres_outbox(fresh.url()); });
  for (auto& t : starts) t.join();
  for (auto& o : opened) EXPECT_TRUE(o);
  PgConnection db(fresh.url(), 5s);
  EXPECT_EQ(postgres_schema_version(db), postgres_migrations().back().version);
  EXPECT_EQ(db.exec("SELECT count(*) FROM relay_schema_migrations").integer(0, 0),
            static_cast<std::int64_t>(postgres_migrations().size()));
}

TEST_F(PostgresOutboxTest, ASchemaNewerThanTheBinaryIsRefused) {
  PgConnection db(database.url(), 5s);
  db.exec("INSERT INTO relay_schema_migrations (version) VALUES (999)");
  try {
    open_postgres_outbox(database.url());
    FAIL() << "opened a schema from the future";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.fault, StoreFault::incompatible);
    EXPECT_NE(std::string(e.what()).find("version 999, newer than this relay knows"), std::string::npos) << e.what();
  }
}

TEST(PostgresOutboxFaults, AnUnreachableServerIsUnavailable) {
  try {
    open_postgres_outbox("postgresql://relay_test:relay_test@127.0.0.1:1/relay?connect_timeout=2");
    FAIL() << "connected to nothing";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.fault, StoreFault::unavailable);
    EXPECT_NE(std::string(e.what()).find("postgres: cannot connect: "), std::string::npos) << e.what();
  }
}

TEST_F(PostgresOutboxTest, AConnectionKilledMidTransactionFailsThatCallAndTheNextOneReconnects) {
  relay_a->accept(std::vector{event("e1")}, t0, 24h);
  testing::PostgresDatabase::admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                   database.name() + "' AND pid <> pg_backend_pid()");
  try {
    relay_a->accept(std::vector{event("e2")}, t0, 24h);
    FAIL() << "an accept on a killed connection reported success";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.fault, StoreFault::unavailable) << e.what();
  }
  EXPECT_EQ(relay_a->accept(std::vector{event("e2")}, t0, 24h)[0].stored, 1u);
  EXPECT_EQ(relay_a->claim(t0, 10, 30s).size(), 2u) << "what was committed before is all there";
}

TEST_F(PostgresOutboxTest, BodiesKeepEveryByteAndAnswersAreStoredAsText) {
  NewEvent binary = event("e1");
  binary.deliveries[0].body = std::string("a\0b\xff", 4);
  relay_a->accept(std::vector{binary}, t0, 24h);
  const auto c = relay_a->claim(t0, 1, 30s).at(0);
  EXPECT_EQ(c.body, std::string("a\0b\xff", 4));
  relay_a->finish(c, Attempt{t0, 5ms, 200, "", std::string("ok\0\xfe", 4)}, Verdict::delivered, {});
  EXPECT_EQ(relay_a->attempts(c.id).at(0).response, "ok \xef\xbf\xbd");
}

}  // namespace
}  // namespace relay::store
