// The plain parts of durable delivery: the admin API's functions, the backlog gauge, the
// operators' filter text, and what ingress hands the outbox.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/net/admin_api.hpp"
#include "relay/net/backlog_gauge.hpp"
#include "relay/net/durable_intake.hpp"
#include "relay/store/filter_text.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
const store::TimePoint t0 = store::TimePoint(std::chrono::hours(24 * 20000));

AdminCall call_of(std::string_view method, std::string_view target) {
  auto parsed = parse_admin_call(method, target, "Bearer t0k", "t0k", t0);
  EXPECT_TRUE(std::holds_alternative<AdminCall>(parsed)) << std::get<Answer>(parsed).body;
  return std::holds_alternative<AdminCall>(parsed) ? std::get<AdminCall>(parsed) : AdminCall{};
}

unsigned refusal(std::string_view method, std::string_view target, std::string_view authorization = "Bearer t0k",
                 std::string_view token = "t0k") {
  auto parsed = parse_admin_call(method, target, authorization, token, t0);
  return std::holds_alternative<Answer>(parsed) ? std::get<Answer>(parsed).status : 0;
}

TEST(AdminApi, RefusesWithoutTheTokenOrWhenNoneIsConfigured) {
  EXPECT_EQ(refusal("GET", "/admin/deliveries", ""), 401u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries", "Bearer t0j"), 401u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries", "t0k"), 401u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries", "Bearer ", ""), 401u);
}

TEST(AdminApi, RoutesEveryCallAndRefusesTheRest) {
  EXPECT_EQ(call_of("GET", "/admin/deliveries").kind, AdminCall::Kind::deliveries);
  EXPECT_EQ(call_of("GET", "/admin/deliveries/42").filter.id, 42);
  EXPECT_EQ(call_of("GET", "/admin/dlq").kind, AdminCall::Kind::dead_letters);
  EXPECT_EQ(call_of("GET", "/admin/status").kind, AdminCall::Kind::status);
  EXPECT_EQ(call_of("GET", "/admin/overview").kind, AdminCall::Kind::overview);
  EXPECT_FALSE(call_of("GET", "/admin/overview").needs_store()) << "sync mode has an overview too";
  EXPECT_EQ(refusal("POST", "/admin/overview"), 405u);
  const AdminCall test = call_of("POST", "/admin/destinations/web%20hook/test");
  EXPECT_EQ(test.kind, AdminCall::Kind::test_destination);
  EXPECT_EQ(test.destination, "web hook");
  EXPECT_EQ(refusal("GET", "/admin/nothing"), 404u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries/x"), 404u);
  EXPECT_EQ(refusal("POST", "/admin/deliveries"), 405u);
  EXPECT_EQ(refusal("GET", "/admin/dlq/replay?all=true"), 405u);
}

TEST(AdminApi, ReadsTheCliFiltersFromTheQuery) {
  const AdminCall c =
      call_of("GET", "/admin/deliveries?status=dead&destination=hook&route=ecs&event_id=e1&since=2h&limit=5");
  EXPECT_EQ(c.filter.state, store::State::dead);
  EXPECT_EQ(c.filter.destination, "hook");
  EXPECT_EQ(c.filter.route, "ecs");
  EXPECT_EQ(c.filter.event_id, "e1");
  EXPECT_EQ(c.filter.since, t0 - 2h);
  EXPECT_EQ(c.filter.limit, 5u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries?colour=red"), 400u);
  EXPECT_EQ(refusal("GET", "/admin/deliveries?status=lost"), 400u);
  EXPECT_EQ(refusal("GET", "/admin/dlq?status=pending"), 400u) << "dead letters are dead";
  EXPECT_EQ(refusal("GET", "/admin/deliveries?since=yesterday"), 400u);
}

TEST(AdminApi, ReplayNeedsAnIdFiltersOrAll) {
  EXPECT_EQ(refusal("POST", "/admin/dlq/replay"), 400u);
  EXPECT_EQ(refusal("POST", "/admin/dlq/replay?all=true&destination=hook"), 400u);
  EXPECT_TRUE(call_of("POST", "/admin/dlq/replay?all=true").all);
  EXPECT_EQ(call_of("POST", "/admin/dlq/replay?id=7").filter.id, 7);
  EXPECT_EQ(call_of("POST", "/admin/dlq/replay?destination=hook&since=1h").filter.destination, "hook");
}

class AdminStoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Outbox> box = store::open_sqlite_outbox(dir.path() + "/relay.db");

  void SetUp() override {
    std::vector<store::NewEvent> events{{"e1", "aws.ecs", "ECS Task State Change", {{"ecs", "hook", "application/json", "{}"}}},
                                        {"e2", "aws.ecs", "ECS Task State Change", {{"ecs", "hook", "application/json", "{}"}}}};
    box->accept(events, t0, 24h);
    auto claimed = box->claim(t0, 10, 30s);
    box->finish(claimed.at(0), {t0, 5ms, 400, "", "bad"}, store::Verdict::dead, {});
    box->finish(claimed.at(1), {t0, 5ms, 200, "", "ok"}, store::Verdict::delivered, {});
  }

  json::value answer(std::string_view method, std::string_view target, unsigned status = 200) {
    const Answer a = answer_from_store(call_of(method, target), *box, t0 + 1min);
    EXPECT_EQ(a.status, status) << a.body;
    return json::parse(a.body);
  }
};

TEST_F(AdminStoreTest, ListsDeliveriesAndDeadLettersWithTheRowJson) {
  EXPECT_EQ(answer("GET", "/admin/deliveries").at("deliveries").as_array().size(), 2u);
  const auto dead = answer("GET", "/admin/dlq").at("dead_letters").as_array();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].at("event_id"), "e1");
  EXPECT_EQ(dead[0].at("last_status"), 400);
  EXPECT_EQ(answer("GET", "/admin/deliveries?status=delivered").at("deliveries").as_array().size(), 1u);
}

TEST_F(AdminStoreTest, ShowsOneDeliveryWithItsAttempts) {
  const auto id = std::to_string(box->deliveries({}).back().id);
  const auto shown = answer("GET", "/admin/deliveries/" + id);
  EXPECT_EQ(shown.at("delivery").at("event_id"), "e1");
  ASSERT_EQ(shown.at("attempts").as_array().size(), 1u);
  EXPECT_EQ(shown.at("attempts").at(0).at("response"), "bad");
  answer("GET", "/admin/deliveries/999", 404);
}

TEST_F(AdminStoreTest, ReplaysDeadLettersOnly) {
  EXPECT_EQ(answer("POST", "/admin/dlq/replay?destination=other"), json::parse(R"({"replayed": 0})"));
  EXPECT_EQ(answer("POST", "/admin/dlq/replay?all=true"), json::parse(R"({"replayed": 1})"));
  EXPECT_EQ(box->backlog().count, 1u);
  EXPECT_EQ(box->backlog().dead, 0u);
}

TEST(AdminApi, StatusAndDestinationTestAnswers) {
  Answer a = status_answer({true, ""}, {3, 300});
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"store": {"writable": true}, "backlog": {"count": 3, "bytes": 300}})"));
  a = status_answer({false, "database or disk is full"}, {3, 300});
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(json::parse(a.body).at_pointer("/store/error"), "database or disk is full");

  a = destination_test_answer("hook", {true, 204, "", "", 12ms});
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(json::parse(a.body),
            json::parse(R"({"destination": "hook", "status": 204, "latency_ms": 12, "response": ""})"));
  a = destination_test_answer("hook", {false, 0, "connection refused", "", 1ms});
  EXPECT_EQ(a.status, 502u);
  EXPECT_EQ(json::parse(a.body).at("error"), "connection refused");
}

TEST(BacklogGauge, AdmitsUpToEitherBoundExactly) {
  BacklogGauge gauge(10, 1000);
  EXPECT_TRUE(gauge.reserve({6, 100}));
  EXPECT_FALSE(gauge.reserve({5, 100})) << "count";
  EXPECT_TRUE(gauge.reserve({4, 100}));
  gauge.committed({6, 100}, {6, 100});
  gauge.committed({4, 100}, {3, 75});  // one duplicate
  EXPECT_EQ(gauge.stored().count, 9u);
  EXPECT_FALSE(gauge.reserve({1, 926})) << "bytes";
  EXPECT_TRUE(gauge.reserve({1, 825}));
  gauge.committed({1, 825}, {0, 0});  // the commit failed
  gauge.removed({4, 75});
  EXPECT_EQ(gauge.stored().count, 5u);
  EXPECT_EQ(gauge.stored().bytes, 100u);
  gauge.resync({2, 40, std::nullopt, 7});
  EXPECT_EQ(gauge.stored().count, 2u);
  EXPECT_EQ(gauge.stored().bytes, 40u);
  gauge.removed({5, 500});
  EXPECT_EQ(gauge.stored().count, 0u) << "never below zero";
}

TEST(BacklogGauge, KeepsTheOldestPendingAndDeadLettersByDestination) {
  BacklogGauge gauge(10, 1000);
  EXPECT_FALSE(gauge.oldest());
  EXPECT_TRUE(gauge.dead_letters().empty());
  gauge.resync({2, 40, t0 - 1h, 3, {{"a", 1}, {"b", 2}}});
  EXPECT_EQ(gauge.oldest(), t0 - 1h);
  gauge.dead_letter("a");
  gauge.dead_letter("c");
  EXPECT_EQ(gauge.dead_letters(), (std::map<std::string, std::size_t>{{"a", 2}, {"b", 2}, {"c", 1}}));
  gauge.removed({1, 20});
  EXPECT_EQ(gauge.oldest(), t0 - 1h);
  gauge.removed({1, 20});
  EXPECT_FALSE(gauge.oldest()) << "nothing waits";
  gauge.resync({0, 0, std::nullopt, 0, {}});
  EXPECT_TRUE(gauge.dead_letters().empty()) << "replayed or purged";
}

TEST(FilterText, ParsesEveryFieldAndNamesTheBadOne) {
  store::FilterText t;
  t.id = "3";
  t.until = "2025-01-01T00:00:00Z";
  auto parsed = store::parse_filter(t, t0);
  ASSERT_TRUE(std::holds_alternative<store::Filter>(parsed));
  EXPECT_EQ(std::get<store::Filter>(parsed).id, 3);
  EXPECT_TRUE(std::get<store::Filter>(parsed).until);
  EXPECT_TRUE(store::narrows(t));
  for (auto [field, slot] : {std::pair{"id", &store::FilterText::id}, std::pair{"limit", &store::FilterText::limit},
                             std::pair{"status", &store::FilterText::status}, std::pair{"since", &store::FilterText::since}}) {
    store::FilterText bad;
    bad.*slot = "-1x";
    auto problem = store::parse_filter(bad, t0);
    ASSERT_TRUE(std::holds_alternative<store::FilterProblem>(problem)) << field;
    EXPECT_EQ(std::get<store::FilterProblem>(problem).field, field);
  }
  store::FilterText status_only;
  status_only.status = "dead";
  status_only.limit = "5";
  EXPECT_FALSE(store::narrows(status_only));
}

TEST(DurableIntake, HandsTheOutboxEachEventWithItsUnsignedBodies) {
  Admitted admitted;
  admitted.events = {{"e1", "aws.ecs", "ECS Task State Change", 2}, {"e2", "aws.ec2", "x", 0}, {"e3", "s", "d", 1}};
  for (const char* body : {"b1", "b2", "b3"})
    admitted.deliveries.push_back({"ecs", "ecs_task", "hook", "application/json", body});
  const auto events = new_events(admitted);
  ASSERT_EQ(events.size(), 2u) << "e2 matched no route";
  EXPECT_EQ(events[0].event_id, "e1");
  EXPECT_EQ(events[0].source, "aws.ecs");
  ASSERT_EQ(events[0].deliveries.size(), 2u);
  EXPECT_EQ(events[0].deliveries[1].body, "b2");
  EXPECT_EQ(events[1].event_id, "e3");
  EXPECT_EQ(events[1].deliveries.at(0).body, "b3");
  EXPECT_EQ(events[1].deliveries.at(0).destination, "hook");
  EXPECT_EQ(admitted.event_ids(), (std::vector<std::string>{"e1", "e2", "e3"}));
}

}  // namespace
}  // namespace relay::net
