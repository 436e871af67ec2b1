// The eventbridge kind's requests on the wire: sent to the test EventBridge, which verifies
// their SigV4 with @smithy/signature-v4, and compared with what the AWS SDK for JavaScript
// sends for the same entries.
#include "relay/destination/put_events_entry.hpp"
#include "relay/destination/registry.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/test_eventbridge.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::destination {
namespace {

namespace json = boost::json;

using ::testing::StartsWith;

std::unique_ptr<Destination> bus_at(const std::string& url) {
  std::vector<std::string> errors;
  auto d = make_destination("ops",
                            json::object{{"type", "eventbridge"},
                                         {"event_bus", "arn:aws:events:us-east-1:123456789012:event-bus/ops"},
                                         {"endpoint", url},
                                         {"source", "relay.incidents"},
                                         {"detail_type", "Incident"}},
                            {}, errors);
  EXPECT_TRUE(d) << ::testing::PrintToString(errors);
  return d;
}

// Sends `r` to `url` with curl, as relay's client would (its headers, its body).
void send(const Request& r, const std::string& url) {
  relay::testing::TempDir dir;
  std::vector<std::string> argv = {"curl", "-sS", "-o", "/dev/null", "--max-time", "10", "-X", r.method, url,
                                   "-H", "Expect:", "--data-binary", "@" + dir.write("body", r.body)};
  for (const auto& h : r.headers) argv.insert(argv.end(), {"-H", h.name + ": " + h.value});
  const auto sent = relay::testing::run_process(argv);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
}

const aws::Credentials kCredentials{relay::testing::kTestAccessKeyId, relay::testing::kTestSecretAccessKey};

TEST(EventBridgeWire, ASignedBatchIsVerifiedAndEachEntryJudgedByItsResult) {
  relay::testing::TestEventBridge server(json::parse(R"({"entries": [
      {"marker": "SLOW", "code": "ThrottlingException", "message": "Rate exceeded", "times": 1},
      {"marker": "BROKEN", "code": "MalformedDetail", "message": "Detail is malformed."}]})")
                                             .as_object());
  const auto d = bus_at(server.url());
  const std::string ok = R"({"n": "ok"})", slow = R"({"n": "SLOW"})", broken = R"({"n": "BROKEN"})";
  const Item items[] = {{{"e1", "alarms", "ops"}, "cloudwatch_alarm", "application/json", ok},
                        {{"e2", "alarms", "ops"}, "cloudwatch_alarm", "application/json", slow},
                        {{"e3", "alarms", "ops"}, "cloudwatch_alarm", "application/json", broken}};
  const aws::Credentials with_token{kCredentials.access_key_id, kCredentials.secret_access_key, "session-token"};
  send(d->request(items, {std::chrono::system_clock::now(), &with_token}), server.url());
  auto call = server.next_call();
  ASSERT_TRUE(call);
  EXPECT_EQ(call->verdict, "ok");
  EXPECT_EQ(call->headers["x-amz-security-token"], "session-token");
  ASSERT_EQ(call->status, 200u) << call->answer;
  const auto out = d->classify({call->status, {}, call->answer}, 3);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].verdict, Verdict::delivered);
  EXPECT_THAT(out[0].response, StartsWith(R"({"EventId":")"));
  EXPECT_EQ(out[1].verdict, Verdict::retry);
  EXPECT_EQ(out[1].error, "ThrottlingException: Rate exceeded");
  EXPECT_EQ(out[2].verdict, Verdict::dead);
  EXPECT_EQ(out[2].error, "MalformedDetail: Detail is malformed.");

  // The throttled entry alone, later: the same idempotency key, now accepted.
  send(d->request({&items[1], 1}, {std::chrono::system_clock::now(), &kCredentials}), server.url());
  auto retry = server.next_call();
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->verdict, "ok");
  ASSERT_EQ(retry->entries().size(), 1u);
  EXPECT_EQ(retry->entries()[0].at("Resources"), call->entries()[1].at("Resources"));
  EXPECT_EQ(retry->entries()[0].at("Resources"), json::array{json::value(idempotency_resource(items[1].key))});
  EXPECT_EQ(d->classify({retry->status, {}, retry->answer}, 1)[0].verdict, Verdict::delivered);
}

TEST(EventBridgeWire, ASignatureUnderAnotherSecretIsRefused) {
  relay::testing::TestEventBridge server;
  const auto d = bus_at(server.url());
  const std::string body = R"({"n": 1})";
  const Item item{{"e1", "alarms", "ops"}, "cloudwatch_alarm", "application/json", body};
  const aws::Credentials wrong{relay::testing::kTestAccessKeyId, "not-the-secret"};
  send(d->request({&item, 1}, {std::chrono::system_clock::now(), &wrong}), server.url());
  auto call = server.next_call();
  ASSERT_TRUE(call);
  EXPECT_THAT(call->verdict, StartsWith("signature mismatch"));
  const auto out = d->classify({call->status, {}, call->answer}, 1);
  EXPECT_EQ(out[0].verdict, Verdict::dead);
  EXPECT_THAT(out[0].error, StartsWith("HTTP 403 InvalidSignatureException: signature mismatch"));
}

TEST(EventBridgeWire, TheAwsSdkSendsTheSameRequestForTheSameEntries) {
  relay::testing::TestEventBridge server;
  const auto d = bus_at(server.url());
  const std::string alarm = R"({"eventType": "incident", "title": "CPU \u00e9 \"high\"", "n": [1, 2.5e3]})";
  const std::string event = R"({"version": "0", "id": "e1", "source": "aws.ecs", "detail-type": "ECS Task State Change",
    "time": "2024-05-01T10:20:30Z", "resources": ["arn:aws:ecs:us-east-1:123456789012:task/a"],
    "detail": {"lastStatus": "STOPPED", "note": "tab\there, é, \u0001"}})";
  const Item items[] = {{{"e1", "alarms", "ops"}, "cloudwatch_alarm", "application/json", alarm},
                        {{"e2", "all", "ops"}, "raw", "application/json", event}};
  const Request r = d->request(items, {std::chrono::system_clock::now(), &kCredentials});
  send(r, server.url());
  auto relays = server.next_call();
  ASSERT_TRUE(relays);
  ASSERT_EQ(relays->verdict, "ok");

  relay::testing::TempDir dir;
  const auto sdk = relay::testing::run_process(
      {"node", RELAY_SOURCE_DIR "/tests/destination/sdk_put_events.js", relay::testing::eventbridge_npm_modules(),
       server.url(), relay::testing::kTestRegion, kCredentials.access_key_id, kCredentials.secret_access_key,
       dir.write("body.json", r.body)});
  ASSERT_EQ(sdk.exit_code, 0) << sdk.err;
  auto sdks = server.next_call();
  ASSERT_TRUE(sdks);
  EXPECT_EQ(sdks->verdict, "ok");  // the verifier also takes the SDK's own signature
  EXPECT_EQ(sdks->body, relays->body);
  for (const char* h : {"content-type", "x-amz-target", "host"}) EXPECT_EQ(sdks->headers[h], relays->headers[h]) << h;
  // The SDK read the answer as a PutEvents result too.
  const auto result = json::parse(sdk.out);
  EXPECT_EQ(result.at("FailedEntryCount"), 0);
  EXPECT_EQ(result.at("Entries").as_array().size(), 2u);
}

}  // namespace
}  // namespace relay::destination
