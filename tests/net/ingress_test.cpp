#include "relay/net/ingress.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "relay/core/hmac_timestamp.hpp"
#include "tests/support/destinations.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

namespace json = boost::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year(2025) / 1 / 1));


class IngressTest : public ::testing::Test {
 protected:
  std::shared_ptr<const pipeline::Pipeline> pipeline_ = testing::zero_config_pipeline("http://127.0.0.1:9/hooks", "secret");
  IngressAuthenticator auth_{[] {
    config::IngressConfig c;
    c.auth = config::IngressAuth::bearer;
    c.secret = "tok";
    return c;
  }()};
  Ingress ingress_{*pipeline_, auth_};
  const std::string ecs_ = testing::read_text(RELAY_SOURCE_DIR "/payloads/samples/ecs-task-stopped-exit-codes.json");

  IngressRequest request(std::string_view body) const {
    return {"POST", "/events", "application/json; charset=utf-8", {.authorization = "Bearer tok"}, body};
  }

  Answer refused(const IngressRequest& r) {
    auto result = ingress_.admit(r, kNow);
    EXPECT_TRUE(std::holds_alternative<Answer>(result));
    return std::holds_alternative<Answer>(result) ? std::get<Answer>(result) : Answer{};
  }
};

TEST_F(IngressTest, AdmitsAnEventWithSignedDeliveries) {
  auto result = ingress_.admit(request(ecs_), kNow);
  ASSERT_TRUE(std::holds_alternative<Admitted>(result));
  const auto& admitted = std::get<Admitted>(result);
  ASSERT_EQ(admitted.events.size(), 1u);
  EXPECT_EQ(admitted.events[0].id, json::parse(ecs_).at("id").as_string());
  EXPECT_EQ(admitted.events[0].source, "aws.ecs");
  EXPECT_EQ(admitted.events[0].deliveries, admitted.deliveries.size());
  ASSERT_EQ(admitted.deliveries.size(), 1u);
  const auto& d = admitted.deliveries[0];
  EXPECT_EQ(d.destination, "webhook");
  EXPECT_EQ(json::parse(d.body).at("eventType"), "incident") << "the body, unsigned: signed when sent";
}

TEST_F(IngressTest, AnEchoedRouteNameThatIsNotUtf8StaysJson) {
  auto r = request(ecs_);
  r.target = "/events/team\xff\xc0";
  const Answer answer = refused(r);
  EXPECT_EQ(answer.status, 404u);
  EXPECT_EQ(json::parse(answer.body).at("error").as_string(), "no route is named \"team\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST_F(IngressTest, RefusalsCarryAJsonError) {
  auto r = request(ecs_);
  r.target = "/other";
  EXPECT_EQ(refused(r).status, 404u);

  r = request(ecs_);
  r.method = "GET";
  EXPECT_EQ(refused(r).status, 405u);

  r = request(ecs_);
  r.credentials.authorization = "Bearer nope";
  Answer a = refused(r);
  EXPECT_EQ(a.status, 401u);
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"error": "unauthorized"})"));

  r = request(ecs_);
  r.content_type = "text/plain";
  EXPECT_EQ(refused(r).status, 415u);

  a = refused(request(R"({"source": "aws.ecs", "detail-type": "x", "detail": 3})"));
  EXPECT_EQ(a.status, 400u);
  const auto body = json::parse(a.body).as_object();
  EXPECT_EQ(body.at("where").as_string(), "detail");
  EXPECT_FALSE(body.at("error").as_string().empty());
}

TEST_F(IngressTest, TheHeadAloneDecidesAuthenticationBeforeTheBody) {
  IngressRequest head = request("");
  head.body = {};
  EXPECT_FALSE(ingress_.screen(head)) << "a head with credentials goes on to its body";

  head.credentials.authorization = "Bearer nope";
  auto refused = ingress_.screen(head);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401u);
  EXPECT_EQ(json::parse(refused->body), json::parse(R"({"error": "unauthorized"})"));

  head = request("");
  head.content_type = "text/plain";
  EXPECT_EQ(ingress_.screen(head).value_or(Answer{}).status, 415u);
  head = request("");
  head.target = "/elsewhere";
  EXPECT_EQ(ingress_.screen(head).value_or(Answer{}).status, 404u);
  head = request("");
  head.method = "PUT";
  EXPECT_EQ(ingress_.screen(head).value_or(Answer{}).status, 405u);
}

TEST_F(IngressTest, HmacTimestampWaitsForTheBodyItSigns) {
  config::IngressConfig c;
  c.auth = config::IngressAuth::hmac_timestamp;
  c.secret = "s";
  const IngressAuthenticator hmac(c);
  Ingress ingress(*pipeline_, hmac);
  IngressRequest head = request("");
  head.credentials = {};
  EXPECT_FALSE(ingress.screen(head)) << "no verdict before the body";
  EXPECT_EQ(std::get<Answer>(ingress.admit(request(ecs_), kNow)).status, 401u);
}

TEST_F(IngressTest, ARouteDoorIsCheckedOnTheHead) {
  config::IngressConfig c;
  c.auth = config::IngressAuth::api_key;
  c.api_key_header = "x-team-key";
  c.secret = "team";
  RouteDoors doors;
  doors.emplace("ecs_task", IngressAuthenticator(c));
  Ingress ingress(*pipeline_, auth_, &doors);
  IngressRequest head = request("");
  head.target = "/events/ecs_task";
  std::string_view key;
  head.header = [&key](std::string_view name) { return name == "x-team-key" ? key : std::string_view(); };
  EXPECT_EQ(ingress.screen(head).value_or(Answer{}).status, 401u) << "the listener's bearer token does not open it";
  key = "team";
  EXPECT_FALSE(ingress.screen(head));
}

TEST_F(IngressTest, MoreEventsThanTheCapAreRefusedWhole) {
  Ingress capped(*pipeline_, auth_, nullptr, 2);
  const auto batch = [this](int n) {
    std::string body = "[";
    for (int i = 0; i < n; ++i) body += (i ? "," : "") + ecs_;
    return body + "]";
  };
  const std::string two = batch(2), three = batch(3);
  ASSERT_TRUE(std::holds_alternative<Admitted>(capped.admit(request(two), kNow)));
  auto result = capped.admit(request(three), kNow);
  ASSERT_TRUE(std::holds_alternative<Answer>(result)) << "nothing is admitted, so nothing is stored";
  const Answer& a = std::get<Answer>(result);
  EXPECT_EQ(a.status, 413u);
  EXPECT_EQ(json::parse(a.body).at("error").as_string(),
            "3 events in one request; at most 2 (ingress.max_events_per_request)");
}

TEST(IngressAnswers, ShapesAndStatuses) {
  auto a = accepted_answer({"a", "b"});
  EXPECT_EQ(a.status, 202u);
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"accepted": 2, "event_ids": ["a", "b"]})"));

  a = backlog_full_answer();
  EXPECT_EQ(a.status, 429u);
  EXPECT_EQ(a.retry_after, 1u);
  EXPECT_TRUE(json::parse(a.body).as_object().contains("error"));

  a = shutting_down_answer();
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(a.retry_after, 1u);

  a = sync_answer({"a"}, {{"webhook", true, 200, ""}});
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(json::parse(a.body), json::parse(R"({"delivered": 1, "event_ids": ["a"]})"));

  a = sync_answer({"a"}, {{"webhook", true, 200, ""}, {"jira", false, 500, ""}});
  EXPECT_EQ(a.status, 502u);
  EXPECT_EQ(json::parse(a.body).at("status").as_int64(), 500);
  EXPECT_EQ(json::parse(a.body).at("destination").as_string(), "jira");
}

TEST(IngressAnswers, JsonContentTypes) {
  for (const char* ok : {"application/json", "Application/JSON; charset=utf-8", "application/cloudevents+json"})
    EXPECT_TRUE(is_json_content_type(ok)) << ok;
  for (const char* bad : {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonp"})
    EXPECT_FALSE(is_json_content_type(bad)) << bad;
}

}  // namespace
}  // namespace relay::net

namespace relay::net {
namespace {

TEST(StoreFailureAnswer, AFaultThatMayPassIs503WithRetryAfterAnyOtherIs500) {
  for (auto fault : {store::StoreFault::unavailable, store::StoreFault::full, store::StoreFault::conflict}) {
    const Answer a = store_failure_answer(fault);
    EXPECT_EQ(a.status, 503u);
    EXPECT_EQ(a.retry_after, 1u);
  }
  for (auto fault : {store::StoreFault::corrupt, store::StoreFault::incompatible, store::StoreFault::failed}) {
    const Answer a = store_failure_answer(fault);
    EXPECT_EQ(a.status, 500u);
    EXPECT_FALSE(a.retry_after);
    EXPECT_NE(a.body.find("nothing was acknowledged"), std::string::npos) << a.body;
  }
}

}  // namespace
}  // namespace relay::net

#include "relay/net/store_health.hpp"

namespace relay::net {
namespace {

TEST(StoreHealth, AWorkingLeaseRestoresAnUnreachableStoreButNotAFullOne) {
  StoreHealth health;
  EXPECT_TRUE(health.failed("postgres: cannot connect", store::StoreFault::unavailable));
  EXPECT_FALSE(health.status().writable);
  EXPECT_TRUE(health.reached());
  EXPECT_TRUE(health.status().writable);
  EXPECT_FALSE(health.reached()) << "no change";

  EXPECT_TRUE(health.failed("the outbox is full", store::StoreFault::full));
  EXPECT_FALSE(health.reached()) << "leases work on a full store; accepts do not";
  EXPECT_FALSE(health.status().writable);
  EXPECT_TRUE(health.wrote());
  EXPECT_TRUE(health.status().writable);
}

}  // namespace
}  // namespace relay::net
