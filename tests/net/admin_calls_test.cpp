// The admin calls the console adds: purging dead letters, a delivery's body, the pattern tester.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/net/admin_api.hpp"
#include "relay/store/sqlite_outbox.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
const store::TimePoint t0 = store::TimePoint(std::chrono::hours(24 * 20000));

std::variant<Answer, AdminCall> parse(std::string_view method, std::string_view target) {
  return parse_admin_call(method, target, "Bearer t0k", "t0k", t0);
}

unsigned refusal(std::string_view method, std::string_view target) {
  const auto parsed = parse(method, target);
  return std::holds_alternative<Answer>(parsed) ? std::get<Answer>(parsed).status : 0;
}

class AdminCallsTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Outbox> box = store::open_sqlite_outbox(dir.path() + "/relay.db");

  // e1 and e2 dead (to hooks a and b), e3 pending.
  void SetUp() override {
    const auto event = [](std::string id, std::string destination) {
      return store::NewEvent{std::move(id), "aws.ecs", "ECS Task State Change",
                             {{"ecs", std::move(destination), "application/json", R"({"n": 1})"}}};
    };
    std::vector<store::NewEvent> events{event("e1", "a"), event("e2", "b")};
    box->accept(events, t0, 24h);
    for (const auto& claimed : box->claim(t0, 10, 30s))
      box->finish(claimed, {t0, 5ms, 400, "", "bad"}, store::Verdict::dead, {});
    std::vector<store::NewEvent> pending{event("e3", "a")};
    box->accept(pending, t0, 24h);
  }

  json::value answer(std::string_view method, std::string_view target, unsigned status = 200) {
    auto parsed = parse(method, target);
    EXPECT_TRUE(std::holds_alternative<AdminCall>(parsed)) << std::get<Answer>(parsed).body;
    const Answer a = answer_from_store(std::get<AdminCall>(parsed), *box, t0 + 1min);
    EXPECT_EQ(a.status, status) << a.body;
    return json::parse(a.body);
  }
};

TEST_F(AdminCallsTest, PurgeNeedsAnIdFiltersOrAllAndDeletesDeadLettersOnly) {
  EXPECT_EQ(refusal("POST", "/admin/dlq/purge"), 400u);
  EXPECT_EQ(refusal("POST", "/admin/dlq/purge?all=true&destination=a"), 400u);
  EXPECT_EQ(refusal("POST", "/admin/dlq/purge?status=dead"), 400u);
  EXPECT_EQ(refusal("GET", "/admin/dlq/purge?all=true"), 405u);
  EXPECT_EQ(answer("POST", "/admin/dlq/purge?destination=a"), json::parse(R"({"purged": 1})"));
  EXPECT_EQ(box->backlog().dead, 1u);
  EXPECT_EQ(box->backlog().count, 1u) << "the pending delivery to a stays";
  EXPECT_EQ(answer("POST", "/admin/dlq/purge?all=true"), json::parse(R"({"purged": 1})"));
  EXPECT_EQ(box->backlog().dead, 0u);
}

TEST_F(AdminCallsTest, ShowsADeliveryWithItsBodyWhileKept) {
  const auto rows = box->deliveries({});
  for (const auto& row : rows) {
    const auto shown = answer("GET", "/admin/deliveries/" + std::to_string(row.id));
    EXPECT_EQ(shown.at("body"), R"({"n": 1})") << row.event_id;
  }
}

Answer tested(std::string_view body) { return pattern_test_answer(body, pattern::Limits{}); }

TEST(PatternTest, AnswersWhetherTheEventMatches) {
  EXPECT_EQ(refusal("POST", "/admin/pattern/test"), 0u);
  EXPECT_EQ(refusal("GET", "/admin/pattern/test"), 405u);
  const std::string event = R"("event": {"source": "aws.ecs", "detail": {"state": "STOPPED"}})";
  Answer a = tested(R"({"pattern": {"detail": {"state": ["STOPPED"]}}, )" + event + "}");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"match": true})"));
  a = tested(R"({"pattern": {"source": [{"prefix": "aws.ec2"}]}, )" + event + "}");
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"match": false})"));
}

TEST(PatternTest, GivesTheMatchersMessageForAnInvalidPattern) {
  const Answer a = tested(R"({"pattern": {"detail": {"state": [{"prefx": "S"}]}}, "event": {}})");
  EXPECT_EQ(a.status, 400u);
  const auto body = json::parse(a.body);
  EXPECT_EQ(body.at("error"), "invalid pattern");
  ASSERT_EQ(body.at("problems").as_array().size(), 1u);
  EXPECT_NE(std::string(body.at("problems").at(0).as_string()).find("detail.state[0]"), std::string::npos) << a.body;
}

TEST(PatternTest, RefusesABodyThatIsNotAPatternAndAnEvent) {
  for (const auto* body : {"", "[]", R"({"pattern": {}})", R"({"event": {}})", "{not json"}) {
    const Answer a = tested(body);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_NE(a.body.find("pattern"), std::string::npos) << body;
  }
}

}  // namespace
}  // namespace relay::net
