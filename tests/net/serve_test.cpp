// `relay serve` over loopback: what arrives at the sink, and every answer the
// ingress gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "relay/core/base64.hpp"
#include "relay/core/event.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "tests/net/http_test_client.hpp"
#include "tests/support/destinations.hpp"
#include "tests/net/relay_fixture.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string json_error(const HttpReply& r) { return std::string(json::parse(r.body).at("error").as_string()); }

TEST(ServeEndToEnd, EverySampleArrivesSignedAsThePipelineMakesIt) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_relay({"serve", "--listen", "127.0.0.1:0", "--db", outbox_path(dir)},
                           {"WEBHOOK_URL=" + sink.url + "/hooks", std::string("WEBHOOK_SECRET=") + kSinkSecret});

  auto pipeline = testing::zero_config_pipeline(sink.url + "/hooks", kSinkSecret);
  ASSERT_TRUE(pipeline);

  HttpTestClient client(serve.url);
  std::vector<std::string> expected;
  std::set<std::pair<std::string, std::string>> accepted;  // (event id, route): one delivery each (dedupe)
  std::size_t samples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RELAY_SOURCE_DIR "/payloads/samples")) {
    const std::string text = read_text(entry.path().string());
    core::EventDecoder decoder;
    std::vector<json::value> events;
    ASSERT_FALSE(decoder.decode(text, events));
    for (const auto& e : events) {
      pipeline::Outcome outcome;
      pipeline->process(e, outcome);
      for (auto& d : outcome.deliveries)
        if (accepted.emplace(core::Event::view(e).id, d.route).second) expected.push_back(std::move(d.body));
    }

    const HttpReply reply = client.post("/events", text);
    ASSERT_EQ(reply.status, 202u) << entry.path() << ": " << reply.body;
    EXPECT_EQ(json::parse(reply.body).at("accepted").as_int64(), static_cast<std::int64_t>(events.size()));
    ++samples;
  }
  ASSERT_GE(samples, 20u);
  ASSERT_GE(expected.size(), 10u);

  // The sink verified every signature (it answers 401 and prints nothing
  // otherwise).
  auto received = sink_lines(*sink.process, expected.size(), 20s);
  std::sort(received.begin(), received.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(received, expected);
  EXPECT_FALSE(sink.process->stdout_line(200ms)) << "more deliveries than the pipeline makes";
}

class ServeAnswers : public ::testing::Test {
 protected:
  TempDir dir_;
  Listening sink_ = start_sink();
};

TEST_F(ServeAnswers, RefusalsCarryTheirJsonError) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url));
  HttpTestClient client(serve.url);

  HttpReply r = client.post("/events", std::string((1 << 20) + 1, ' '));
  EXPECT_EQ(r.status, 413u);
  EXPECT_THAT(json_error(r), ::testing::HasSubstr("larger than 1048576 bytes"));
  EXPECT_EQ(r.headers["content-type"], "application/json");

  r = client.post("/events", sample("ecs-task-stopped-exit-codes.json"), {}, true, "text/plain");
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(json_error(r), "content type must be application/json");

  r = client.post("/events", R"({"source": "aws.ecs", "detail-type": "x", "detail": [1]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json::parse(r.body).at("where").as_string(), "detail");

  r = client.post("/events", "{\"source\": ");
  EXPECT_EQ(r.status, 400u);
  EXPECT_FALSE(json_error(r).empty());

  r = client.post("/nothing-here", "{}");
  EXPECT_EQ(r.status, 404u);
  EXPECT_FALSE(json_error(r).empty());
}

TEST_F(ServeAnswers, FullBacklogAnswers429WithRetryAfter) {
  // The sink refuses everything and retries wait an hour: nothing leaves the
  // backlog.
  auto failing = start_sink({"--status", "503"});
  auto serve = start_serve(dir_, ServeConfig(failing.url)
                                     .set(&ServeConfig::delivery, "{mode: queued, max_backlog: 20}")
                                     .set(&ServeConfig::retry, "{schedule: [1h], jitter: 0}"));
  HttpTestClient client(serve.url);
  int accepted = 0, refused = 0;
  for (int i = 0; i < 50; ++i) {
    const HttpReply r = client.post("/events", ecs_event(i));
    if (r.status == 202) {
      ++accepted;
    } else {
      ASSERT_EQ(r.status, 429u) << r.body;
      EXPECT_EQ(r.headers.at("retry-after"), "1");
      EXPECT_THAT(json_error(r), ::testing::HasSubstr("backlog is full"));
      ++refused;
    }
  }
  EXPECT_EQ(accepted, 20);
  EXPECT_EQ(refused, 30);
}

// Sends a request's head (with Expect: 100-continue) to `serve`, stops it, then sends the
// body: the answer the request gets while relay is stopping. Relay has exited 0 after.
boost::beast::http::response<boost::beast::http::string_body> answer_while_stopping(Listening& serve,
                                                                                     const std::string& head_lines,
                                                                                     const std::string& body) {
  HttpTestClient client(serve.url);
  auto socket = client.connect();
  const std::string head = head_lines + "Host: relay.test\r\nExpect: 100-continue\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  // The interim answer says the server has the head and now reads the body.
  std::string interim;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(interim), "\r\n\r\n");
  EXPECT_THAT(interim, ::testing::StartsWith("HTTP/1.1 100"));

  serve.process->signal(SIGTERM);
  EXPECT_TRUE(serve.process->wait_stderr("stopped accepting", 10s));
  boost::asio::write(socket, boost::asio::buffer(body));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> res;
  boost::beast::http::read(socket, buffer, res);
  EXPECT_EQ(serve.process->wait(10s), 0);
  return res;
}

TEST_F(ServeAnswers, RequestsArrivingWhileStoppingGet503) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url));
  const auto res =
      answer_while_stopping(serve, "POST /events HTTP/1.1\r\nContent-Type: application/json\r\n", ecs_event(1));
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(res[boost::beast::http::field::retry_after], "1");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_THAT(std::string(json::parse(res.body()).at("error").as_string()), ::testing::HasSubstr("shutting down"));
}

TEST_F(ServeAnswers, PutEventsArrivingWhileStoppingGetTheAwsServiceUnavailableError) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url));
  const auto res = answer_while_stopping(
      serve,
      "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSEvents.PutEvents\r\n",
      R"({"Entries": [{"Source": "app", "DetailType": "t", "Detail": "{}"}]})");
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(res[boost::beast::http::field::retry_after], "1");
  EXPECT_FALSE(res["x-amzn-RequestId"].empty());
  const auto body = json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("__type").as_string(), "ServiceUnavailable");
  EXPECT_THAT(std::string(body.at("message").as_string()), ::testing::HasSubstr("shutting down"));
}

TEST_F(ServeAnswers, KeepAliveAndConnectionCloseClientsAreBothServed) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url));
  HttpTestClient kept(serve.url), closing(serve.url);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(kept.post("/events", ecs_event(i)).status, 202u);
    const HttpReply r = closing.post("/events", ecs_event(100 + i), {}, false);
    EXPECT_EQ(r.status, 202u);
    EXPECT_FALSE(r.keep_alive);
  }
  EXPECT_EQ(kept.connections(), 1);
  EXPECT_EQ(closing.connections(), 50);
  EXPECT_EQ(sink_lines(*sink_.process, 100, 20s).size(), 100u);
}

TEST_F(ServeAnswers, AStalledClientIsCutOffWhileOthersAreServed) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url).set(&ServeConfig::ingress, "  read_timeout: 1s\n"));
  HttpTestClient client(serve.url);
  auto stalled = client.connect();
  const auto started = std::chrono::steady_clock::now();
  // A head the ingress accepts (it refuses some by their head alone), then part of the body.
  boost::asio::write(stalled, boost::asio::buffer(std::string_view(
                                  "POST /events HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 100\r\n\r\n{\"sou")));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(client.post("/events", ecs_event(i)).status, 202u);

  char byte;
  boost::system::error_code ec;
  const auto n = stalled.read_some(boost::asio::buffer(&byte, 1),
                                   ec);  // SO_RCVTIMEO bounds it at 10 s
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, boost::asio::error::eof);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(ServeAnswers, SyncModeAnswersWithTheReceiversVerdict) {
  auto serve = start_serve(dir_, ServeConfig(sink_.url), {"--sync"});
  HttpTestClient client(serve.url);
  HttpReply r = client.post("/events", ecs_event(1));
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"delivered": 1, "event_ids": ["event-1"]})"));
  EXPECT_EQ(sink_lines(*sink_.process, 1, 5s).size(), 1u);

  auto refusing = start_sink({"--status", "500"});
  TempDir other;
  auto serve_refused = start_serve(other, ServeConfig(refusing.url), {"--sync"});
  HttpTestClient client2(serve_refused.url);
  r = client2.post("/events", ecs_event(2));
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(json::parse(r.body).at("status").as_int64(), 500);
  EXPECT_EQ(json::parse(r.body).at("destination").as_string(), "webhook");
}

struct AuthCase {
  std::string name;
  std::string yaml;
  Headers good;
  Headers bad;
};

std::vector<AuthCase> auth_cases(const std::string& body) {
  const std::string now = core::format_signing_time(std::chrono::system_clock::now());
  const core::HmacSha256 key("hmac-in");
  return {
      {"api_key", "{type: api_key, header: x-api-key, key: k3y}", {{"x-api-key", "k3y"}}, {{"x-api-key", "k3z"}}},
      {"basic",
       "{type: basic, username: eb, password: pw}",
       {{"authorization", "Basic " + core::base64_encode(std::string_view("eb:pw"))}},
       {{"authorization", "Basic " + core::base64_encode(std::string_view("eb:px"))}}},
      {"bearer", "{type: bearer, token: t0k}", {{"authorization", "Bearer t0k"}}, {{"authorization", "Bearer t0j"}}},
      {"hmac-timestamp",
       "{type: hmac-timestamp, secret: hmac-in, tolerance: 5m}",
       {{"x-amzn-event-timestamp", now}, {"x-amzn-event-signature", core::hmac_timestamp_signature(key, now, body)}},
       {{"x-amzn-event-timestamp", now},
        {"x-amzn-event-signature", core::hmac_timestamp_signature(key, now, body + " ")}}},
  };
}

TEST_F(ServeAnswers, EachIngressAuthTypeAcceptsTheRightSecretOnly) {
  const std::string body = ecs_event(7);
  for (const auto& c : auth_cases(body)) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    auto serve = start_serve(dir, ServeConfig(sink_.url).set(&ServeConfig::auth, c.yaml));
    HttpTestClient client(serve.url);
    EXPECT_EQ(client.post("/events", body, c.good).status, 202u);
    for (const Headers& refused : {c.bad, Headers{}}) {
      const HttpReply r = client.post("/events", body, refused);
      EXPECT_EQ(r.status, 401u);
      EXPECT_EQ(json_error(r), "unauthorized");
    }
    EXPECT_THAT(serve.process->stderr_text(), ::testing::Not(::testing::HasSubstr(c.good.back().second)));
  }
}

}  // namespace
}  // namespace relay::testing

namespace relay::testing {
namespace {

// One relay, two EventBridge connections: /events with the listener's auth, and a route
// with its own door (its own API key) that also asks for a header.
TEST(ServeRoutes, ARouteWithItsOwnDoorAndHeaders) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(
      dir, ServeConfig(sink.url).set(&ServeConfig::more_routes,
                                     "  - name: team-a\n"
                                     "    handler: raw\n"
                                     "    destinations: [webhook]\n"
                                     "    request: {headers: {x-team: a}, auth: {type: api_key, header: x-team-key, "
                                     "key: team-secret}}\n"));
  HttpTestClient client(serve.url);
  const std::string event = ecs_event(1);
  EXPECT_EQ(client.post("/events/team-a", event).status, 401u);
  EXPECT_EQ(client.post("/events/team-a", event, {{"x-team-key", "wrong"}}).status, 401u);
  EXPECT_EQ(client.post("/events/nobody", event).status, 404u);

  // Through /events only the shared route: the incident.
  ASSERT_EQ(client.post("/events", event).status, 202u);
  auto first = sink_lines(*sink.process, 1, 10s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_THAT(first[0], ::testing::HasSubstr("\"eventType\""));

  // Through its door with the key but without the header: accepted, nothing to send.
  ASSERT_EQ(client.post("/events/team-a", ecs_event(2), {{"x-team-key", "team-secret"}}).status, 202u);
  // With the header: only that route, which forwards the event itself.
  ASSERT_EQ(client.post("/events/team-a", ecs_event(3), {{"x-team-key", "team-secret"}, {"x-team", "a"}}).status, 202u);
  auto second = sink_lines(*sink.process, 1, 10s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_THAT(second[0], ::testing::HasSubstr("\"detail-type\""));
  EXPECT_THAT(second[0], ::testing::Not(::testing::HasSubstr("\"eventType\"")));
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "nothing else was delivered";
}

}  // namespace
}  // namespace relay::testing

namespace relay::testing {
namespace {

// Sample name with labels -> value, from Prometheus text; every line a comment or a sample.
std::map<std::string, double> prometheus(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

TEST(ServeObservability, MetricsMoveWithEventsAndDeliveries) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url));
  HttpTestClient client(serve.url);
  EXPECT_EQ(client.get("/healthz").status, 200u);
  const HttpReply ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(json::parse(ready.body).at("ready"), true);

  for (int n = 0; n < 3; ++n) ASSERT_EQ(client.post("/events", ecs_event(n)).status, 202u);
  EXPECT_EQ(client.post("/events", "{nope").status, 400u);
  ASSERT_EQ(sink_lines(*sink.process, 3, 10s).size(), 3u);

  const std::string delivered = R"(relay_deliveries_total{destination="webhook",outcome="delivered"})";
  std::map<std::string, double> m;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {  // the attempt is counted just after the sink answered, and recorded just after that
    const HttpReply r = client.get("/metrics");
    ASSERT_EQ(r.status, 200u);
    EXPECT_THAT(r.headers.at("content-type"), ::testing::StartsWith("text/plain"));
    m = prometheus(r.body);
  } while ((m[delivered] < 3 || m["relay_backlog_deliveries"] > 0) && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(m[delivered], 3);
  EXPECT_EQ(m[R"(relay_events_received_total{source="aws.ecs",detail_type="ECS Task State Change"})"], 3);
  EXPECT_EQ(m[R"(relay_route_matches_total{route="ecs"})"], 3);
  EXPECT_EQ(m[R"(relay_events_rejected_total{reason="decode"})"], 1);
  EXPECT_EQ(m[R"(relay_delivery_attempt_seconds_count{destination="webhook"})"], 3);
  EXPECT_EQ(m["relay_store_writable"], 1);
  EXPECT_EQ(m["relay_backlog_deliveries"], 0);
}

}  // namespace
}  // namespace relay::testing

namespace relay::testing {
namespace {

// The structured log: JSON lines with the documented fields, never a secret; payloads only
// with --log-payloads.
TEST(ServeObservability, LogLinesAreJsonWithTheirFieldsAndNoSecret) {
  for (const bool payloads : {false, true}) {
    TempDir dir;
    auto sink = start_sink();
    std::vector<std::string> args{"--log-level", "info"};
    if (payloads) args.push_back("--log-payloads");
    auto serve = start_serve(dir, ServeConfig(sink.url), args);
    HttpTestClient client(serve.url);
    ASSERT_EQ(client.post("/events", ecs_event(7)).status, 202u);
    const auto accepted = serve.process->wait_stderr("\"msg\":\"event accepted\"", 10s);
    ASSERT_TRUE(accepted);
    const auto delivered = serve.process->wait_stderr("\"msg\":\"delivered\"", 10s);
    ASSERT_TRUE(delivered);

    const auto attempt = json::parse(*delivered).as_object();
    EXPECT_EQ(attempt.at("level"), "info");
    for (const char* field : {"time", "delivery_id", "event_id", "route", "destination", "attempt", "status",
                              "latency_ms", "outcome", "error"})
      EXPECT_TRUE(attempt.contains(field)) << field;
    EXPECT_EQ(attempt.at("status"), 200);
    EXPECT_EQ(attempt.at("destination"), "webhook");
    EXPECT_EQ(attempt.contains("body"), payloads);

    const auto event = json::parse(*accepted).as_object();
    EXPECT_EQ(event.at("source"), "aws.ecs");
    EXPECT_EQ(event.at("detail_type"), "ECS Task State Change");
    EXPECT_EQ(event.at("deliveries"), 1);

    serve.process->signal(SIGTERM);
    ASSERT_TRUE(serve.process->wait(10s));
    const std::string all = serve.process->stderr_text();
    EXPECT_EQ(all.find(kSinkSecret), std::string::npos) << "a secret was logged";
    std::istringstream lines(all);
    std::string line;
    while (std::getline(lines, line)) EXPECT_NO_THROW(json::parse(line)) << line;
  }
}

}  // namespace
}  // namespace relay::testing

namespace relay::testing {
namespace {

TEST(ServeRoutes, ATemplateRouteSendsItsBody) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::more_routes,
                                                          "  - name: tmpl\n"
                                                          "    handler: template\n"
                                                          "    pattern: {source: [aws.ecs]}\n"
                                                          "    destinations: [webhook]\n"
                                                          "    request: {headers: {x-template: 'yes'}}\n"
                                                          "    options:\n"
                                                          "      input_paths: {task: $.detail.taskArn}\n"
                                                          "      input_template: '{\"task\": <task>, \"rule\": \"<aws.events.rule-name>\"}'\n"));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(5), {{"x-template", "yes"}}).status, 202u);
  auto lines = sink_lines(*sink.process, 2, 10s);
  ASSERT_EQ(lines.size(), 2u);
  std::sort(lines.begin(), lines.end());
  const auto templated = json::parse(lines[1].find("\"task\"") != std::string::npos ? lines[1] : lines[0]).as_object();
  EXPECT_EQ(templated.at("rule"), "tmpl");
  EXPECT_THAT(std::string(templated.at("task").as_string()), ::testing::HasSubstr("task/"));
}

}  // namespace
}  // namespace relay::testing
