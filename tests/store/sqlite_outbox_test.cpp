#include "relay/store/sqlite_db.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/support/run_process.hpp"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace relay::store {
namespace {

using namespace std::chrono_literals;
const TimePoint t0 = TimePoint(std::chrono::hours(24 * 20000));

NewEvent event(const std::string& id, std::vector<std::string> destinations = {"hook"}) {
  NewEvent e{id, "aws.ecs", "ECS Task State Change", {}};
  for (auto& d : destinations) e.deliveries.push_back({"ecs", d, "application/json", "{\"id\": \"" + id + "\"}"});
  return e;
}

Attempt answered(TimePoint at, int status) { return Attempt{at, 12ms, status, "", "ok"}; }

class SqliteOutboxTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.path() + "/var/relay.db";
  std::unique_ptr<Outbox> box = open_sqlite_outbox(path);

  std::vector<AcceptResult> accept(std::vector<NewEvent> events, TimePoint now = t0) {
    return box->accept(events, now, 24h);
  }
};

TEST_F(SqliteOutboxTest, AKeptValueIsTheFirstOneStoredAndOutlivesTheConnection) {
  EXPECT_EQ(box->kept_value("oauth.signing_key", "first"), "first");
  EXPECT_EQ(box->kept_value("oauth.signing_key", "second"), "first");
  EXPECT_EQ(box->kept_value("other", "x"), "x");
  box.reset();
  EXPECT_EQ(open_sqlite_outbox(path)->kept_value("oauth.signing_key", "third"), "first");
}

TEST_F(SqliteOutboxTest, AcceptedDeliveriesAreClaimedOnceAndDelivered) {
  auto r = accept({event("e1", {"a", "b"}), event("e2")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].stored, 2u);
  EXPECT_EQ(r[1].stored, 1u);
  EXPECT_EQ(box->backlog().count, 3u);

  auto claimed = box->claim(t0, 10, 30s);
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_EQ(claimed[0].attempt, 1);
  EXPECT_EQ(claimed[0].body, "{\"id\": \"e1\"}");
  EXPECT_TRUE(box->claim(t0, 10, 30s).empty()) << "leased deliveries are not claimed twice";

  for (const auto& c : claimed) EXPECT_TRUE(box->finish(c, answered(t0, 200), Verdict::delivered, {}));
  EXPECT_EQ(box->backlog().count, 0u);
  auto row = box->delivery(claimed[0].id).value();
  EXPECT_EQ(row.state, State::delivered);
  EXPECT_EQ(row.last_status, 200);
  auto log = box->attempts(claimed[0].id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].latency, 12ms);
  EXPECT_EQ(log[0].response, "ok");
}

TEST_F(SqliteOutboxTest, TheSameEventIdWithinTheWindowIsAcknowledgedNotStored) {
  EXPECT_EQ(accept({event("e1")})[0].stored, 1u);
  auto again = accept({event("e1")}, t0 + 1h);
  EXPECT_EQ(again[0].stored, 0u);
  EXPECT_EQ(again[0].duplicates, 1u);
  EXPECT_EQ(accept({event("e1", {"other"})}, t0 + 2h)[0].stored, 1u) << "another destination is another delivery";
  EXPECT_EQ(accept({event("e1")}, t0 + 25h)[0].stored, 1u) << "outside the window it is new";
}

TEST_F(SqliteOutboxTest, AnExpiredLeaseMakesTheDeliveryDueAgainAndFencesTheOldSender) {
  accept({event("e1")});
  auto first = box->claim(t0, 10, 30s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(box->claim(t0 + 29s, 10, 30s).empty());
  auto second = box->claim(t0 + 31s, 10, 30s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_FALSE(box->finish(first[0], answered(t0 + 32s, 200), Verdict::delivered, {}));
  EXPECT_TRUE(box->finish(second[0], answered(t0 + 32s, 200), Verdict::delivered, {}));
}

TEST_F(SqliteOutboxTest, FinishAllRecordsABatchAndSkipsOnlyTheLostLeases) {
  accept({event("e1"), event("e2"), event("e3")});
  auto first = box->claim(t0, 10, 30s);
  ASSERT_EQ(first.size(), 3u);
  auto again = box->claim(t0 + 31s, 1, 30s);  // one lease ran out and went to a newer attempt
  ASSERT_EQ(again.size(), 1u);
  std::stable_partition(first.begin(), first.end(), [&](const Claimed& c) { return c.id == again[0].id; });
  const std::vector<Finish> batch{{first[0].id, first[0].attempt, answered(t0, 200), Verdict::delivered, {}},
                                  {first[1].id, first[1].attempt, answered(t0, 503), Verdict::retry, t0 + 5min},
                                  {first[2].id, first[2].attempt, answered(t0, 400), Verdict::dead, {}}};
  EXPECT_EQ(box->finish_all(batch), (std::vector<bool>{false, true, true}));
  EXPECT_EQ(box->delivery(first[0].id)->state, State::in_flight);
  EXPECT_TRUE(box->attempts(first[0].id).empty());
  EXPECT_EQ(box->delivery(first[1].id)->state, State::pending);
  EXPECT_EQ(box->delivery(first[1].id)->next_attempt, t0 + 5min);
  EXPECT_EQ(box->delivery(first[2].id)->state, State::dead);
  EXPECT_EQ(box->attempts(first[2].id).at(0).status, 400);
}

TEST_F(SqliteOutboxTest, RetriesWaitUntilTheirTime) {
  accept({event("e1")});
  auto c = box->claim(t0, 10, 30s).at(0);
  EXPECT_TRUE(box->finish(c, answered(t0, 503), Verdict::retry, t0 + 5min));
  EXPECT_EQ(box->delivery(c.id)->state, State::pending);
  EXPECT_EQ(box->next_due().value(), t0 + 5min);
  EXPECT_TRUE(box->claim(t0 + 4min, 10, 30s).empty());
  auto again = box->claim(t0 + 5min, 10, 30s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 2);
}

// A paused destination's deliveries stay pending, untouched, and do not make the next due time.
TEST_F(SqliteOutboxTest, SkippedDestinationsAreNeitherClaimedNorDue) {
  accept({event("e1", {"paused", "live"}), event("e2", {"paused"})});
  const std::vector<std::string> paused = {"paused"};
  auto claimed = box->claim(t0, 10, 30s, paused);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].destination, "live");
  EXPECT_TRUE(box->finish(claimed[0], answered(t0, 200), Verdict::delivered, {}));
  EXPECT_FALSE(box->next_due(paused)) << "only paused deliveries wait";
  EXPECT_EQ(box->next_due().value(), t0);

  Filter held;
  held.destination = "paused";
  for (const auto& row : box->deliveries(held)) {
    EXPECT_EQ(row.state, State::pending);
    EXPECT_EQ(row.attempts, 0);
  }
  EXPECT_TRUE(box->claim(t0 + 1h, 10, 30s, paused).empty());
  EXPECT_EQ(box->claim(t0 + 1h, 10, 30s).size(), 2u) << "unpaused, they go";
}

TEST_F(SqliteOutboxTest, NamesToSkipAreMatchedExactly) {
  accept({event("e1", {"a\"b", "a", "A"})});
  const std::vector<std::string> skip = {"a\"b", "x"};
  auto claimed = box->claim(t0, 10, 30s, skip);
  std::vector<std::string> names;
  for (const auto& c : claimed) names.push_back(c.destination);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"A", "a"}));
}

TEST_F(SqliteOutboxTest, APostponedAttemptWaitsAndDoesNotCount) {
  accept({event("e1")});
  auto c = box->claim(t0, 10, 30s).at(0);
  const Attempt no_credentials{t0, 0ms, 0, "no AWS credentials: environment: not set", ""};
  EXPECT_TRUE(box->finish(c, no_credentials, Verdict::postpone, t0 + 30s));
  EXPECT_EQ(box->delivery(c.id)->state, State::pending);
  EXPECT_EQ(box->delivery(c.id)->attempts, 0);
  EXPECT_EQ(box->attempts(c.id).at(0).error, no_credentials.error) << "shown until the next attempt";
  EXPECT_TRUE(box->claim(t0 + 29s, 10, 30s).empty());
  auto again = box->claim(t0 + 30s, 10, 30s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 1) << "the postponed attempt is not counted";
  EXPECT_TRUE(box->finish(again[0], answered(t0 + 30s, 200), Verdict::delivered, {}));
  ASSERT_EQ(box->attempts(c.id).size(), 1u);
  EXPECT_EQ(box->attempts(c.id).at(0).status, 200);
  EXPECT_EQ(box->backlog().count, 0u);
}

TEST_F(SqliteOutboxTest, DeadLettersAreReplayedAndTheLogKeepsEveryAttempt) {
  accept({event("e1", {"a"}), event("e2", {"b"})});
  for (auto& c : box->claim(t0, 10, 30s)) box->finish(c, answered(t0, 400), Verdict::dead, {});
  Filter dead;
  dead.state = State::dead;
  EXPECT_EQ(box->deliveries(dead).size(), 2u);
  EXPECT_EQ(box->backlog().dead, 2u);

  Filter only_a;
  only_a.destination = "a";
  EXPECT_EQ(box->replay(only_a, t0 + 1h), 1u);
  auto c = box->claim(t0 + 1h, 10, 30s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].destination, "a");
  box->finish(c[0], answered(t0 + 1h, 200), Verdict::delivered, {});
  auto log = box->attempts(c[0].id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 400);
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(box->replay(Filter{}, t0 + 2h), 1u) << "the other dead letter";
}

TEST_F(SqliteOutboxTest, PruneDropsOldDeliveredRowsButKeepsDeadLetters) {
  accept({event("e1"), event("e2")});
  auto c = box->claim(t0, 10, 30s);
  box->finish(c[0], answered(t0, 200), Verdict::delivered, {});
  box->finish(c[1], answered(t0, 400), Verdict::dead, {});
  EXPECT_EQ(box->prune(t0 + 1h, t0 + 1h), 1u);
  EXPECT_FALSE(box->delivery(c[0].id));
  EXPECT_TRUE(box->attempts(c[0].id).empty());
  EXPECT_TRUE(box->delivery(c[1].id));
  EXPECT_EQ(accept({event("e1")}, t0 + 2h)[0].stored, 1u) << "pruned dedupe records no longer match";
  Filter f;
  EXPECT_EQ(box->purge_dead(f), 1u);
}

TEST_F(SqliteOutboxTest, SurvivesReopening) {
  accept({event("e1")});
  box.reset();
  box = open_sqlite_outbox(path);
  auto c = box->claim(t0, 10, 30s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].event_id, "e1");
}

TEST_F(SqliteOutboxTest, FiltersDeliveries) {
  accept({event("e1", {"a", "b"}), event("e2", {"a"})}, t0);
  accept({event("e3", {"a"})}, t0 + 1h);
  Filter f;
  f.destination = "a";
  EXPECT_EQ(box->deliveries(f).size(), 3u);
  f.event_id = "e2";
  EXPECT_EQ(box->deliveries(f).size(), 1u);
  Filter since;
  since.since = t0 + 30min;
  EXPECT_EQ(box->deliveries(since).size(), 1u);
  Filter limited;
  limited.limit = 2;
  EXPECT_EQ(box->deliveries(limited).size(), 2u);
}

TEST_F(SqliteOutboxTest, TheOwnerMakesTheLeasesOfItsDeadPredecessorDueAtOnce) {
  accept({event("e1"), event("e2"), event("e3")});
  ASSERT_EQ(box->claim(t0, 2, 75s).size(), 2u);  // in flight when the process dies
  box.reset();
  box = open_sqlite_outbox(path, {.owner = true});
  EXPECT_EQ(box->recover_own_leases(t0 + 2s), 2u);
  auto again = box->claim(t0 + 2s, 10, 75s);
  ASSERT_EQ(again.size(), 3u) << "the two whose lease still ran, and the pending one";
  EXPECT_EQ(std::count_if(again.begin(), again.end(), [](const Claimed& c) { return c.attempt == 2; }), 2);
  EXPECT_EQ(box->recover_own_leases(t0 + 2s), 3u) << "its own leases too: called once, at open";
}

TEST_F(SqliteOutboxTest, OneOwnerAtATimeWhileOperatorsStillRead) {
  box = open_sqlite_outbox(path, {.owner = true});
  try {
    open_sqlite_outbox(path, {.owner = true});
    ADD_FAILURE() << "a second owner was let in";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the outbox " + path + " is in use by another relay serve (it holds " + path + ".lock)");
  }
  auto reader = open_sqlite_outbox(path);  // relay deliveries, relay dlq: no ownership
  EXPECT_EQ(reader->backlog().count, 0u);
  box.reset();
  EXPECT_NO_THROW(box = open_sqlite_outbox(path, {.owner = true})) << "free once the owner is gone";
}

TEST(SqliteOutboxFiles, AreCreatedForTheirOwnerAlone) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/var/lib/relay.db";
  const mode_t umask_before = ::umask(0);  // the loosest umask: the modes come from relay alone
  auto box = open_sqlite_outbox(path, {.owner = true});
  ::umask(umask_before);
  NewEvent e{"e1", "s", "t", {{"r", "hook", "application/json", "{}"}}};
  box->accept(std::span(&e, 1), t0, 24h);
  const auto mode = [](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  };
  EXPECT_EQ(mode(dir.path() + "/var"), 0700u);
  EXPECT_EQ(mode(dir.path() + "/var/lib"), 0700u);
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) EXPECT_EQ(mode(path + suffix), 0600u) << suffix;
}

// An open read transaction on the file, as an operator's query holds one: the log cannot
// start over while it lasts.
struct PinnedReader {
  explicit PinnedReader(const std::string& path) : db(path), query(db.prepare("SELECT count(*) FROM deliveries")) {
    db.exec("BEGIN");
    query.step();
  }
  ~PinnedReader() {
    query.reset();
    db.exec("COMMIT");
  }
  SqliteDb db;
  Statement query;
};

std::uintmax_t wal_size(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path + "-wal", ec);
  return ec ? 0 : n;
}

TEST_F(SqliteOutboxTest, ACheckpointTrimsTheLogOnceReadersLetIt) {
  NewEvent big = event("big");
  big.deliveries[0].body = std::string(4096, 'x');
  std::optional<PinnedReader> reader(std::in_place, path);
  for (int i = 0; i < 600; ++i) {
    big.event_id = "e" + std::to_string(i);
    box->accept(std::span(&big, 1), t0, 24h);
  }
  const auto grown = wal_size(path);
  EXPECT_GT(grown, 4u << 20) << "600 commits under a reader";
  EXPECT_FALSE(box->checkpoint()) << "the reader is in the way";
  reader.reset();
  EXPECT_TRUE(box->checkpoint());
  EXPECT_EQ(wal_size(path), 0u);
  EXPECT_EQ(box->backlog().count, 600u);
}

TEST(SqliteOutboxFaults, MaxBytesCountsTheWriteAheadLog) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/capped.db";
  auto box = open_sqlite_outbox(path, {true, 5000ms, 1 << 20});
  std::optional<PinnedReader> reader(std::in_place, path);
  std::size_t stored = 0;
  std::string refusal;
  for (int i = 0; i < 2000 && refusal.empty(); ++i) {
    NewEvent e = event("e" + std::to_string(i));  // ~100 bytes each: the pages stay far below the cap
    try {
      stored += box->accept(std::span(&e, 1), t0, 24h)[0].stored;
    } catch (const StoreError& error) {
      refusal = error.what();
    }
  }
  EXPECT_THAT(refusal, ::testing::HasSubstr("the outbox is full"));
  EXPECT_LT(stored, 2000u);
  EXPECT_LE(wal_size(path), (1u << 20) + (64u << 10)) << "refused as the log reached the cap";
  reader.reset();
  NewEvent after = event("after");
  EXPECT_EQ(box->accept(std::span(&after, 1), t0, 24h)[0].stored, 1u) << "a checkpoint made room";
  EXPECT_EQ(box->backlog().count, stored + 1);
}

TEST(SqliteOutboxFaults, AFullDatabaseThrowsAndKeepsWhatWasCommitted) {
  testing::TempDir dir;
  auto box = open_sqlite_outbox(dir.path() + "/small.db", {true, 5000ms, 64 * 1024});
  NewEvent big = event("big");
  big.deliveries[0].body = std::string(16 * 1024, 'x');
  std::size_t stored = 0;
  bool full = false;
  for (int i = 0; i < 100 && !full; ++i) {
    big.event_id = "e" + std::to_string(i);
    try {
      stored += box->accept(std::span(&big, 1), t0, 24h)[0].stored;
    } catch (const StoreError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("full"));
      full = true;
    }
  }
  EXPECT_TRUE(full);
  EXPECT_EQ(box->backlog().count, stored) << "the failed batch left nothing behind";
}

TEST(SqliteOutboxTogether, CallsCommitAsOne) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/relay.db";
  auto box = open_sqlite_outbox(path);
  const NewEvent first = event("first"), second = event("second");
  box->together([&] {
    box->accept(std::span(&first, 1), t0, 24h);
    EXPECT_EQ(box->claim(t0, 10, 60s).size(), 1u) << "a call sees what the calls before it did";
    box->accept(std::span(&second, 1), t0, 24h);
  });
  auto reopened = open_sqlite_outbox(path);
  const auto claimed = reopened->claim(t0 + 120s, 10, 60s);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].event_id, "first");
  EXPECT_EQ(claimed[0].attempt, 2) << "its first lease was committed too";
  EXPECT_EQ(claimed[1].body, second.deliveries[0].body);
}

TEST(SqliteOutboxTogether, AFaultThatEndsTheTransactionFailsEveryCallInIt) {
  testing::TempDir dir;
  auto box = open_sqlite_outbox(dir.path() + "/small.db", {true, 5000ms, 64 * 1024});
  NewEvent big = event("big");
  big.deliveries[0].body = std::string(128 * 1024, 'x');
  const NewEvent first = event("first"), second = event("second");
  bool later_refused = false;
  EXPECT_THROW(box->together([&] {
    box->accept(std::span(&first, 1), t0, 24h);
    EXPECT_THROW(box->accept(std::span(&big, 1), t0, 24h), StoreError);
    try {
      box->accept(std::span(&second, 1), t0, 24h);
    } catch (const StoreError& e) {
      later_refused = true;
    }
  }),
               StoreError);
  EXPECT_TRUE(later_refused) << "not committed on its own, outside the group";
  EXPECT_EQ(box->backlog().count, 0u);
  EXPECT_EQ(box->accept(std::span(&second, 1), t0, 24h)[0].stored, 1u) << "the store goes on";
}

TEST(SqliteOutboxTogether, WorkThatThrowsLeavesNothing) {
  testing::TempDir dir;
  auto box = open_sqlite_outbox(dir.path() + "/relay.db");
  const NewEvent e = event("e");
  EXPECT_THROW(box->together([&] {
    box->accept(std::span(&e, 1), t0, 24h);
    throw StoreError("gave up");
  }),
               StoreError);
  EXPECT_EQ(box->backlog().count, 0u);
  EXPECT_EQ(box->accept(std::span(&e, 1), t0, 24h)[0].stored, 1u) << "not even marked seen";
}

TEST_F(SqliteOutboxTest, ADeliveredBodyIsDroppedAndADeadOneKeptForReplay) {
  accept({event("a"), event("b")});
  const auto claimed = box->claim(t0, 10, 60s);
  ASSERT_EQ(claimed.size(), 2u);
  box->finish(claimed[0], answered(t0, 200), Verdict::delivered, t0);
  box->finish(claimed[1], answered(t0, 400), Verdict::dead, t0);
  SqliteDb raw(path);
  auto bodies = raw.prepare("SELECT count(*) FROM bodies");
  ASSERT_TRUE(bodies.step());
  EXPECT_EQ(bodies.integer(0), 1);
  EXPECT_EQ(box->replay({}, t0 + 1s), 1u);
  const auto again = box->claim(t0 + 1s, 10, 60s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].body, "{\"id\": \"b\"}");
}

TEST(SqliteOutboxUpgrade, AStoreWithBodiesInItsRowsMovesTheWaitingOnesOut) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  {
    SqliteDb old(path);
    old.exec(
        "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, source TEXT NOT NULL,"
        " detail_type TEXT NOT NULL, route TEXT NOT NULL, destination TEXT NOT NULL, content_type TEXT NOT NULL,"
        " body BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,"
        " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_status INTEGER NOT NULL DEFAULT 0,"
        " last_error TEXT NOT NULL DEFAULT '');"
        "INSERT INTO deliveries (event_id, source, detail_type, route, destination, content_type, body, state,"
        " next_attempt_at, created_at, updated_at) VALUES"
        " ('waiting', 's', 't', 'ecs', 'hook', 'application/json', 'the body', 'pending', 0, 0, 0),"
        " ('done', 's', 't', 'ecs', 'hook', 'application/json', 'sent', 'delivered', 0, 0, 0);");
  }
  auto box = open_sqlite_outbox(path);
  EXPECT_EQ(box->backlog().bytes, std::string("the body").size());
  const auto claimed = box->claim(t0, 10, 60s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].event_id, "waiting");
  EXPECT_EQ(claimed[0].body, "the body");
  EXPECT_EQ(box->deliveries({}).size(), 2u);
}

TEST(SqliteOutboxFaults, AnUnopenableFileThrows) {
  EXPECT_THROW(open_sqlite_outbox("/proc/relay-cannot-be-here/x.db"), StoreError);
}

}  // namespace
}  // namespace relay::store
