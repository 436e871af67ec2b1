// The Outbox contract, proven once for every backend: each test runs against the embedded
// SQLite file and a PostgreSQL database of its own (tests/support/postgres_database.hpp).
#include "relay/store/postgres_outbox.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/support/postgres_database.hpp"
#include "tests/store/sample_events.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace relay::store {
namespace {

using namespace std::chrono_literals;
using namespace testing_samples;

// Where a backend keeps one test's outbox: a temporary directory or a database of its own.
struct Place {
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<testing::PostgresDatabase> database;
};

struct Backend {
  std::string name;
  std::function<Place()> place;
  std::function<std::unique_ptr<Outbox>(const Place&)> open;
  bool leases_on_accept;  // else every delivery it stores waits to be claimed
};

const Backend kSqlite{"sqlite", [] { return Place{std::make_unique<testing::TempDir>(), nullptr}; },
                      [](const Place& p) { return open_sqlite_outbox(p.dir->path() + "/relay.db"); }, true};
const Backend kPostgres{"postgres", [] { return Place{nullptr, std::make_unique<testing::PostgresDatabase>()}; },
                        [](const Place& p) { return open_postgres_outbox(p.database->url()); }, false};

class OutboxConformance : public ::testing::TestWithParam<Backend> {
 protected:
  Place where = GetParam().place();
  std::unique_ptr<Outbox> box = GetParam().open(where);

  std::vector<AcceptResult> accept(std::vector<NewEvent> events, TimePoint now = t0) {
    return box->accept(events, now, 24h);
  }
};

TEST_P(OutboxConformance, AKeptValueIsTheFirstOneStoredAndOutlivesTheConnection) {
  EXPECT_EQ(box->kept_value("oauth.signing_key", "first"), "first");
  EXPECT_EQ(box->kept_value("oauth.signing_key", "second"), "first");
  EXPECT_EQ(box->kept_value("other", "x"), "x");
  box.reset();
  EXPECT_EQ(GetParam().open(where)->kept_value("oauth.signing_key", "third"), "first");
}

TEST_P(OutboxConformance, AcceptedDeliveriesAreClaimedOnceAndDelivered) {
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

TEST_P(OutboxConformance, KeepsTheBodyOfADeliveryWaitingOrDead) {
  accept({event("e1")});
  const auto claimed = box->claim(t0, 10, 30s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(box->body(claimed[0].id), "{\"id\": \"e1\"}");
  ASSERT_TRUE(box->finish(claimed[0], answered(t0, 400), Verdict::dead, {}));
  EXPECT_EQ(box->body(claimed[0].id), "{\"id\": \"e1\"}") << "a dead letter keeps its body for a replay";
  EXPECT_EQ(box->body(claimed[0].id + 1000), std::nullopt);
}

TEST_P(OutboxConformance, TheSameEventIdWithinTheWindowIsAcknowledgedNotStored) {
  EXPECT_EQ(accept({event("e1")})[0].stored, 1u);
  auto again = accept({event("e1")}, t0 + 1h);
  EXPECT_EQ(again[0].stored, 0u);
  EXPECT_EQ(again[0].duplicates, 1u);
  EXPECT_EQ(accept({event("e1", {"other"})}, t0 + 2h)[0].stored, 1u) << "another destination is another delivery";
  EXPECT_EQ(accept({event("e1")}, t0 + 25h)[0].stored, 1u) << "outside the window it is new";
}

TEST_P(OutboxConformance, AnExpiredLeaseMakesTheDeliveryDueAgainAndFencesTheOldSender) {
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

// Leased as stored: up to the limit, never for a skipped destination, claimed by nobody
// else until the lease ends, and recorded like any claim.
TEST_P(OutboxConformance, DeliveriesLeasedOnAcceptAreInFlightOnTheirFirstAttempt) {
  const LeaseOnAccept lease{2, 30s, {"paused"}};
  const std::vector<NewEvent> events = {event("e1", {"a", "paused"}), event("e2"), event("e3"), event("e1", {"a"})};
  auto r = box->accept(events, t0, 24h, lease);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[3].duplicates, 1u);
  std::vector<Claimed> leased;
  for (auto& one : r) leased.insert(leased.end(), one.leased.begin(), one.leased.end());
  const std::size_t expected = GetParam().leases_on_accept ? 2 : 0;
  ASSERT_EQ(leased.size(), expected);
  ASSERT_EQ(r[0].leased.size(), expected / 2);
  for (const auto& c : leased) {
    EXPECT_EQ(c.attempt, 1);
    EXPECT_NE(c.destination, "paused");
    const auto row = box->delivery(c.id).value();
    EXPECT_EQ(row.state, State::in_flight);
    EXPECT_EQ(row.attempts, 1);
    EXPECT_EQ(row.event_id, c.event_id);
    EXPECT_EQ(box->body(c.id), c.body);
  }
  if (!leased.empty()) {
    EXPECT_EQ(leased[0].event_id, "e1");
    EXPECT_EQ(leased[0].destination, "a");
    EXPECT_EQ(leased[0].body, "{\"id\": \"e1\"}");
    EXPECT_EQ(leased[1].event_id, "e2");
  }

  const auto claimed = box->claim(t0, 10, 1h);
  EXPECT_EQ(claimed.size(), 4u - expected) << "the others wait to be claimed";
  for (const auto& c : claimed)
    for (const auto& l : leased) EXPECT_NE(c.id, l.id);
  EXPECT_EQ(box->backlog().count, 4u);
  if (leased.empty()) return;
  EXPECT_TRUE(box->finish(leased[0], answered(t0, 200), Verdict::delivered, {}));
  EXPECT_EQ(box->delivery(leased[0].id)->state, State::delivered);
  const auto again = box->claim(t0 + 31s, 10, 30s);
  ASSERT_EQ(again.size(), 1u) << "an unrecorded lease runs out like a claim's";
  EXPECT_EQ(again[0].id, leased[1].id);
  EXPECT_EQ(again[0].attempt, 2);
  EXPECT_FALSE(box->finish(leased[1], answered(t0 + 32s, 200), Verdict::delivered, {}));
}

TEST_P(OutboxConformance, FinishAllRecordsABatchAndSkipsOnlyTheLostLeases) {
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

TEST_P(OutboxConformance, RetriesWaitUntilTheirTime) {
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
TEST_P(OutboxConformance, SkippedDestinationsAreNeitherClaimedNorDue) {
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

TEST_P(OutboxConformance, NamesToSkipAreMatchedExactly) {
  accept({event("e1", {"a\"b", "a", "A"})});
  const std::vector<std::string> skip = {"a\"b", "x"};
  auto claimed = box->claim(t0, 10, 30s, skip);
  std::vector<std::string> names;
  for (const auto& c : claimed) names.push_back(c.destination);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"A", "a"}));
}

TEST_P(OutboxConformance, APostponedAttemptWaitsAndDoesNotCount) {
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

TEST_P(OutboxConformance, DeadLettersAreReplayedAndTheLogKeepsEveryAttempt) {
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

TEST_P(OutboxConformance, TheBacklogCountsDeadLettersByDestinationAndKnowsTheOldestPending) {
  EXPECT_TRUE(box->backlog().dead_by_destination.empty());
  EXPECT_FALSE(box->backlog().oldest);
  accept({event("e1", {"a", "b"}), event("e2", {"a"}), event("e3", {"c"})});
  accept({event("e4", {"c"})}, t0 + 1h);
  for (auto& c : box->claim(t0 + 1h, 10, 30s))
    if (c.destination != "c") box->finish(c, answered(t0 + 1h, 400), Verdict::dead, {});
  const Backlog b = box->backlog();
  EXPECT_EQ(b.dead, 3u);
  EXPECT_EQ(b.dead_by_destination, (std::map<std::string, std::size_t>{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(b.count, 2u) << "c's two, in flight";
  EXPECT_EQ(b.oldest, t0);
  Filter only_a;
  only_a.destination = "a";
  box->replay(only_a, t0 + 2h);
  EXPECT_EQ(box->backlog().dead_by_destination, (std::map<std::string, std::size_t>{{"b", 1}}));
}

TEST_P(OutboxConformance, PruneDropsOldDeliveredRowsButKeepsDeadLetters) {
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

TEST_P(OutboxConformance, PruneCountsRetentionFromTheDeliveryNotTheAcceptance) {
  accept({event("late")});
  auto c = box->claim(t0 + 2h, 10, 30s);
  ASSERT_EQ(c.size(), 1u);
  box->finish(c[0], answered(t0 + 2h, 200), Verdict::delivered, {});
  EXPECT_EQ(box->prune(t0 + 1h, t0), 0u) << "accepted before the cut, delivered after it";
  EXPECT_TRUE(box->delivery(c[0].id));
  EXPECT_EQ(box->prune(t0 + 3h, t0), 1u);
}

TEST_P(OutboxConformance, SurvivesReopening) {
  accept({event("e1")});
  box.reset();
  box = GetParam().open(where);
  auto c = box->claim(t0, 10, 30s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].event_id, "e1");
}

TEST_P(OutboxConformance, FiltersDeliveries) {
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

TEST_P(OutboxConformance, CallsMadeTogetherCommitAsOne) {
  const NewEvent first = event("first"), second = event("second");
  box->together([&] {
    box->accept(std::span(&first, 1), t0, 24h);
    EXPECT_EQ(box->claim(t0, 10, 60s).size(), 1u) << "a call sees what the calls before it did";
    box->accept(std::span(&second, 1), t0, 24h);
  });
  box.reset();
  box = GetParam().open(where);
  const auto claimed = box->claim(t0 + 120s, 10, 60s);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].event_id, "first");
  EXPECT_EQ(claimed[0].attempt, 2) << "its first lease was committed too";
  EXPECT_EQ(claimed[1].body, second.deliveries[0].body);
}

TEST_P(OutboxConformance, WorkDoneTogetherThatThrowsLeavesNothing) {
  const NewEvent e = event("e");
  EXPECT_THROW(box->together([&] {
    box->accept(std::span(&e, 1), t0, 24h);
    throw StoreError("gave up");
  }),
               StoreError);
  EXPECT_EQ(box->backlog().count, 0u);
  EXPECT_EQ(box->accept(std::span(&e, 1), t0, 24h)[0].stored, 1u) << "not even marked seen";
}

// A registry change: put `spec` (delete when none) if the entry is at `expected`.
RegistryChange registry_change(std::string kind, std::string name, std::optional<std::string> spec,
                               std::optional<std::int64_t> expected = std::nullopt) {
  AuditRow audit{t0, "127.0.0.1", spec ? "put" : "delete", kind, name,
                 spec ? std::optional<std::string>("{}") : std::nullopt};
  return {std::move(kind), std::move(name), std::move(spec), expected, std::move(audit)};
}

TEST_P(OutboxConformance, RegistryEntriesArePutReplacedAndDeletedByVersion) {
  EXPECT_TRUE(box->registry().empty());
  EXPECT_EQ(box->registry_generation(), 0);
  const auto created = box->change_registry(registry_change("destination", "a", R"({"url":"https://a"})", 0));
  ASSERT_TRUE(created.done);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(box->registry_generation(), 1);
  // Absent was expected, but it is there now: nothing changes, and the current version is told.
  const auto again = box->change_registry(registry_change("destination", "a", R"({"url":"https://b"})", 0));
  EXPECT_FALSE(again.done);
  EXPECT_EQ(again.version, 1);
  const auto stale = box->change_registry(registry_change("destination", "a", R"({"url":"https://b"})", 7));
  EXPECT_FALSE(stale.done);
  EXPECT_EQ(box->registry_generation(), 1) << "a refused change counts for nothing";
  const auto replaced = box->change_registry(registry_change("destination", "a", R"({"url":"https://b"})", 1));
  ASSERT_TRUE(replaced.done);
  EXPECT_EQ(replaced.version, 2);
  ASSERT_TRUE(box->change_registry(registry_change("route", "a", R"({"handler":"ecs_task"})")).done);

  auto rows = box->registry();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kind, "destination");
  EXPECT_EQ(rows[0].spec, R"({"url":"https://b"})");
  EXPECT_EQ(rows[0].version, 2);
  EXPECT_EQ(rows[0].updated, t0);
  EXPECT_EQ(rows[1].kind, "route");
  EXPECT_EQ(rows[1].version, 3);

  EXPECT_FALSE(box->change_registry(registry_change("destination", "a", std::nullopt, 1)).done) << "stale delete";
  EXPECT_FALSE(box->change_registry(registry_change("destination", "none", std::nullopt)).done);
  ASSERT_TRUE(box->change_registry(registry_change("destination", "a", std::nullopt, 2)).done);
  EXPECT_EQ(box->registry_generation(), 4);
  // Added again, it gets a version it never had, so an old ETag cannot match it.
  EXPECT_EQ(box->change_registry(registry_change("destination", "a", "{}")).version, 5);
  box.reset();
  box = GetParam().open(where);
  EXPECT_EQ(box->registry().size(), 2u);
  EXPECT_EQ(box->registry_generation(), 5);
}

TEST_P(OutboxConformance, EveryRegistryChangeIsAuditedNewestFirst) {
  box->change_registry(registry_change("destination", "a", "{}"));
  box->change_registry(registry_change("destination", "a", "{}", 99));  // refused: not audited
  auto change = registry_change("route", "r", std::nullopt);
  box->change_registry(registry_change("route", "r", "{}"));
  change.audit.client = "cli:ops";
  change.audit.time = t0 + 5s;
  box->change_registry(change);

  const auto all = box->audit(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].time, t0 + 5s);
  EXPECT_EQ(all[0].client, "cli:ops");
  EXPECT_EQ(all[0].action, "delete");
  EXPECT_EQ(all[0].kind, "route");
  EXPECT_EQ(all[0].name, "r");
  EXPECT_FALSE(all[0].spec);
  EXPECT_EQ(all[1].action, "put");
  EXPECT_EQ(all[1].spec, "{}");
  EXPECT_EQ(all[2].kind, "destination");
  EXPECT_EQ(all[2].client, "127.0.0.1");
  EXPECT_EQ(box->audit(1).size(), 1u);
}

TEST_P(OutboxConformance, ARegistryChangeMadeTogetherWithAFailingCallStillCommits) {
  box->together([&] {
    EXPECT_TRUE(box->change_registry(registry_change("destination", "a", "{}")).done);
    EXPECT_FALSE(box->change_registry(registry_change("destination", "a", "{}", 0)).done);
  });
  EXPECT_EQ(box->registry().size(), 1u);
  EXPECT_EQ(box->audit(10).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxConformance, ::testing::Values(kSqlite, kPostgres),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace relay::store
