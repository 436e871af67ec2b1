#include "relay/config/config_diff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Config parsed(const std::string& yaml) {
  std::vector<std::string> errors;
  auto cfg = parse_config(yaml, errors);
  EXPECT_TRUE(cfg) << ::testing::PrintToString(errors);
  return cfg ? std::move(*cfg) : Config{};
}

// Two destinations, two routes; `extra` is appended at the top level.
std::string two_routes(const std::string& a_url = "https://a.example/x", const std::string& route_b_to = "b",
                       const std::string& extra = "") {
  return "destinations:\n"
         "  a: {url: \"" + a_url + "\", secret: s3cret}\n"
         "  b: {url: \"https://b.example/x\", secret: s3cret}\n"
         "routes:\n"
         "  - {name: ecs, handler: ecs_task, destinations: [a]}\n"
         "  - {name: alarms, handler: cloudwatch_alarm, destinations: [" + route_b_to + "]}\n" + extra;
}

TEST(ConfigDiff, TheSameFileChangesNothing) {
  const auto changes = diff_configs(parsed(two_routes()), parsed(two_routes()));
  EXPECT_TRUE(changes.routes.empty());
  EXPECT_TRUE(changes.destinations.empty());
  EXPECT_THAT(changes.needs_restart, IsEmpty());
}

TEST(ConfigDiff, NamesRoutesAndDestinationsAddedRemovedAndChanged) {
  const Config running = parsed(two_routes());
  const Config next = parsed(
      "destinations:\n"
      "  a: {url: \"https://a.example/moved\", secret: s3cret}\n"
      "  c: {url: \"https://c.example/x\", secret: s3cret}\n"
      "routes:\n"
      "  - {name: ecs, handler: ecs_task, destinations: [c]}\n"
      "  - {name: builds, handler: codebuild, destinations: [a]}\n");
  const auto changes = diff_configs(running, next);
  EXPECT_THAT(changes.routes.added, ElementsAre("builds"));
  EXPECT_THAT(changes.routes.removed, ElementsAre("alarms"));
  EXPECT_THAT(changes.routes.changed, ElementsAre("ecs"));
  EXPECT_THAT(changes.destinations.added, ElementsAre("c"));
  EXPECT_THAT(changes.destinations.removed, ElementsAre("b"));
  EXPECT_THAT(changes.destinations.changed, ElementsAre("a"));
  EXPECT_THAT(changes.needs_restart, IsEmpty());
}

TEST(ConfigDiff, ARouteSentElsewhereIsChangedAndTheDestinationsAreNot) {
  const auto changes = diff_configs(parsed(two_routes()), parsed(two_routes("https://a.example/x", "a")));
  EXPECT_THAT(changes.routes.changed, ElementsAre("alarms"));
  EXPECT_TRUE(changes.destinations.empty());
}

TEST(ConfigDiff, SettingsFixedAtStartAreNamedByPathWithoutTheirValues) {
  const Config running = parsed(two_routes("https://a.example/x", "b", "listen: 127.0.0.1:8080\nadmin: {token: one}\n"));
  const Config next = parsed(two_routes(
      "https://a.example/x", "b",
      "listen: 127.0.0.1:9090\nthreads: 3\nadmin: {token: two, listen: 127.0.0.1:9191}\n"
      "store: {type: sqlite, path: other.db}\n"
      "delivery: {max_backlog: 5}\ningress: {max_body_bytes: 2048, tls: {cert: c.pem, key: k.pem}}\n"));
  const auto changes = diff_configs(running, next);
  EXPECT_THAT(changes.needs_restart,
              ElementsAre("listen: differs from the running relay's and takes a restart",
                          "threads: differs from the running relay's and takes a restart",
                          "store: differs from the running relay's and takes a restart",
                          "delivery.max_backlog: differs from the running relay's and takes a restart",
                          "admin.token: differs from the running relay's and takes a restart",
                          "admin.listen: differs from the running relay's and takes a restart",
                          "ingress.tls: differs from the running relay's and takes a restart",
                          "ingress.max_body_bytes: differs from the running relay's and takes a restart"));
  for (const auto& line : changes.needs_restart) {
    EXPECT_EQ(line.find("two"), std::string::npos) << line;
    EXPECT_EQ(line.find("9090"), std::string::npos) << line;
    EXPECT_EQ(line.find("9191"), std::string::npos) << line;
  }
}

TEST(ConfigDiff, IngressAuthAndOutboundChangeWithoutARestart) {
  const auto changes = diff_configs(
      parsed(two_routes()),
      parsed(two_routes("https://a.example/x", "b", "ingress: {auth: {type: bearer, token: t}}\noutbound: {deny: [private]}\n")));
  EXPECT_THAT(changes.needs_restart, IsEmpty());
}

TEST(ConfigDiff, ChangesAsJson) {
  const auto changes = diff_configs(parsed(two_routes()), parsed(two_routes("https://a.example/y", "a")));
  EXPECT_EQ(boost::json::serialize(changes_json(changes)),
            R"({"routes":{"added":[],"removed":[],"changed":["alarms"]},)"
            R"("destinations":{"added":[],"removed":[],"changed":["a"]}})");
}

}  // namespace
}  // namespace relay::config
