#include "relay/core/hmac_timestamp.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "tests/support/destinations.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::pipeline {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;

constexpr const char* kTimestamp = "2025-01-01T00:00:00.000Z";

json::value event_from(const char* sample) {
  core::EventDecoder decoder;
  std::vector<json::value> out;
  auto err = decoder.decode(testing::read_text(std::string(RELAY_SOURCE_DIR "/payloads/samples/") + sample), out);
  EXPECT_FALSE(err);
  return out.at(0);
}

constexpr const char* kHook = R"({"hook": {"url": "https://h.example/", "secret": "k"}})";

std::unique_ptr<Pipeline> one_route(const std::string& handler, json::object options,
                                    std::string_view destination_mapping = kHook) {
  auto destinations = testing::destinations_from(destination_mapping);
  std::vector<std::string> names;
  for (const auto& d : destinations->all()) names.push_back(d->name());
  std::vector<RouteSpec> routes{{"r", handler, std::move(options), std::nullopt, names}};
  std::vector<std::string> errors;
  auto p = Pipeline::build(std::move(destinations), std::move(routes), errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front());
  return p;
}

Outcome run(const Pipeline& p, const char* sample) {
  Outcome out;
  p.process(event_from(sample), out);
  return out;
}

json::object body_of(const Outcome& o, std::size_t i = 0) { return json::parse(o.deliveries.at(i).body).as_object(); }

TEST(CloudWatchAlarm, SkipsOkUnlessResolveOnOk) {
  auto off = run(*one_route("cloudwatch_alarm", {}), "cloudwatch-alarm-lambda-action-back-to-ok.json");
  EXPECT_TRUE(off.deliveries.empty());
  ASSERT_EQ(off.skipped.size(), 1u);
  EXPECT_EQ(off.skipped[0].reason, "alarm state is OK and resolve_on_ok is off");
}

TEST(CloudWatchAlarm, ResolvesWithTheIncidentIdTheAlarmCreated) {
  auto p = one_route("cloudwatch_alarm", {{"resolve_on_ok", true}});
  auto alarm = body_of(run(*p, "cloudwatch-alarm-lambda-action-metric-alarm.json"));
  auto ok = body_of(run(*p, "cloudwatch-alarm-lambda-action-back-to-ok.json"));
  EXPECT_EQ(alarm.at("action"), "created");
  EXPECT_EQ(ok.at("action"), "resolved");
  EXPECT_EQ(alarm.at("incidentId"), ok.at("incidentId"));
  EXPECT_EQ(ok.at("incidentId"), "lambda-demo-metric-alarm-2023-08-04T12:36:15.490+0000");

  auto env_alarm = body_of(run(*p, "cloudwatch-alarm-state-change-single-metric.json"));
  auto env_ok = body_of(run(*p, "cloudwatch-alarm-state-change-back-to-ok.json"));
  EXPECT_EQ(env_alarm.at("incidentId"), env_ok.at("incidentId"));
  EXPECT_EQ(env_ok.at("action"), "resolved");
}

TEST(CloudWatchAlarm, SkipsInsufficientData) {
  auto out = run(*one_route("cloudwatch_alarm", {{"resolve_on_ok", true}}),
                 "cloudwatch-alarm-lambda-action-insufficient-data.json");
  EXPECT_TRUE(out.deliveries.empty());
  ASSERT_EQ(out.skipped.size(), 1u);
  EXPECT_EQ(out.skipped[0].reason, "alarm state is INSUFFICIENT_DATA, not ALARM");
}

TEST(CloudWatchAlarm, DescribesEveryMetricOfAMathAlarmAndTheRuleOfAComposite) {
  auto p = one_route("cloudwatch_alarm", {});
  const std::string math(body_of(run(*p, "cloudwatch-alarm-lambda-action-metric-math.json")).at("description").as_string());
  EXPECT_THAT(math, ::testing::HasSubstr("\nExpression e1 (Total Network Traffic): SUM(METRICS())"));
  EXPECT_THAT(math, ::testing::HasSubstr("\nMetric: AWS/EC2/NetworkIn\nDimensions: {'InstanceId': 'i-12345678901234567'}"));
  EXPECT_THAT(math, ::testing::HasSubstr("\nMetric: AWS/EC2/NetworkOut"));
  const std::string composite(
      body_of(run(*p, "cloudwatch-alarm-lambda-action-composite-alarm.json")).at("description").as_string());
  EXPECT_THAT(composite,
              ::testing::HasSubstr("\nAlarm rule: ALARM(CompositeDemo.FirstChild) OR ALARM(CompositeDemo.SecondChild)"));
}

TEST(Handlers, PriorityIsAnOption) {
  auto body = body_of(run(*one_route("ecs_task", {{"priority", "CRITICAL"}}), "ecs-task-stopped-exit-codes.json"));
  EXPECT_EQ(body.at("priority"), "CRITICAL");
}

TEST(EcsTask, DescribesStopCodeAndExitCodes) {
  auto body = body_of(run(*one_route("ecs_task", {}), "ecs-task-stopped-exit-codes.json"));
  const std::string d(body.at("description").as_string());
  EXPECT_THAT(d, ::testing::HasSubstr("\nStop code: EssentialContainerExited"));
  EXPECT_THAT(d, ::testing::HasSubstr(
                     "\n - web: STOPPED (exit code 137) (Reason: OutOfMemoryError: Container killed due to memory usage)"));
  EXPECT_EQ(body.at("incidentId"), "a1173316d40a45dea9-2025-05-06T11:40:51.664Z");
  EXPECT_EQ(body.at("service"), "example-cluster");
}

TEST(CodeBuild, NotifiesOnTheConfiguredStatuses) {
  auto by_default = run(*one_route("codebuild", {}), "codebuild-build-state-change-succeeded.json");
  EXPECT_TRUE(by_default.deliveries.empty());
  auto with_success = run(*one_route("codebuild", {{"statuses", json::array{"SUCCEEDED"}}}),
                          "codebuild-build-state-change-succeeded.json");
  ASSERT_EQ(with_success.deliveries.size(), 1u);
  EXPECT_EQ(body_of(with_success).at("title"), "CodeBuild Build SUCCEEDED: my-sample-project");
}

TEST(CodeBuild, NamesTheFailedPhase) {
  auto body = body_of(run(*one_route("codebuild", {}), "codebuild-build-failed.json"));
  const std::string d(body.at("description").as_string());
  EXPECT_THAT(d, ::testing::HasSubstr(
                     "\nFailed phase: BUILD (FAILED): COMMAND_EXECUTION_ERROR: Error while executing command: make test. "
                     "Reason: exit status 2"));
  EXPECT_THAT(d, ::testing::HasSubstr("\nBuild number: 8\n"));
  EXPECT_EQ(body.at("incidentId"), "my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX");
}

TEST(Pipeline, SignsEachDestinationOverTheBodySent) {
  auto p = one_route("ecs_task", {}, R"({
    "a": {"url": "https://a.example/", "secret": "secret-a", "headers": {"x-team": "sre"}},
    "b": {"url": "https://b.example/", "signing": "bearer", "secret": "tok"},
    "c": {"url": "https://c.example/", "signing": "none"}})");
  auto out = run(*p, "ecs-task-stopped-exit-codes.json");
  ASSERT_EQ(out.deliveries.size(), 3u);
  const auto request = [&](std::size_t i) { return testing::request_of(*p, out.deliveries[i], "e", kTimestamp); };
  const auto a = request(0);
  ASSERT_EQ(a.headers.size(), 4u);
  EXPECT_EQ(a.headers[0].name, "content-type");
  EXPECT_EQ(a.headers[0].value, "application/json");
  EXPECT_EQ(a.headers[1].name, "x-team");
  EXPECT_EQ(a.headers[2].name, "x-amzn-event-timestamp");
  EXPECT_EQ(a.headers[2].value, kTimestamp);
  EXPECT_EQ(a.headers[3].name, "x-amzn-event-signature");
  EXPECT_TRUE(core::hmac_timestamp_valid(core::HmacSha256("secret-a"), kTimestamp, a.body, a.headers[3].value));
  EXPECT_EQ(a.url, "https://a.example/");
  const auto b = request(1);
  EXPECT_EQ(b.headers.back().name, "authorization");
  EXPECT_EQ(b.headers.back().value, "Bearer tok");
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(request(2).headers.size(), 1u);
  EXPECT_EQ(request(2).body, a.body);
}

TEST(Pipeline, ReportsEveryBuildProblemWithItsPath) {
  auto destinations = testing::destinations_from(kHook);
  std::vector<RouteSpec> routes{
      {"a", "no_such_handler", {}, std::nullopt, {"hook"}},
      {"b", "ecs_task", {{"priority", "URGENT"}, {"colour", "red"}}, std::nullopt, {"hook", "nowhere"}},
      {"c", "cloudwatch_alarm", {{"resolve_on_ok", "yes"}}, std::nullopt, {"hook"}},
      {"d", "codebuild", {{"statuses", json::array{"FAILED", "EXPLODED"}}}, std::nullopt, {"hook"}},
  };
  std::vector<std::string> errors;
  EXPECT_EQ(Pipeline::build(std::move(destinations), std::move(routes), errors), nullptr);
  EXPECT_THAT(errors, ElementsAre("routes[0].handler: unknown handler \"no_such_handler\"",
                                  "routes[1].options.priority: expected one of CRITICAL, HIGH, MEDIUM, LOW, MINIMAL",
                                  "routes[1].options.colour: unknown key (known: priority)",
                                  "routes[1].destinations[1]: unknown destination \"nowhere\"",
                                  "routes[2].options.resolve_on_ok: expected true or false",
                                  "routes[3].options.statuses[1]: expected one of IN_PROGRESS, SUCCEEDED, FAILED, STOPPED"));
}

TEST(Pipeline, RoutesByPattern) {
  auto destinations = testing::destinations_from(kHook);
  std::vector<RouteSpec> routes{
      {"prod-only", "ecs_task", {}, json::parse(R"({"detail": {"clusterArn": [{"suffix": "/prod"}]}})"), {"hook"}},
      {"example", "ecs_task", {}, json::parse(R"({"detail": {"clusterArn": [{"suffix": "/example-cluster"}]}})"), {"hook"}},
  };
  std::vector<std::string> errors;
  auto p = Pipeline::build(std::move(destinations), std::move(routes), errors);
  ASSERT_TRUE(p);
  auto out = run(*p, "ecs-task-stopped-exit-codes.json");
  ASSERT_EQ(out.deliveries.size(), 1u);
  EXPECT_EQ(out.deliveries[0].route, "example");
}

}  // namespace
}  // namespace relay::pipeline

namespace relay::pipeline {
namespace {

TEST(Pipeline, DeliveriesAreUnsignedAndEachRequestIsSignedAtItsOwnTime) {
  auto p = one_route("ecs_task", {}, R"({"a": {"url": "https://a.example/", "secret": "secret-a"}})");
  auto out = run(*p, "ecs-task-stopped-exit-codes.json");
  const auto& d = out.deliveries.at(0);
  EXPECT_EQ(d.content_type, "application/json");
  EXPECT_EQ(d.handler, "ecs_task");
  EXPECT_EQ(p->handler_of("r"), "ecs_task");
  EXPECT_EQ(p->handler_of("gone"), "");
  const auto first = testing::request_of(*p, d, "e", kTimestamp);
  const auto again = testing::request_of(*p, d, "e", kTimestamp);
  EXPECT_EQ(first.url, "https://a.example/");
  EXPECT_EQ(first.body, d.body);
  ASSERT_EQ(again.headers.size(), first.headers.size());
  for (std::size_t i = 0; i < again.headers.size(); ++i) EXPECT_EQ(again.headers[i].value, first.headers[i].value);
  const auto later = testing::request_of(*p, d, "e", "2026-01-01T00:00:00.000Z");
  EXPECT_NE(later.headers.back().value, first.headers.back().value) << "each attempt is signed at its own time";
}

TEST(Pipeline, ARouteToADestinationThatRefusesItsHandlerIsAConfigError) {
  // A destination kind that takes JSON bodies only refuses a text template at load.
  struct JsonOnly final : destination::Destination {
    JsonOnly() : Destination("json-only", {}) {}
    std::string_view kind() const override { return "test"; }
    std::optional<std::string> refuses_route(std::string_view, std::string_view content_type) const override {
      if (content_type == "application/json") return std::nullopt;
      return "bodies must be JSON, not " + std::string(content_type);
    }
    destination::Request request(std::span<const destination::Item>, const destination::SendContext&) const override {
      return {};
    }
    std::vector<destination::ItemOutcome> classify(const destination::Answer&, std::size_t n) const override {
      return std::vector<destination::ItemOutcome>(n);
    }
  };
  auto set = std::make_shared<destination::DestinationSet>();
  set->add(std::make_unique<JsonOnly>());
  std::vector<RouteSpec> routes{
      {"json", "ecs_task", {}, std::nullopt, {"json-only"}},
      {"text", "template", {{"content_type", "text/plain"}, {"input_template", "hi"}}, std::nullopt, {"json-only"}}};
  std::vector<std::string> errors;
  EXPECT_EQ(Pipeline::build(std::move(set), std::move(routes), errors), nullptr);
  EXPECT_THAT(errors, ElementsAre("routes[1].destinations[0]: destination \"json-only\" cannot take this route: bodies "
                                  "must be JSON, not text/plain"));
}

}  // namespace
}  // namespace relay::pipeline

namespace relay::pipeline {
namespace {

TEST(Pipeline, TheRequestScopeSelectsRoutesByPathAndHeaders) {
  auto destinations = testing::destinations_from(R"({"hook": {"url": "https://h.example/", "signing": "none"}})");
  std::vector<RouteSpec> routes{
      {"shared", "ecs_task", {}, std::nullopt, {"hook"}, {}, false},
      {"team-a", "ecs_task", {}, std::nullopt, {"hook"}, {{"x-team", "a"}}, false},
      {"private", "ecs_task", {}, std::nullopt, {"hook"}, {}, true},
  };
  std::vector<std::string> errors;
  auto p = Pipeline::build(std::move(destinations), std::move(routes), errors);
  ASSERT_TRUE(p);
  auto routes_for = [&](RequestScope scope) {
    Outcome out;
    p->process(event_from("ecs-task-stopped-exit-codes.json"), out, scope);
    std::vector<std::string> names;
    for (const auto& d : out.deliveries) names.emplace_back(d.route);
    return names;
  };
  auto team = [](std::string_view value) {
    return [value](std::string_view name) { return name == "x-team" ? value : std::string_view(); };
  };
  EXPECT_THAT(routes_for({}), ElementsAre("shared"));
  EXPECT_THAT(routes_for({"", team("a")}), ElementsAre("shared", "team-a"));
  EXPECT_THAT(routes_for({"", team("b")}), ElementsAre("shared"));
  EXPECT_THAT(routes_for({"team-a", team("a")}), ElementsAre("team-a"));
  EXPECT_THAT(routes_for({"private", {}}), ElementsAre("private"));
  EXPECT_TRUE(p->has_route("private"));
  EXPECT_FALSE(p->has_route("nope"));
}

}  // namespace
}  // namespace relay::pipeline
