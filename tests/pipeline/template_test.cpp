// The template handler: EventBridge input-transformer semantics.
#include "relay/pipeline/pipeline.hpp"
#include "tests/support/destinations.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::pipeline {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* kEvent = R"({"version": "0", "id": "ev-1", "detail-type": "Thing Happened", "source": "my.app",
  "account": "123456789012", "time": "2025-02-03T04:05:06Z", "region": "eu-west-1", "resources": ["arn:a", "arn:b"],
  "detail": {"name": "say \"hi\"\\now\nnext", "city": "Zürich 🚀", "count": 3, "ratio": 0.5, "ok": true,
             "nothing": null, "tags": ["a", "b"], "nested": {"k": "v"}}})";

struct Built {
  std::unique_ptr<Pipeline> pipeline;
  std::vector<std::string> errors;
};

Built build(json::object options) {
  Built b;
  b.pipeline = Pipeline::build(testing::destinations_from(R"({"d": {"url": "https://h.example/", "signing": "none"}})"),
                               {{"my-rule", "template", std::move(options), std::nullopt, {"d"}}}, b.errors);
  return b;
}

std::string render(json::object options) {
  auto b = build(std::move(options));
  EXPECT_TRUE(b.pipeline) << (b.errors.empty() ? "" : b.errors.front());
  if (!b.pipeline) return {};
  core::EventDecoder decoder;
  std::vector<json::value> events;
  EXPECT_FALSE(decoder.decode(kEvent, events));
  Outcome out;
  b.pipeline->process(events.at(0), out);
  return out.deliveries.at(0).body;
}

json::object paths() {
  return {{"name", "$.detail.name"},   {"city", "$.detail.city"},  {"count", "$.detail.count"},
          {"ok", "$.detail.ok"},       {"tags", "$.detail.tags"},  {"nested", "$.detail.nested"},
          {"first", "$.resources[0]"}, {"missing", "$.detail.nope"}, {"nothing", "$.detail.nothing"}};
}

TEST(Template, InsertsValuesAsJsonOutsideStrings) {
  EXPECT_EQ(render({{"input_paths", paths()},
                    {"input_template", R"({"n": <name>, "c": <count>, "ok": <ok>, "t": <tags>, "o": <nested>, "z": <nothing>})"}}),
            R"({"n": "say \"hi\"\\now\nnext", "c": 3, "ok": true, "t": ["a","b"], "o": {"k":"v"}, "z": null})");
}

TEST(Template, EscapesValuesInsideStrings) {
  EXPECT_EQ(render({{"input_paths", paths()},
                    {"input_template", R"({"text": "<name> in <city>: <count> <tags> <nested> [<first>]"})"}}),
            R"({"text": "say \"hi\"\\now\nnext in Zürich 🚀: 3 [\"a\",\"b\"] {\"k\":\"v\"} [arn:a]"})");
}

TEST(Template, MissingPathsAreEmptyInStringsAndNullOutside) {
  EXPECT_EQ(render({{"input_paths", paths()}, {"input_template", R"({"a": "<missing>", "b": <missing>})"}}),
            R"({"a": "", "b": null})");
}

TEST(Template, PredefinedVariables) {
  const auto body = render({{"input_template",
                             R"({"rule": "<aws.events.rule-name>", "at": "<aws.events.event.ingestion-time>", )"
                             R"("event": <aws.events.event>, "full": <aws.events.event.json>})"}});
  auto v = json::parse(body).as_object();
  EXPECT_EQ(v.at("rule"), "my-rule");
  EXPECT_EQ(v.at("at"), "2025-02-03T04:05:06Z");
  EXPECT_FALSE(v.at("event").as_object().contains("detail"));
  EXPECT_EQ(v.at("event").as_object().at("id"), "ev-1");
  EXPECT_EQ(v.at("full").as_object().at("detail").as_object().at("count"), 3);
}

TEST(Template, TextTemplatesInsertText) {
  EXPECT_EQ(render({{"input_paths", paths()},
                    {"content_type", "text/plain"},
                    {"input_template", "Build <name> in <city> (<count>) <tags> <missing>."}}),
            "Build say \"hi\"\\now\nnext in Zürich 🚀 (3) [\"a\",\"b\"] .");
}

TEST(Template, TheContentTypeIsSent) {
  auto b = build({{"content_type", "text/plain"}, {"input_template", "hello"}});
  ASSERT_TRUE(b.pipeline);
  core::EventDecoder decoder;
  std::vector<json::value> events;
  decoder.decode(kEvent, events);
  Outcome out;
  b.pipeline->process(events.at(0), out);
  EXPECT_EQ(out.deliveries.at(0).content_type, "text/plain");
  EXPECT_EQ(testing::request_of(*b.pipeline, out.deliveries.at(0), "e", "2025-01-01T00:00:00.000Z").headers.at(0).value,
            "text/plain");
}

TEST(Template, MalformedTemplatesAreRefusedAtLoadWithTheirPath) {
  EXPECT_THAT(build({{"input_paths", {{"a", "detail.x"}, {"b", "$.detail[x]"}, {"c", "$.detail.*"}, {"d", 5},
                                      {"aws.events.rule-name", "$.id"}}},
                     {"input_template", "{\"x\": <a>, \"y\": <undefined>}"}})
                  .errors,
              ElementsAre("routes[0].options.input_paths.a: expected a JSON path starting with $, such as $.detail.state",
                          "routes[0].options.input_paths.b: expected [N] with a whole number N",
                          "routes[0].options.input_paths.c: wildcards are not supported",
                          "routes[0].options.input_paths.d: expected a JSON path such as $.detail.state",
                          "routes[0].options.input_paths.aws.events.rule-name: the name is reserved for the predefined variable",
                          "routes[0].options.input_template: <undefined> is neither in input_paths nor a predefined variable"));
  EXPECT_THAT(build({{"input_template", "{\"x\": }"}}).errors,
              ElementsAre("routes[0].options.input_template: not valid JSON once its placeholders are filled (syntax "
                          "error); set content_type to text/plain for a text body"));
  EXPECT_THAT(build({}).errors, ElementsAre("routes[0].options.input_template: missing"));
}

TEST(Template, APlaceholderInsideAnUnfinishedEscapeIsRefused) {
  // Empty, <x> would complete "\u002c"; a value such as "q" would render "\u002qc".
  const json::object paths{{"x", "$.detail.x"}};
  EXPECT_THAT(build({{"input_paths", paths}, {"input_template", R"({"a": "\u002<x>c"})"}}).errors,
              ElementsAre(HasSubstr("input_template: not valid JSON once its placeholders are filled")));
  EXPECT_TRUE(build({{"input_paths", paths}, {"input_template", R"({"a": "\u002c<x>\n<x>"})"}}).pipeline);
}

TEST(Raw, ForwardsTheEventAsCompactJson) {
  std::vector<std::string> errors;
  auto p = Pipeline::build(testing::destinations_from(R"({"d": {"url": "https://h.example/", "signing": "none"}})"),
                           {{"all", "raw", {}, std::nullopt, {"d"}}}, errors);
  ASSERT_TRUE(p);
  core::EventDecoder decoder;
  std::vector<json::value> events;
  decoder.decode(kEvent, events);
  Outcome out;
  p->process(events.at(0), out);
  const auto& body = out.deliveries.at(0).body;
  EXPECT_EQ(json::parse(body), json::parse(kEvent));
  EXPECT_EQ(body.find(": "), std::string::npos);
  EXPECT_NE(body.find("Zürich 🚀"), std::string::npos) << "UTF-8 is kept as it is";
}

}  // namespace
}  // namespace relay::pipeline
