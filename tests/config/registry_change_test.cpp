// Registry entries through the config loader, and the judging of registry changes.
#include "relay/config/registry_change.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace relay::config {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Outcome = RegistryVerdict::Outcome;

const std::string kFile =
    "destinations:\n"
    "  a: {url: \"https://a.example/x\", secret: s3cret}\n"
    "routes:\n"
    "  - {name: ecs, handler: ecs_task, destinations: [a]}\n";

Config loaded(const std::string& yaml, const RegistryEntries& registry = {}) {
  std::vector<std::string> errors;
  auto cfg = parse_config(yaml, registry, errors);
  EXPECT_TRUE(cfg) << ::testing::PrintToString(errors);
  return cfg ? std::move(*cfg) : Config{};
}

store::RegistryRow row(std::string kind, std::string name, std::string spec, std::int64_t version = 1) {
  return {std::move(kind), std::move(name), std::move(spec), version, {}};
}

TEST(RegistryEntries, AreLoadedWithTheFileAndTheFileMayLeaveEverythingToThem) {
  RegistryEntries registry;
  registry.destinations["b"] = json::parse(R"({"url": "https://b.example/x", "secret": "s"})");
  registry.routes["to-b"] = json::parse(R"({"name": "to-b", "handler": "ecs_task", "destinations": ["b"]})");
  const Config both = loaded(kFile, registry);
  EXPECT_EQ(both.routes.size(), 2u);
  EXPECT_EQ(both.routes[1].name, "to-b");
  EXPECT_TRUE(both.pipeline->destinations().find("b"));
  EXPECT_EQ(both.registry, registry);
  EXPECT_EQ(loaded("listen: 127.0.0.1:0\n", registry).routes.size(), 1u);
}

TEST(RegistryEntries, ProblemsAreNamedByTheEntrysPathAndAClashWithTheFileIsOne) {
  RegistryEntries registry;
  registry.destinations["a"] = json::parse(R"({"url": "https://b.example/x", "secret": "s"})");
  registry.destinations["b"] = json::parse(R"({"url": "https://b.example/x", "secret": "s", "timeout": "soon"})");
  registry.routes["r"] = json::parse(R"({"name": "r", "destinations": ["b"]})");
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_config(kFile, registry, errors));
  EXPECT_THAT(errors, ElementsAre(HasSubstr("destinations.a: the config file has a destination of this name too"),
                                  "destinations.b.timeout: expected a duration such as 250ms, 5s, 30m or 2h",
                                  HasSubstr("routes.r.handler")));
}

TEST(RegistryChange, APutIsJudgedWithTheFileAndTheOtherEntries) {
  const Config current = loaded(kFile);
  const std::vector<store::RegistryRow> rows{
      row("destination", "b", R"({"url": "https://b.example/x", "secret": "s"})")};
  const auto to_b = json::parse(R"({"handler": "ecs_task", "destinations": ["b"]})");
  auto v = judge_put(current, rows, EntryKind::route, "to-b", to_b);
  ASSERT_EQ(v.outcome, Outcome::ok) << ::testing::PrintToString(v.problems);
  EXPECT_EQ(json::parse(*v.spec), json::parse(R"({"handler": "ecs_task", "destinations": ["b"], "name": "to-b"})"));

  v = judge_put(current, {}, EntryKind::route, "to-b", to_b);
  EXPECT_EQ(v.outcome, Outcome::invalid);
  EXPECT_THAT(v.problems, ElementsAre(HasSubstr("b")));
  const auto to_a = json::parse(R"({"url": "https://a.example/y", "secret": "s"})");
  v = judge_put(current, rows, EntryKind::destination, "a", to_a);
  EXPECT_EQ(v.outcome, Outcome::conflict);
  v = judge_put(current, rows, EntryKind::destination, "x/y", to_a);
  EXPECT_THAT(v.problems, ElementsAre(HasSubstr("destinations.x/y: a registry entry's name is")));
  v = judge_put(current, rows, EntryKind::destination, "c", json::parse("[1]"));
  EXPECT_THAT(v.problems, ElementsAre("destinations.c: expected a mapping, the entry as the config file writes it"));
}

TEST(RegistryChange, ADeleteNamesTheRoutesThatStillUseTheDestination) {
  const std::vector<store::RegistryRow> rows{
      row("destination", "b", R"({"url": "https://b.example/x", "secret": "s"})"),
      row("route", "to-b", R"({"name": "to-b", "handler": "ecs_task", "destinations": ["b"]})")};
  std::vector<std::string> problems;
  const Config current = loaded(kFile, registry_entries(rows, problems));
  auto v = judge_delete(current, rows, EntryKind::destination, "b");
  EXPECT_EQ(v.outcome, Outcome::conflict);
  EXPECT_THAT(v.routes, ElementsAre("to-b"));
  EXPECT_EQ(judge_delete(current, rows, EntryKind::route, "to-b").outcome, Outcome::ok);
  EXPECT_EQ(judge_delete(current, rows, EntryKind::route, "ecs").outcome, Outcome::conflict);
  EXPECT_EQ(judge_delete(current, rows, EntryKind::route, "none").outcome, Outcome::not_found);
}

TEST(RegistryChange, RedactsLiteralSecretsAndKeepsReferences) {
  EXPECT_EQ(redacted(json::parse(R"({"secrets": ["new", "env:OLD"]})")),
            json::parse(R"({"secrets": ["***", "env:OLD"]})"));
  const auto spec = json::parse(R"({"url": "https://x", "secret": "s3cret", "headers": {"x-key": "k", "x-ref": "env:K"},
      "auth": {"type": "oauth", "client_secret": "file:/run/s", "token": "t"}, "retry": {"schedule": ["1s"]}})");
  EXPECT_EQ(redacted(spec), json::parse(R"({"url": "https://x", "secret": "***",
      "headers": {"x-key": "***", "x-ref": "env:K"},
      "auth": {"type": "oauth", "client_secret": "file:/run/s", "token": "***"}, "retry": {"schedule": ["1s"]}})"));
}

}  // namespace
}  // namespace relay::config
