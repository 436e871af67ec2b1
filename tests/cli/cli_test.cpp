// The relay binary as a user runs it: relay test, sign, verify.
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using testing::run_process;

const std::vector<std::string> kWebhookEnv = {"WEBHOOK_URL=https://webhook.example/hook", "WEBHOOK_SECRET=cli-secret"};
std::string sample(const std::string& name) { return RELAY_SOURCE_DIR "/payloads/samples/" + name; }

std::vector<json::object> lines(const std::string& out) {
  std::vector<json::object> v;
  std::size_t start = 0, nl;
  while ((nl = out.find('\n', start)) != std::string::npos) {
    v.push_back(json::parse(out.substr(start, nl - start)).as_object());
    start = nl + 1;
  }
  EXPECT_EQ(start, out.size()) << "output ends with a newline";
  return v;
}

TEST(RelayTest, PrintsOneLinePerEventWithTheSignedRequest) {
  auto r = run_process({RELAY_BINARY, "test", "--timestamp", "2025-01-01T00:00:00.000Z",
                        sample("ecs-task-stopped-exit-codes.json"), sample("batch-alarm-and-ecs-task.json"),
                        sample("ecs-task-state-change-ec2-running.json")},
                       "", kWebhookEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].at("event_id"), "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
  const auto& d = out[0].at("deliveries").as_array().at(0).as_object();
  EXPECT_EQ(d.at("route"), "ecs_task");
  EXPECT_EQ(d.at("handler"), "ecs_task");
  EXPECT_EQ(d.at("destination"), "webhook");
  const auto& req = d.at("request").as_object();
  EXPECT_EQ(req.at("method"), "POST");
  EXPECT_EQ(req.at("url"), "https://webhook.example/hook");
  const auto& headers = req.at("headers").as_object();
  EXPECT_EQ(headers.at("content-type"), "application/json");
  EXPECT_EQ(headers.at("x-amzn-event-timestamp"), "2025-01-01T00:00:00.000Z");

  // The printed signature verifies over the printed body.
  testing::TempDir dir;
  const auto body = dir.write("body", std::string(req.at("body").as_string()));
  auto v = run_process({RELAY_BINARY, "verify", "--secret", "cli-secret", "--timestamp", "2025-01-01T00:00:00.000Z",
                        "--signature", std::string(headers.at("x-amzn-event-signature").as_string()), body});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  EXPECT_EQ(out[1].at("file").as_string(), sample("batch-alarm-and-ecs-task.json"));
  EXPECT_EQ(out[2].at("deliveries").as_array().size(), 1u);
  EXPECT_TRUE(out[3].at("deliveries").as_array().empty()) << "a RUNNING task is not routed";
  EXPECT_TRUE(out[3].at("skipped").as_array().empty());
}

TEST(RelayTest, RedactsCredentialsUnlessAskedToShowThem) {
  testing::TempDir dir;
  const auto token_file = dir.write("token", "file-s3cret\n");
  const auto config = dir.write("relay.yaml", R"(
destinations:
  bearer: {url: "https://b.example/", signing: bearer, secret: bearer-s3cret,
           headers: {x-api-key: env:RELAY_TEST_HEADER_KEY, x-token: "file:)" + token_file + R"(", x-team: team-a}}
  signed: {url: "https://s.example/", secret: hmac-s3cret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [bearer, signed]}
)");
  const std::vector<std::string> env{"RELAY_TEST_HEADER_KEY=env-s3cret"};
  const auto event = sample("ecs-task-stopped-exit-codes.json");
  auto r = run_process({RELAY_BINARY, "test", "--config", config, event}, "", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("s3cret")));
  const auto out = lines(r.out);
  const auto& deliveries = out.at(0).at("deliveries").as_array();
  ASSERT_EQ(deliveries.size(), 2u);
  const auto& bearer = deliveries[0].at("request").at("headers").as_object();
  EXPECT_EQ(bearer.at("authorization"), "<redacted>");
  EXPECT_EQ(bearer.at("x-api-key"), "<redacted>");
  EXPECT_EQ(bearer.at("x-token"), "<redacted>");
  EXPECT_EQ(bearer.at("x-team"), "team-a") << "a literal header value is configuration, not a credential";
  const auto& hmac = deliveries[1].at("request").at("headers").as_object();
  EXPECT_EQ(hmac.at("x-amzn-event-signature").as_string().size(), 44u) << "a signature is not a secret";

  auto shown = run_process({RELAY_BINARY, "test", "--show-secrets", "--config", config, event}, "", env);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto shown_lines = lines(shown.out);
  const auto& plain = shown_lines.at(0).at("deliveries").as_array().at(0).at("request").at("headers").as_object();
  EXPECT_EQ(plain.at("authorization"), "Bearer bearer-s3cret");
  EXPECT_EQ(plain.at("x-api-key"), "env-s3cret");
  EXPECT_EQ(plain.at("x-token"), "file-s3cret");
}

TEST(RelayTest, ReadsStdinAndReportsSkips) {
  auto r = run_process({RELAY_BINARY, "test", "-"}, testing::read_text(sample("cloudwatch-alarm-lambda-action-back-to-ok.json")),
                       kWebhookEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].at("file"), "-");
  EXPECT_EQ(out[0].at("skipped").as_array().at(0).as_object().at("reason"), "alarm state is OK and resolve_on_ok is off");
}

TEST(RelayTest, BadEventIsReportedInItsLineAndTheRestIsDone) {
  testing::TempDir dir;
  const auto bad = dir.write("bad.json", "{\"source\": \"aws.ecs\",\n \"detail-type\": 7, \"detail\": {}}");
  auto r = run_process({RELAY_BINARY, "test", bad, sample("ecs-task-stopped-exit-codes.json")}, "", kWebhookEnv);
  EXPECT_EQ(r.exit_code, 1);
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].at("file").as_string(), bad);
  EXPECT_EQ(out[0].at("error"), "detail-type: expected a string, got a number");
  EXPECT_EQ(out[1].at("deliveries").as_array().size(), 1u);
}

TEST(RelayTest, MissingEnvironmentIsAUsageError) {
  auto r = run_process({RELAY_BINARY, "test", sample("ecs-task-stopped-exit-codes.json")}, "",
                       {"WEBHOOK_URL=", "WEBHOOK_SECRET="});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "relay test: WEBHOOK_URL and WEBHOOK_SECRET must be set when no config file is given\n");
}

TEST(RelayTest, UnreadableFileIsAUsageError) {
  auto r = run_process({RELAY_BINARY, "test", "/nonexistent/event.json"}, "", kWebhookEnv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "relay test: cannot read /nonexistent/event.json: No such file or directory\n");
}

TEST(RelayTest, BadTimestampIsAUsageError) {
  auto r = run_process({RELAY_BINARY, "test", "--timestamp", "yesterday", sample("ecs-task-stopped-exit-codes.json")},
                       "", kWebhookEnv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--timestamp: expected YYYY-MM-DDTHH:MM:SS.000Z"));
}

TEST(RelaySign, PrintsTheTwoHeaderLines) {
  auto r = run_process({RELAY_BINARY, "sign", "--secret", "Jefe", "--timestamp", "2024-01-15T10:30:00.000Z"},
                       R"({"eventType": "incident"})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto py = run_process({"python3", "-c",
                         "import base64,hashlib,hmac\n"
                         "m = hmac.new(b'Jefe', b'2024-01-15T10:30:00.000Z:{\"eventType\": \"incident\"}', hashlib.sha256)\n"
                         "print(base64.b64encode(m.digest()).decode(), end='')"});
  EXPECT_EQ(r.out, "x-amzn-event-timestamp: 2024-01-15T10:30:00.000Z\nx-amzn-event-signature: " + py.out + "\n");
}

TEST(RelaySign, TakesSecretsFromEnvAndFile) {
  testing::TempDir dir;
  const auto secret_file = dir.write("secret", "Jefe\n");
  const auto body = dir.write("body", "hello");
  auto literal = run_process({RELAY_BINARY, "sign", "--secret", "Jefe", "--timestamp", "2024-01-15T10:30:00.000Z", body});
  auto from_env = run_process({RELAY_BINARY, "sign", "--secret", "env:RELAY_TEST_SECRET", "--timestamp",
                               "2024-01-15T10:30:00.000Z", body},
                              "", {"RELAY_TEST_SECRET=Jefe"});
  auto from_file = run_process(
      {RELAY_BINARY, "sign", "--secret", "file:" + secret_file, "--timestamp", "2024-01-15T10:30:00.000Z", body});
  ASSERT_EQ(literal.exit_code, 0);
  EXPECT_EQ(from_env.out, literal.out);
  EXPECT_EQ(from_file.out, literal.out);

  auto missing = run_process({RELAY_BINARY, "sign", "--secret", "env:RELAY_NO_SUCH_VAR", body}, "", {"RELAY_NO_SUCH_VAR="});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "relay sign: --secret: environment variable RELAY_NO_SUCH_VAR is not set\n");
}

TEST(RelayVerify, ExitCodesSayValidInvalidOrUsage) {
  testing::TempDir dir;
  const auto body = dir.write("body", "payload");
  auto signed_ = run_process({RELAY_BINARY, "sign", "--secret", "k", "--timestamp", "2024-01-15T10:30:00.000Z", body});
  const std::string sig = signed_.out.substr(signed_.out.rfind(": ") + 2, 44);
  auto ok = run_process({RELAY_BINARY, "verify", "--secret", "k", "--timestamp", "2024-01-15T10:30:00.000Z",
                         "--signature", sig, body});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "valid\n");
  auto wrong_time = run_process({RELAY_BINARY, "verify", "--secret", "k", "--timestamp", "2024-01-15T10:30:01.000Z",
                                 "--signature", sig, body});
  EXPECT_EQ(wrong_time.exit_code, 1);
  EXPECT_EQ(wrong_time.out, "invalid\n");
  auto wrong_secret = run_process({RELAY_BINARY, "verify", "--secret", "K", "--timestamp", "2024-01-15T10:30:00.000Z",
                                   "--signature", sig, body});
  EXPECT_EQ(wrong_secret.exit_code, 1);
  auto usage = run_process({RELAY_BINARY, "verify", "--secret", "k", body});
  EXPECT_EQ(usage.exit_code, 2);
}

// config check parses URLs and listen addresses with the parsers serve uses.
TEST(RelayConfigCheck, RefusesWhatServeWouldRefuseWithoutPrintingUserInfo) {
  testing::TempDir dir;
  const auto file = dir.write("relay.yaml", R"(listen: "::1:8080"
destinations:
  hook: {url: "https://agent:hunter2@hooks.example/x", secret: s}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)");
  const auto r = run_process({RELAY_BINARY, "config", "check", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("listen: an IPv6 address needs brackets: [::1]:8080"));
  EXPECT_THAT(r.err, HasSubstr("destinations.hook.url: user info (user:password@) is not allowed"));
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("hunter2")));
}

TEST(RelayTest, AUrlThatIsASecretIsPrintedRedacted) {
  testing::TempDir dir;
  const auto file = dir.write("relay.yaml", R"(destinations:
  slack: {url: env:RELAY_CLI_HOOK_URL, signing: none}
routes:
  - {name: ecs, handler: ecs_task, destinations: [slack]}
)");
  const auto r = run_process({RELAY_BINARY, "test", "--config", file, sample("ecs-task-stopped-exit-codes.json")}, "",
                             {"RELAY_CLI_HOOK_URL=https://hooks.slack.com/services/T0/B0/XyZsecret"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u);
  const auto& req = out[0].at("deliveries").as_array().at(0).at("request").as_object();
  EXPECT_EQ(req.at("url"), "https://hooks.slack.com/<redacted>");
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("XyZsecret")));
}

}  // namespace
}  // namespace relay
