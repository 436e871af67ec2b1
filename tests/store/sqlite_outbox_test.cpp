#include "relay/store/sqlite_db.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/store/sample_events.hpp"
#include "tests/support/run_process.hpp"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace relay::store {
namespace {

using namespace std::chrono_literals;
using namespace testing_samples;

class SqliteOutboxTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.path() + "/var/relay.db";
  std::unique_ptr<Outbox> box = open_sqlite_outbox(path);

  std::vector<AcceptResult> accept(std::vector<NewEvent> events, TimePoint now = t0) {
    return box->accept(events, now, 24h);
  }
};

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
      EXPECT_EQ(e.fault, StoreFault::full);
      full = true;
    }
  }
  EXPECT_TRUE(full);
  EXPECT_EQ(box->backlog().count, stored) << "the failed batch left nothing behind";
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

TEST(SqliteOutboxUpgrade, AnOlderFilesIndexByStateGoesAndDeadLettersGetTheirOwn) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  open_sqlite_outbox(path).reset();
  {
    SqliteDb old(path);
    old.exec("CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at)");
  }
  open_sqlite_outbox(path).reset();
  SqliteDb raw(path);
  auto indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' ORDER BY name");
  std::vector<std::string> names;
  while (indexes.step()) names.push_back(indexes.text(0));
  EXPECT_THAT(names, ::testing::ElementsAre("deliveries_created", "deliveries_dead", "deliveries_waiting"));
}

TEST(SqliteOutboxFaults, AnUnopenableFileThrows) {
  try {
    open_sqlite_outbox("/proc/relay-cannot-be-here/x.db");
    FAIL() << "opened a file that cannot be";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.fault, StoreFault::unavailable) << e.what();
  }
}

}  // namespace
}  // namespace relay::store
