// `relay lambda` end to end: the Runtime API emulator runs it (or the packaged bootstrap
// $RELAY_LAMBDA_BOOTSTRAP names) and `relay sink` receives its deliveries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "relay/core/base64.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/net/test_secrets_manager.hpp"
#include "tests/support/lambda_runtime_emulator.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Answer = LambdaRuntimeEmulator::Answer;

std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(RELAY_SOURCE_DIR "/payloads/samples"))
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// The bodies `relay test` shows for a sample with the zero-config set-up in `env`.
std::vector<std::string> relay_test_bodies(const std::string& name, const std::vector<std::string>& env) {
  const auto result =
      run_process({RELAY_BINARY, "test", RELAY_SOURCE_DIR "/payloads/samples/" + name}, {}, env);
  EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
  std::vector<std::string> bodies;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto report = json::parse(line);
    for (const auto& d : report.at("deliveries").as_array())
      bodies.emplace_back(d.at_pointer("/request/body").as_string());
  }
  return bodies;
}

std::string sqs_batch(const std::vector<std::pair<std::string, std::string>>& messages) {
  json::array records;
  for (const auto& [id, body] : messages)
    records.push_back(json::object{{"messageId", id},
                                   {"receiptHandle", "handle-" + id},
                                   {"body", body},
                                   {"attributes", json::object{{"ApproximateReceiveCount", "1"}}},
                                   {"messageAttributes", json::object()},
                                   {"md5OfBody", ""},
                                   {"eventSource", "aws:sqs"},
                                   {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:relay-events"},
                                   {"awsRegion", "us-east-1"}});
  return json::serialize(json::object{{"Records", std::move(records)}});
}

// A function URL request (payload format 2.0) as an API destination sends it.
std::string http_event(const std::string& method, const std::string& path, json::object headers,
                       const std::string& body, bool base64) {
  headers.emplace("host", "abc.lambda-url.us-east-1.on.aws");
  headers.emplace("user-agent", "Amazon/EventBridge/ApiDestinations");
  return json::serialize(json::object{
      {"version", "2.0"},
      {"routeKey", "$default"},
      {"rawPath", path},
      {"rawQueryString", ""},
      {"headers", std::move(headers)},
      {"requestContext", json::object{{"accountId", "anonymous"},
                                      {"domainName", "abc.lambda-url.us-east-1.on.aws"},
                                      {"http", json::object{{"method", method},
                                                            {"path", path},
                                                            {"protocol", "HTTP/1.1"},
                                                            {"sourceIp", "203.0.113.7"},
                                                            {"userAgent", "Amazon/EventBridge/ApiDestinations"}}},
                                      {"requestId", "r1"},
                                      {"timeEpoch", 1700000000000}}},
      {"body", base64 ? core::base64_encode(body) : body},
      {"isBase64Encoded", base64}});
}

std::string post_event(const std::string& body, bool base64 = false, json::object headers = {}) {
  headers.emplace("content-type", "application/json");
  return http_event("POST", "/events", std::move(headers), body, base64);
}

class LambdaRuntime : public ::testing::Test {
 protected:
  std::vector<std::string> zero_config(const std::string& sink_url) const {
    return {"WEBHOOK_URL=" + sink_url + "/hooks", "WEBHOOK_SECRET=" + std::string(kSinkSecret), "RELAY_CONFIG="};
  }

  void launch(std::vector<std::string> env) { emulator.launch({relay_lambda_bootstrap(dir.path()), std::move(env)}); }

  // The runtime's answer to `payload`; the test fails when none comes.
  Answer call(std::string payload, std::chrono::milliseconds budget = 30s) {
    const std::string id = emulator.invoke(std::move(payload), budget);
    auto answer = emulator.wait_answer(id, 20s);
    // Keep the runtime's log (a line per delivery) from filling its pipe.
    const std::string log = emulator.runtime().stderr_text();
    if (!answer) {
      ADD_FAILURE() << "no answer to " << id << "; runtime log:\n" << log;
      return {};
    }
    return *answer;
  }

  // Every sample in the shape `wrap` makes of it: what the sink gets is what `relay test` shows.
  void every_sample_reaches_the_sink(const std::function<std::string(const std::string&, std::size_t)>& wrap,
                                     const std::function<void(const Answer&, std::size_t)>& check) {
    const auto env = zero_config(sink.url);
    launch(env);
    std::size_t delivered = 0, n = 0;
    for (const auto& name : sample_names()) {
      SCOPED_TRACE(name);
      const auto expected = relay_test_bodies(name, env);
      const Answer answer = call(wrap(sample(name), n++));
      check(answer, expected.size());
      EXPECT_EQ(sink_lines(*sink.process, expected.size(), 10s), expected);
      delivered += expected.size();
    }
    EXPECT_FALSE(sink.process->stdout_line(200ms)) << "a delivery relay test does not show";
    EXPECT_GT(delivered, 20u);
  }

  TempDir dir;
  Listening sink = start_sink();
  LambdaRuntimeEmulator emulator;
};

TEST_F(LambdaRuntime, EveryDirectlyInvokedSampleDeliversWhatRelayTestShows) {
  every_sample_reaches_the_sink([](const std::string& event, std::size_t) { return event; },
                                [](const Answer& answer, std::size_t deliveries) {
                                  ASSERT_FALSE(answer.error) << answer.body;
                                  const auto body = json::parse(answer.body);
                                  EXPECT_EQ(body.at("delivered").as_int64(), static_cast<std::int64_t>(deliveries));
                                  if (deliveries == 0) {
                                    EXPECT_FALSE(body.at("skipped").as_array().empty());
                                  }
                                });
}

TEST_F(LambdaRuntime, EverySampleInAnSqsBatchDeliversWhatRelayTestShows) {
  every_sample_reaches_the_sink(
      [](const std::string& text, std::size_t n) {
        const auto parsed = json::parse(text);
        std::vector<std::pair<std::string, std::string>> messages;
        const json::array events = parsed.is_array() ? parsed.as_array() : json::array{parsed};
        for (const auto& e : events)
          messages.emplace_back("m" + std::to_string(n) + "-" + std::to_string(messages.size()), json::serialize(e));
        return sqs_batch(messages);
      },
      [](const Answer& answer, std::size_t) {
        ASSERT_FALSE(answer.error) << answer.body;
        EXPECT_EQ(json::parse(answer.body), json::parse(R"({"batchItemFailures":[]})"));
      });
}

TEST_F(LambdaRuntime, EverySampleInAnHttpEventDeliversWhatRelayTestShows) {
  every_sample_reaches_the_sink(
      [](const std::string& text, std::size_t n) { return post_event(text, n % 2 == 1); },
      [](const Answer& answer, std::size_t deliveries) {
        ASSERT_FALSE(answer.error) << answer.body;
        const auto response = json::parse(answer.body);
        EXPECT_EQ(response.at("statusCode").as_int64(), 200) << answer.body;
        EXPECT_EQ(response.at_pointer("/headers/content-type"), "application/json");
        EXPECT_EQ(json::parse(response.at("body").as_string()).at("delivered").as_int64(),
                  static_cast<std::int64_t>(deliveries));
      });
}

TEST_F(LambdaRuntime, HttpEventsGetTheAnswersServeGives) {
  auto env = zero_config(sink.url);
  env.push_back("RELAY_INGRESS_API_KEY=the-key");
  launch(env);
  const auto status_and_body = [&](const std::string& payload) {
    const Answer answer = call(payload);
    EXPECT_FALSE(answer.error) << answer.body;
    const auto response = json::parse(answer.body);
    return std::make_pair(response.at("statusCode").as_int64(), std::string(response.at("body").as_string()));
  };
  const json::object key{{"x-api-key", "the-key"}};
  EXPECT_EQ(status_and_body(post_event(ecs_event(1))), std::make_pair(std::int64_t{401}, std::string(R"({"error":"unauthorized"})")));
  EXPECT_EQ(status_and_body(post_event(ecs_event(1), false, {{"x-api-key", "wrong"}})).first, 401);
  EXPECT_EQ(status_and_body(http_event("GET", "/events", key, "", false)).first, 405);
  EXPECT_EQ(status_and_body(http_event("POST", "/elsewhere", key, ecs_event(1), false)).first, 404);
  EXPECT_EQ(status_and_body(http_event("POST", "/events", {{"x-api-key", "the-key"}, {"content-type", "text/plain"}},
                                       ecs_event(1), false)).first, 415);
  EXPECT_EQ(status_and_body(post_event("{not json", false, key)).first, 400);
  EXPECT_FALSE(sink.process->stdout_line(100ms));

  const auto [status, body] = status_and_body(post_event(ecs_event(2), false, key));
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(body), json::parse(R"({"delivered":1,"event_ids":["event-2"]})"));
  EXPECT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
}

TEST_F(LambdaRuntime, AReceiverThatRefusesFailsTheInvocationNamingDestinationAndStatus) {
  auto refusing = start_sink({"--status", "500"});
  launch(zero_config(refusing.url));
  const Answer answer = call(ecs_event(1));
  ASSERT_TRUE(answer.error) << answer.body;
  EXPECT_EQ(answer.error_type, "DeliveryFailed");
  const auto body = json::parse(answer.body);
  EXPECT_EQ(body.at("errorType"), "DeliveryFailed");
  EXPECT_THAT(std::string(body.at("errorMessage").as_string()), HasSubstr("delivery to webhook failed: status 500"));
  EXPECT_EQ(body.at("stackTrace"), json::array());
  EXPECT_THAT(emulator.runtime().stderr_text(), HasSubstr(R"("msg":"delivery failed")"));
}

TEST_F(LambdaRuntime, AReceiverThatIsDownFailsTheInvocation) {
  auto gone = start_sink();
  gone.process->signal(SIGTERM);
  ASSERT_TRUE(gone.process->wait(5s));
  launch(zero_config(gone.url));
  const Answer answer = call(ecs_event(1));
  ASSERT_TRUE(answer.error) << answer.body;
  EXPECT_EQ(answer.error_type, "DeliveryFailed");
  EXPECT_THAT(std::string(json::parse(answer.body).at("errorMessage").as_string()),
              HasSubstr("delivery to webhook failed: no answer"));
}

TEST_F(LambdaRuntime, AnSqsBatchReportsOnlyTheItemThatFailed) {
  launch(zero_config(sink.url));
  const Answer answer = call(sqs_batch({{"good", ecs_event(1)}, {"bad", "not an event"}, {"good-too", ecs_event(2)}}));
  ASSERT_FALSE(answer.error) << answer.body;
  EXPECT_EQ(json::parse(answer.body), json::parse(R"({"batchItemFailures":[{"itemIdentifier":"bad"}]})"));
  const auto lines = sink_lines(*sink.process, 2, 10s);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(task_arn_of(lines[0]), "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t1");
  EXPECT_EQ(task_arn_of(lines[1]), "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t2");
  const std::string log = emulator.runtime().stderr_text();
  EXPECT_THAT(log, HasSubstr(R"("msg":"SQS message failed","message_id":"bad")"));
  EXPECT_THAT(log, HasSubstr(R"("msg":"delivered","destination":"webhook","status":200)"));
}

TEST_F(LambdaRuntime, AnSqsBatchWhoseReceiverRefusesReportsEveryItem) {
  auto refusing = start_sink({"--status", "503"});
  launch(zero_config(refusing.url));
  const Answer answer = call(sqs_batch({{"a", ecs_event(1)}, {"b", ecs_event(2)}}));
  ASSERT_FALSE(answer.error) << answer.body;
  EXPECT_EQ(json::parse(answer.body),
            json::parse(R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b"}]})"));
}

TEST_F(LambdaRuntime, AnUnknownPayloadIsAFunctionErrorSayingWhatCameAndTheNextInvocationWorks) {
  launch(zero_config(sink.url));
  const Answer unknown = call(R"({"hello":1,"world":{"x":2}})");
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error_type, "UnknownPayload");
  EXPECT_THAT(std::string(json::parse(unknown.body).at("errorMessage").as_string()),
              HasSubstr(R"(received a JSON object with keys "hello", "world")"));
  const Answer not_json = call("this is not JSON");
  ASSERT_TRUE(not_json.error);
  EXPECT_EQ(not_json.error_type, "InvalidPayload");
  const Answer bad_event = call(R"({"source":"aws.ecs","detail-type":"x","detail":"not an object"})");
  ASSERT_TRUE(bad_event.error);
  EXPECT_EQ(bad_event.error_type, "InvalidPayload");
  EXPECT_FALSE(sink.process->stdout_line(100ms));

  EXPECT_FALSE(call(ecs_event(1)).error);
  EXPECT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
}

TEST_F(LambdaRuntime, ADeadlineAlreadyPastFailsWithoutSending) {
  launch(zero_config(sink.url));
  const Answer answer = call(ecs_event(1), -1s);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error_type, "DeadlineExceeded");
  EXPECT_THAT(answer.body, HasSubstr("nothing was sent"));
  EXPECT_FALSE(sink.process->stdout_line(300ms));
}

TEST_F(LambdaRuntime, TheDeadlineBoundsADeliveryThatTakesTooLong) {
  auto slow = start_sink({"--delay-ms", "5000"});
  launch(zero_config(slow.url));
  const auto started = std::chrono::steady_clock::now();
  const Answer answer = call(ecs_event(1), 1s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  ASSERT_TRUE(answer.error) << answer.body;
  EXPECT_EQ(answer.error_type, "DeadlineExceeded");
}

TEST_F(LambdaRuntime, AConfigFileNamedByRelayConfigIsUsed) {
  launch({"RELAY_CONFIG=" + dir.write("relay.yaml", ServeConfig(sink.url).yaml()), "WEBHOOK_URL=", "WEBHOOK_SECRET="});
  const Answer answer = call(ecs_event(7));
  ASSERT_FALSE(answer.error) << answer.body;
  const auto lines = sink_lines(*sink.process, 1, 10s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(task_arn_of(lines[0]), "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t7");
}

TEST_F(LambdaRuntime, AConfigThatDoesNotLoadIsAnInitError) {
  launch({"RELAY_CONFIG=" + dir.path() + "/missing.yaml"});
  const auto init = emulator.wait_init_error(10s);
  ASSERT_TRUE(init);
  EXPECT_EQ(init->error_type, "ConfigInvalid");
  const auto body = json::parse(init->body);
  EXPECT_EQ(body.at("errorType"), "ConfigInvalid");
  EXPECT_THAT(std::string(body.at("errorMessage").as_string()), HasSubstr("missing.yaml"));
  const auto code = emulator.runtime().wait(10s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
}

// ServeConfig's, its destination secret `secretsmanager:ARN#hmac`; the environment a
// function with a role and the Secrets Manager at `endpoint` has.
std::vector<std::string> secrets_manager_setup(const TempDir& dir, const std::string& sink_url, const std::string& arn,
                                               const std::string& endpoint) {
  std::string yaml = ServeConfig(sink_url).yaml();
  const std::string literal = std::string("secret: ") + kSinkSecret;
  yaml.replace(yaml.find(literal), literal.size(), "secret: \"secretsmanager:" + arn + "#hmac\"");
  return {"RELAY_CONFIG=" + dir.write("relay.yaml", yaml), "WEBHOOK_URL=", "WEBHOOK_SECRET=",
          std::string("AWS_ACCESS_KEY_ID=") + kTestAccessKeyId, std::string("AWS_SECRET_ACCESS_KEY=") + kTestSecretAccessKey,
          std::string("AWS_SESSION_TOKEN=") + kTestSessionToken, "AWS_ENDPOINT_URL_SECRETS_MANAGER=" + endpoint,
          "AWS_ENDPOINT_URL="};
}

TEST_F(LambdaRuntime, ASecretFromSecretsManagerSignsTheDeliveries) {
  TestSecretsManager secrets;
  const std::string arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/sink-AbCdEf";
  secrets.add(arn, string_secret(arn, R"({"hmac": ")" + std::string(kSinkSecret) + R"("})"));
  launch(secrets_manager_setup(dir, sink.url, arn, secrets.url()));
  for (int task : {7, 8}) {
    const Answer answer = call(ecs_event(task));
    ASSERT_FALSE(answer.error) << answer.body;
  }
  const auto lines = sink_lines(*sink.process, 2, 10s);  // the sink checks the signatures with kSinkSecret
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(task_arn_of(lines[0]), "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t7");
  EXPECT_EQ(secrets.verified(), 1) << "fetched once, at init";
}

TEST_F(LambdaRuntime, ASecretThatCannotBeFetchedIsAnInitErrorNamingKeyAndSecret) {
  TestSecretsManager secrets;
  const std::string arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/gone-AbCdEf";
  launch(secrets_manager_setup(dir, sink.url, arn, secrets.url()));
  const auto init = emulator.wait_init_error(10s);
  ASSERT_TRUE(init);
  EXPECT_EQ(init->error_type, "ConfigInvalid");
  EXPECT_THAT(std::string(json::parse(init->body).at("errorMessage").as_string()),
              HasSubstr("destinations.webhook.secret: Secrets Manager secret " + arn +
                        ": secret not found (ResourceNotFoundException: "));
  const auto code = emulator.runtime().wait(10s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
}

TEST_F(LambdaRuntime, NoConfigAndNoWebhookVariablesIsAnInitError) {
  launch({"RELAY_CONFIG=", "WEBHOOK_URL=", "WEBHOOK_SECRET="});
  const auto init = emulator.wait_init_error(10s);
  ASSERT_TRUE(init);
  EXPECT_THAT(init->body, HasSubstr("WEBHOOK_URL and WEBHOOK_SECRET must be set"));
  const auto code = emulator.runtime().wait(10s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
}

TEST_F(LambdaRuntime, ARuntimeApiThatGoesAwayEndsTheProcess) {
  launch(zero_config(sink.url));
  ASSERT_FALSE(call(ecs_event(1)).error);
  emulator.shut_down();
  const auto code = emulator.runtime().wait(10s);
  ASSERT_TRUE(code) << "relay lambda still runs with no Runtime API:\n" << emulator.runtime().stderr_text();
  EXPECT_NE(*code, 0);
  EXPECT_THAT(emulator.runtime().stderr_text(), HasSubstr("the Runtime API went away"));
}

TEST_F(LambdaRuntime, EveryRuntimeApiCallGoesOnOneKeptConnection) {
  launch(zero_config(sink.url));
  for (int i = 1; i <= 3; ++i) ASSERT_FALSE(call(ecs_event(i)).error);
  EXPECT_EQ(emulator.connections(), 1u);
}

TEST_F(LambdaRuntime, AClosedRuntimeApiConnectionIsOpenedAgain) {
  using AfterPost = LambdaRuntimeEmulator::AfterPost;
  for (const AfterPost after : {AfterPost::close_announced, AfterPost::close_silently}) {
    SCOPED_TRACE(after == AfterPost::close_announced ? "Connection: close" : "closed without a word");
    LambdaRuntimeEmulator api;
    api.after_each_post(after);
    api.launch({relay_lambda_bootstrap(dir.path()), zero_config(sink.url)});
    for (int i = 1; i <= 3; ++i) {
      const auto answer = api.wait_answer(api.invoke(ecs_event(i)), 20s);
      ASSERT_TRUE(answer) << api.runtime().stderr_text();
      EXPECT_FALSE(answer->error) << answer->body;
    }
    // Each answer went on a connection of its own; the one for the next `next` may be opening.
    EXPECT_GE(api.connections(), 3u);
    EXPECT_LE(api.connections(), 4u);
    api.shut_down();
  }
}

TEST(LambdaCommand, WithoutARuntimeApiItSaysSoAndExits) {
  const auto unset = run_process({RELAY_BINARY, "lambda"}, {}, {"AWS_LAMBDA_RUNTIME_API="});
  EXPECT_EQ(unset.exit_code, 2);
  EXPECT_THAT(unset.err, HasSubstr("AWS_LAMBDA_RUNTIME_API is not set"));

  // A port nobody listens on: the one a closed emulator had.
  std::string address;
  {
    LambdaRuntimeEmulator closed;
    address = closed.address();
  }
  const auto refused = run_process({RELAY_BINARY, "lambda"}, {},
                                   {"AWS_LAMBDA_RUNTIME_API=" + address, "WEBHOOK_URL=http://127.0.0.1:9/hooks",
                                    "WEBHOOK_SECRET=s", "RELAY_CONFIG="});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("the Runtime API went away: GET /2018-06-01/runtime/invocation/next at " + address));
}

}  // namespace
}  // namespace relay::testing
