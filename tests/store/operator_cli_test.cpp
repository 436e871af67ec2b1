// relay deliveries / relay dlq against a real outbox file.
#include "relay/store/sqlite_outbox.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

class OperatorCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto box = open_sqlite_outbox(db);
    const auto now = std::chrono::system_clock::now();
    std::vector<NewEvent> events;
    for (const char* dest : {"jira", "slack", "jira"})
      events.push_back({std::string("ev-") + dest + std::to_string(events.size()), "aws.ecs", "ECS Task State Change",
                        {{"ecs", dest, "application/json", "{}"}}});
    box->accept(events, now, 24h);
    auto claimed = box->claim(now, 10, 30s);
    ASSERT_EQ(claimed.size(), 3u);
    box->finish(claimed[0], {now, 5ms, 400, "", "bad request"}, Verdict::dead, {});
    box->finish(claimed[1], {now, 5ms, 404, "", "not found"}, Verdict::dead, {});
    box->finish(claimed[2], {now, 5ms, 200, "", "ok"}, Verdict::delivered, {});
    dead_jira = claimed[0].id;
  }

  testing::ProcessResult relay(std::vector<std::string> args) {
    args.insert(args.begin(), RELAY_BINARY);
    args.push_back("--db");
    args.push_back(db);
    return testing::run_process(args);
  }

  testing::TempDir dir;
  std::string db = dir.path() + "/relay.db";
  std::int64_t dead_jira = 0;
};

std::size_t line_count(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// libpq and what it pulls in are loaded only for a PostgreSQL store (LD_DEBUG lists every load).
TEST_F(OperatorCli, ASqliteOutboxNeverLoadsLibpq) {
  auto listed = testing::run_process({RELAY_BINARY, "deliveries", "--db", db}, {}, {"LD_DEBUG=files"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.err, HasSubstr("file=libsqlite3.so.0"));
  EXPECT_THAT(listed.err, Not(HasSubstr("libpq")));
}

TEST_F(OperatorCli, ListsDeliveriesAndDeadLetters) {
  auto all = relay({"deliveries"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(line_count(all.out), 3u);
  auto delivered = relay({"deliveries", "--status", "delivered"});
  EXPECT_EQ(line_count(delivered.out), 1u);
  auto dead = relay({"dlq", "list", "--destination", "jira"});
  ASSERT_EQ(line_count(dead.out), 1u);
  auto row = boost::json::parse(dead.out).as_object();
  EXPECT_EQ(row.at("state"), "dead");
  EXPECT_EQ(row.at("last_status"), 400);
  EXPECT_EQ(relay({"deliveries", "--status", "lost"}).exit_code, 2);
  EXPECT_EQ(relay({"deliveries", "--since", "yesterday"}).exit_code, 2);
  EXPECT_EQ(line_count(relay({"deliveries", "--since", "1h"}).out), 3u);
}

TEST_F(OperatorCli, ShowsEveryAttempt) {
  auto r = relay({"deliveries", "show", std::to_string(dead_jira)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(line_count(r.out), 2u);
  EXPECT_THAT(r.out, HasSubstr(R"("response":"bad request")"));
  EXPECT_EQ(relay({"deliveries", "show", "999"}).exit_code, 1);
}

TEST_F(OperatorCli, ReplaysOneAFilteredSetOrAll) {
  EXPECT_EQ(relay({"dlq", "replay"}).exit_code, 2) << "an id, filters or --all is required";
  auto one = relay({"dlq", "replay", std::to_string(dead_jira)});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "1\n");
  EXPECT_EQ(relay({"dlq", "replay", "--destination", "jira"}).out, "0\n") << "already replayed";
  EXPECT_EQ(relay({"dlq", "replay", "--all"}).out, "1\n");
  EXPECT_EQ(line_count(relay({"deliveries", "--status", "pending"}).out), 2u);
}

TEST_F(OperatorCli, PurgesDeadLetters) {
  EXPECT_EQ(relay({"dlq", "purge", "--destination", "slack"}).out, "1\n");
  EXPECT_EQ(line_count(relay({"dlq", "list"}).out), 1u);
}

}  // namespace
}  // namespace relay::store
