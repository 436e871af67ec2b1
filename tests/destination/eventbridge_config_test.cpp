// The eventbridge kind's config, read through the registry as config load reads it.
#include "relay/destination/registry.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace relay::destination {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;
using testing::StartsWith;

// Sets (or, with nullptr, clears) an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct NoRegionInEnv {
  ScopedEnv region{"AWS_REGION", nullptr};
  ScopedEnv default_region{"AWS_DEFAULT_REGION", nullptr};
};

std::unique_ptr<Destination> load(std::string_view json_text, std::vector<std::string>& errors) {
  return make_destination("ops", boost::json::parse(json_text), {}, errors);
}

TEST(EventBridgeConfig, AnArnGivesRegionEndpointAndDefaults) {
  NoRegionInEnv env;
  std::vector<std::string> errors;
  auto d = load(R"({"type": "eventbridge", "event_bus": "arn:aws:events:eu-west-1:123456789012:event-bus/ops",
                    "source": "relay.incidents", "detail_type": "Incident"})",
                errors);
  ASSERT_TRUE(d) << testing::PrintToString(errors);
  EXPECT_EQ(d->kind(), "eventbridge");
  EXPECT_EQ(d->transport().shown_url, "https://events.eu-west-1.amazonaws.com");
  EXPECT_TRUE(d->transport().url.tls);
  EXPECT_EQ(d->transport().url.host_header(), "events.eu-west-1.amazonaws.com");
  EXPECT_EQ(d->transport().url.target, "/");
  EXPECT_GE(d->transport().max_answer_bytes, 64u * 1024);
  EXPECT_EQ(d->batching().max_items, 10u);
  EXPECT_EQ(d->batching().max_bytes, 1u << 20);
  EXPECT_EQ(d->batching().flush_after, 100ms);
  ASSERT_NE(d->aws_credentials(), nullptr);
  EXPECT_EQ(d->aws_credentials()->region, "eu-west-1");
}

TEST(EventBridgeConfig, ANameTakesTheRegionFromTheEnvironment) {
  ScopedEnv region("AWS_REGION", nullptr);
  ScopedEnv default_region("AWS_DEFAULT_REGION", "cn-north-1");
  std::vector<std::string> errors;
  auto d = load(R"({"type": "eventbridge", "event_bus": "default"})", errors);
  ASSERT_TRUE(d) << testing::PrintToString(errors);
  EXPECT_EQ(d->transport().shown_url, "https://events.cn-north-1.amazonaws.com.cn");
  {
    ScopedEnv first("AWS_REGION", "us-west-2");  // AWS_REGION wins, as in the AWS SDKs
    auto d2 = load(R"({"type": "eventbridge", "event_bus": "default"})", errors);
    ASSERT_TRUE(d2) << testing::PrintToString(errors);
    EXPECT_EQ(d2->aws_credentials()->region, "us-west-2");
  }
}

TEST(EventBridgeConfig, EndpointRegionAndBatchAreOverridable) {
  NoRegionInEnv env;
  std::vector<std::string> errors;
  auto d = load(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-2",
                    "endpoint": "http://127.0.0.1:4010", "batch": {"max_entries": 1, "flush_after": "250ms"},
                    "timeout": "2s", "retry": {"schedule": ["1s"]}, "credentials": {}})",
                errors);
  ASSERT_TRUE(d) << testing::PrintToString(errors);
  EXPECT_EQ(d->transport().shown_url, "http://127.0.0.1:4010");
  EXPECT_EQ(d->transport().url.host_header(), "127.0.0.1:4010");
  EXPECT_EQ(d->transport().timeout, 2s);
  EXPECT_EQ(d->transport().retry.schedule.size(), 1u);
  EXPECT_EQ(d->batching().max_items, 1u);
  EXPECT_EQ(d->batching().flush_after, 250ms);
  EXPECT_EQ(d->aws_credentials()->region, "us-east-2");
}

TEST(EventBridgeConfig, BadSettingsAreErrorsWithTheirPath) {
  NoRegionInEnv env;
  struct Case {
    std::string_view json;
    std::vector<std::string> errors;
  } cases[] = {
      {R"({"type": "eventbridge"})", {"destinations.ops.event_bus: missing"}},
      {R"({"type": "eventbridge", "event_bus": "ops"})",
       {"destinations.ops.region: missing: set region, name the bus by its ARN, or set AWS_REGION or "
        "AWS_DEFAULT_REGION"}},
      {R"({"type": "eventbridge", "event_bus": "arn:aws:sqs:us-east-1:123456789012:event-bus/x"})",
       {"destinations.ops.event_bus: the ARN names the service \"sqs\", not events (expected "
        "arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME)"}},
      {R"({"type": "eventbridge", "event_bus": "my bus", "region": "us-east-1"})",
       {"destinations.ops.event_bus: expected an event bus name (up to 256 of A-Z a-z 0-9 . _ - /) or an ARN "
        "arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME"}},
      {R"({"type": "eventbridge", "event_bus": "ops", "region": "mars"})",
       {"destinations.ops.region: \"mars\" is not an AWS region name such as us-east-1"}},
      {R"({"type": "eventbridge", "event_bus": "arn:aws:events:us-east-1:123456789012:event-bus/ops",
           "region": "us-west-2"})",
       {"destinations.ops.region: \"us-west-2\" differs from the event_bus ARN's region \"us-east-1\""}},
      {R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "endpoint": "ftp://x"})",
       {"destinations.ops.endpoint: expected an http:// or https:// URL with a host"}},
      {R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1",
           "batch": {"max_entries": 11, "flush_after": "2m", "size": 3}})",
       {"destinations.ops.batch.max_entries: expected a whole number from 1 to 10",
        "destinations.ops.batch.flush_after: at most 1m: deliveries wait that long for a batch to fill",
        "destinations.ops.batch.size: unknown key (known: max_entries, flush_after)"}},
      {R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "credentials": {"access_key_id": "AK"}})",
       {"destinations.ops.credentials.secret_access_key: missing: access_key_id and secret_access_key go together"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> errors;
    EXPECT_FALSE(load(c.json, errors)) << c.json;
    EXPECT_EQ(errors, c.errors) << c.json;
  }
  std::vector<std::string> errors;
  EXPECT_FALSE(load(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "source": "",
                        "url": "http://x"})",
                    errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "destinations.ops.source: expected a non-empty string");
  EXPECT_THAT(errors[1], StartsWith("destinations.ops.url: unknown key (known: type, event_bus, region, endpoint, "
                                    "source, detail_type, credentials, batch, connect_timeout, "));
}

TEST(EventBridgeConfig, ARegionInTheEnvironmentMustBeOne) {
  ScopedEnv region("AWS_REGION", "Frankfurt");
  std::vector<std::string> errors;
  EXPECT_FALSE(load(R"({"type": "eventbridge", "event_bus": "ops"})", errors));
  EXPECT_THAT(
      errors,
      ElementsAre("destinations.ops.region: not set, and AWS_REGION (\"Frankfurt\") is not an AWS region name"));
}

TEST(EventBridgeConfig, RoutesNeedJsonAndSourceAndDetailTypeUnlessRaw) {
  NoRegionInEnv env;
  std::vector<std::string> errors;
  auto bare = load(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1"})", errors);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->refuses_route("raw", "application/json"), std::nullopt);
  EXPECT_EQ(bare->refuses_route("ecs_task", "application/json"),
            "handler \"ecs_task\" needs source and detail_type set on destination ops (only the raw handler's "
            "entries carry their own)");
  EXPECT_EQ(bare->refuses_route("template", "text/plain"),
            "handler \"template\" sends text/plain, and an eventbridge destination takes JSON objects only");
  auto half = load(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "source": "s"})", errors);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->refuses_route("ecs_task", "application/json"),
            "handler \"ecs_task\" needs detail_type set on destination ops (only the raw handler's entries carry "
            "their own)");
  auto full = load(R"({"type": "eventbridge", "event_bus": "ops", "region": "us-east-1", "source": "s",
                       "detail_type": "t"})",
                   errors);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->refuses_route("ecs_task", "application/json; charset=utf-8"), std::nullopt);
  EXPECT_EQ(full->refuses_route("template", "application/cloudevents+json"), std::nullopt);
  EXPECT_TRUE(errors.empty()) << testing::PrintToString(errors);
}

}  // namespace
}  // namespace relay::destination
