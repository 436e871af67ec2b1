#include "relay/config/config.hpp"
#include "relay/config/yaml_json.hpp"
#include "relay/core/object_reader.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "tests/support/run_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <filesystem>

namespace relay::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

constexpr const char* kSigningTime = "2024-01-01T00:00:00.000Z";

// The request a "{}" body from route `route` makes for `destination`, signed at kSigningTime.
destination::Request request_to(const Config& cfg, std::string_view destination, std::string_view route = "ecs") {
  const destination::Item item{{"e1", route, destination}, "ecs_task", "application/json", "{}"};
  return cfg.pipeline->destinations().find(destination)->request({&item, 1},
                                                                 {*core::parse_signing_time(kSigningTime), nullptr});
}

std::string header_of(const destination::Request& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return {};
}

std::vector<std::string> errors_of(const std::string& yaml) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_config(yaml, errors));
  return errors;
}

const char* kMinimal = R"(
destinations:
  hook: {url: "https://hooks.example/x", secret: s3cret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)";

TEST(YamlJson, TypesPlainScalarsAndKeepsQuotedOnesAsStrings) {
  std::string error;
  auto v = yaml_to_json("a: 5\nb: \"5\"\nc: true\nd: 'null'\ne: null\nf: 2.5e3\ng: [x, 1]\nh: 0x10\n", error);
  ASSERT_TRUE(v) << error;
  const auto& o = v->as_object();
  EXPECT_TRUE(o.at("a").is_int64());
  EXPECT_EQ(o.at("b").as_string(), "5");
  EXPECT_TRUE(o.at("c").as_bool());
  EXPECT_EQ(o.at("d").as_string(), "null");
  EXPECT_TRUE(o.at("e").is_null());
  EXPECT_EQ(o.at("f").as_double(), 2500.0);
  EXPECT_EQ(o.at("g").as_array().at(1).as_int64(), 1);
  EXPECT_EQ(o.at("h").as_string(), "0x10");
}

TEST(YamlJson, ReportsSyntaxAndDuplicateKeysWithTheirLine) {
  std::string error;
  EXPECT_FALSE(yaml_to_json("a: [1, 2\n", error));
  EXPECT_THAT(error, ::testing::StartsWith("line 2, column 1: "));
  EXPECT_FALSE(yaml_to_json("a: 1\nb: 2\na: 3\n", error));
  EXPECT_EQ(error, "line 3, column 1: duplicate key \"a\"");
  EXPECT_FALSE(yaml_to_json("- 1\n- 2\n", error));
  EXPECT_EQ(error, "the configuration must be a mapping of keys (listen, destinations, routes, ...)");
}

// Nine levels of nine aliases each: 390 bytes that stand for 9^9 (387 million) strings.
std::string billion_laughs() {
  std::string yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char prev = static_cast<char>(c - 1);
    yaml += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) yaml += std::string(i ? ", " : "") + "*" + prev;
    yaml += "]\n";
  }
  return yaml;
}

TEST(YamlJson, BoundsAliasExpansionAndNesting) {
  std::string error;
  EXPECT_FALSE(yaml_to_json(billion_laughs(), error));
  EXPECT_THAT(error, ::testing::HasSubstr("aliases expand the document beyond 100396 values"));
  EXPECT_THAT(error, ::testing::MatchesRegex("line [0-9]+, column [0-9]+: [a-i](\\[[0-9]\\])+: .*")) << "names the path";

  std::string deep = "a: ";
  for (int i = 0; i < 70; ++i) deep += "{k: ";
  deep += "1" + std::string(70, '}') + "\n";
  EXPECT_FALSE(yaml_to_json(deep, error));
  EXPECT_THAT(error, ::testing::HasSubstr("a.k.k.k"));
  EXPECT_THAT(error, ::testing::HasSubstr("nested deeper than 64 levels"));

  auto shared = yaml_to_json("base: &b {url: 'https://x.example/', secret: s}\nuse: [*b, *b, *b]\n", error);
  ASSERT_TRUE(shared) << error << ": aliases within bounds still expand";
  EXPECT_EQ(shared->at("use").as_array().size(), 3u);
}

TEST(ConfigCheck, RefusesABillionLaughsQuicklyInLittleMemory) {
  testing::TempDir dir;
  const auto path = dir.write("laughs.yaml", billion_laughs());
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space, so no limit on it can hold here.
  auto r = testing::run_process({RELAY_BINARY, "config", "check", path});
#else
  // 256 MiB of address space: the expanded document would need gigabytes.
  auto r = testing::run_process({"/usr/bin/prlimit", "--as=268435456", RELAY_BINARY, "config", "check", path});
#endif
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("aliases expand the document beyond 100396 values"));
}

TEST(Config, LoadsAMinimalFileWithDefaults) {
  std::vector<std::string> errors;
  auto cfg = parse_config(kMinimal, errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->listen, "127.0.0.1:8080");
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::none);
  EXPECT_EQ(cfg->ingress.max_body_bytes, 1u << 20);
  EXPECT_EQ(cfg->delivery.mode, DeliveryMode::queued);
  EXPECT_EQ(cfg->store.path, "var/relay.db");
  ASSERT_EQ(cfg->pipeline->destinations().all().size(), 1u);
  const auto& hook = *cfg->pipeline->destinations().all().front();
  EXPECT_EQ(hook.kind(), "webhook");
  const auto request = request_to(*cfg, hook.name());
  EXPECT_TRUE(core::hmac_timestamp_valid(core::HmacSha256("s3cret"), kSigningTime, request.body,
                                         header_of(request, "x-amzn-event-signature")));
  EXPECT_EQ(hook.transport().retry.schedule, (std::vector<std::chrono::milliseconds>{5s, 5min, 30min, 2h, 5h, 10h, 10h}));
  EXPECT_TRUE(cfg->pipeline);
}

TEST(Config, TheExampleFileIsValid) {
  setenv("WEBHOOK_SECRET", "example", 1);
  std::vector<std::string> errors;
  auto cfg = parse_config(testing::read_text(RELAY_SOURCE_DIR "/deploy/relay.example.yaml"), errors);
  EXPECT_TRUE(cfg) << (errors.empty() ? "" : errors.front());
  EXPECT_EQ(cfg->routes.size(), 4u);
}

TEST(Config, ReadsEverySection) {
  setenv("RELAY_TEST_TOKEN", "tok", 1);
  std::vector<std::string> errors;
  auto cfg = parse_config(R"(
listen: 0.0.0.0:443
threads: 4
ingress:
  auth: {type: api_key, header: x-api-key, key: env:RELAY_TEST_TOKEN}
  max_body_bytes: 2048
  read_timeout: 250ms
  tls: {cert: c.pem, key: k.pem}
delivery: {mode: sync, max_backlog: 50}
store: {path: /tmp/x.db}
patterns: {max_chars: 4096}
destinations:
  hook:
    url: https://hooks.example/x
    signing: bearer
    secret: env:RELAY_TEST_TOKEN
    headers: {X-Team: sre}
    timeout: 2s
    retry: {exponential: {initial: 1s, factor: 3, max: 20s, retries: 4}, jitter: 0}
routes:
  - name: ecs
    handler: ecs_task
    pattern: '{"source": ["aws.ecs"]}'
    destinations: [hook]
)",
                          errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->threads, 4u);
  EXPECT_EQ(cfg->ingress.auth, IngressAuth::api_key);
  EXPECT_EQ(cfg->ingress.api_key_header, "x-api-key");
  EXPECT_EQ(cfg->ingress.secret, "tok");
  EXPECT_EQ(cfg->ingress.read_timeout, 250ms);
  EXPECT_EQ(cfg->ingress.tls_cert_file.value(), "c.pem");
  EXPECT_EQ(cfg->delivery.mode, DeliveryMode::sync);
  EXPECT_EQ(cfg->pattern_limits.max_pattern_chars, 4096u);
  const auto request = request_to(*cfg, "hook");
  EXPECT_EQ(header_of(request, "authorization"), "Bearer tok");
  EXPECT_EQ(header_of(request, "x-team"), "sre");
  const auto& transport = cfg->pipeline->destinations().find("hook")->transport();
  EXPECT_EQ(transport.timeout, 2s);
  EXPECT_EQ(transport.retry.schedule, (std::vector<std::chrono::milliseconds>{1s, 3s, 9s, 20s}));
  EXPECT_EQ(transport.retry.jitter, 0.0);
  EXPECT_TRUE(cfg->routes[0].pattern.has_value());
}

TEST(Config, ListsEveryProblemWithItsPath) {
  unsetenv("RELAY_NO_SUCH_SECRET");
  EXPECT_THAT(errors_of(R"(
listen: localhost
lsiten: 1
ingress:
  auth: {type: magic}
  read_timeout: 10
destinations:
  hook: {url: "ftp://x", secret: env:RELAY_NO_SUCH_SECRET, retry: {schedule: [5s, soon]}}
routes:
  - {name: a, handler: ecs_task, destinations: []}
  - {name: a, handler: ecs_task, destinations: [hook], pattern: "{nope"}
  - name: c
    destinations: [hook]
)"),
              ElementsAre("listen: expected ADDRESS:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:443",
                          "ingress.auth.type: expected one of none, api_key, basic, bearer, hmac-timestamp, jwt",
                          "ingress.read_timeout: expected a duration such as 250ms, 5s, 30m or 2h",
                          "destinations.hook.url: expected an http:// or https:// URL with a host",
                          "destinations.hook.secret: environment variable RELAY_NO_SUCH_SECRET is not set",
                          "destinations.hook.retry.schedule[1]: expected a duration such as 250ms, 5s, 30m or 2h",
                          "routes[0].destinations: expected a non-empty list of destination names",
                          "routes[1].name: \"a\" is already the name of routes[0]",
                          "routes[1].pattern: not valid JSON: syntax error",
                          "routes[2].handler: missing",
                          "lsiten: unknown key (known: listen, threads, ingress, delivery, store, admin, patterns, outbound, destinations, routes)"));
}

TEST(Config, TlsSessionResumptionIsOnUnlessTurnedOff) {
  const std::string head = "ingress:\n  tls: {cert: c.pem, key: k.pem";
  std::vector<std::string> errors;
  auto on = parse_config(head + "}\n" + kMinimal, errors);
  ASSERT_TRUE(on) << errors.front();
  EXPECT_TRUE(on->ingress.tls_session_resumption);
  auto off = parse_config(head + ", session_resumption: false}\n" + kMinimal, errors);
  ASSERT_TRUE(off) << errors.front();
  EXPECT_FALSE(off->ingress.tls_session_resumption);
  EXPECT_THAT(errors_of(head + ", session_resumption: sometimes}\n" + kMinimal),
              ElementsAre("ingress.tls.session_resumption: expected true or false"));
}

// What `relay serve` would refuse, config load refuses too, with the same words.
TEST(Config, RefusesWhatServeRefuses) {
  EXPECT_THAT(errors_of(R"(
listen: "::1:8080"
destinations:
  hook: {url: "https://user:hunter2@hooks.example/x", secret: s}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)"),
              ElementsAre("listen: an IPv6 address needs brackets: [::1]:8080",
                          "destinations.hook.url: user info (user:password@) is not allowed in a URL: it would be "
                          "logged and sent in clear; put credentials in a header (headers: {authorization: env:NAME})"));
  std::vector<std::string> errors;
  auto cfg = parse_config(std::string("listen: \"[::1]:8080\"\n") + kMinimal, errors);
  ASSERT_TRUE(cfg) << errors.at(0);
  EXPECT_EQ(cfg->listen, "[::1]:8080");
}

TEST(Config, ADestinationUrlMayBeASecretAndIsThenShownRedacted) {
  setenv("RELAY_TEST_HOOK_URL", "https://hooks.slack.com/services/T0/B0/XyZsecret", 1);
  const std::string config = R"(
destinations:
  hook: {url: env:RELAY_TEST_HOOK_URL, secret: s}
  plain: {url: "https://hooks.example/x", secret: s}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook, plain]}
)";
  std::vector<std::string> errors;
  auto cfg = parse_config(config, errors);
  ASSERT_TRUE(cfg) << errors.at(0);
  const auto& hook = cfg->pipeline->destinations().find("hook")->transport();
  EXPECT_EQ(hook.url.target, "/services/T0/B0/XyZsecret");
  EXPECT_EQ(hook.shown_url, "https://hooks.slack.com/<redacted>");
  EXPECT_EQ(cfg->pipeline->destinations().find("plain")->transport().shown_url, "https://hooks.example/x");

  // A delivery's request (what `relay test` prints) carries the redacted form.
  EXPECT_EQ(request_to(*cfg, "hook").url, "https://hooks.slack.com/<redacted>");

  // A resolved URL that is not one is refused without being quoted.
  setenv("RELAY_TEST_HOOK_URL", "ftp://XyZsecret@files.example/", 1);
  const auto problems = errors_of(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "destinations.hook.url: expected an http:// or https:// URL with a host");
  unsetenv("RELAY_TEST_HOOK_URL");
  EXPECT_THAT(errors_of(config), ElementsAre("destinations.hook.url: environment variable RELAY_TEST_HOOK_URL is not set"));
}

TEST(Config, OutboundDenyDefaultsToLinkLocalAndTakesClassesAndCidrs) {
  std::vector<std::string> errors;
  auto cfg = parse_config(kMinimal, errors);
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->outbound.deny.size(), 1u);
  EXPECT_EQ(cfg->outbound.deny[0].name, "link-local");

  cfg = parse_config(std::string("outbound: {deny: [private, loopback, 203.0.113.0/24]}\n") + kMinimal, errors);
  ASSERT_TRUE(cfg) << errors.at(0);
  ASSERT_EQ(cfg->outbound.deny.size(), 3u);
  EXPECT_EQ(cfg->outbound.deny[2].name, "203.0.113.0/24");

  cfg = parse_config(std::string("outbound: {deny: []}\n") + kMinimal, errors);
  ASSERT_TRUE(cfg);
  EXPECT_TRUE(cfg->outbound.deny.empty());

  EXPECT_THAT(errors_of(std::string("outbound: {deny: [link-local, intranet, 7], allow: []}\n") + kMinimal),
              ElementsAre("outbound.deny[1]: expected link-local, private, loopback or a CIDR block such as 10.0.0.0/8 or fd00::/8",
                          "outbound.deny[2]: expected link-local, private, loopback or a CIDR block such as 10.0.0.0/8 or fd00::/8",
                          "outbound.allow: unknown key (known: deny)"));
}

TEST(Config, ADestinationAtADeniedIpLiteralIsRefusedAtLoad) {
  EXPECT_THAT(errors_of(R"(
destinations:
  meta: {url: "http://169.254.169.254/latest/meta-data/", signing: none}
  meta6: {url: "http://[fd00:ec2::254]/", signing: none}
routes:
  - {name: ecs, handler: ecs_task, destinations: [meta, meta6]}
)"),
              ElementsAre("destinations.meta.url: destination address 169.254.169.254 refused by outbound.deny (link-local)",
                          "destinations.meta6.url: destination address fd00:ec2::254 refused by outbound.deny (link-local)"));
  EXPECT_THAT(errors_of(R"(
outbound: {deny: [loopback]}
destinations:
  local: {url: "http://127.0.0.1:9000/", signing: none}
routes:
  - {name: ecs, handler: ecs_task, destinations: [local]}
)"),
              ElementsAre("destinations.local.url: destination address 127.0.0.1 refused by outbound.deny (loopback)"));
}

TEST(Config, ZeroConfigRefusesAWebhookUrlDeliveryCannotUse) {
  setenv("WEBHOOK_SECRET", "example", 1);
  std::vector<std::string> errors;
  setenv("WEBHOOK_URL", "https://agent:pw@hooks.example/x", 1);
  EXPECT_FALSE(zero_config_from_env(errors));
  setenv("WEBHOOK_URL", "http://169.254.169.254/", 1);
  EXPECT_FALSE(zero_config_from_env(errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].find("WEBHOOK_URL: user info"), 0u) << errors[0];
  EXPECT_EQ(errors[1], "WEBHOOK_URL: destination address 169.254.169.254 refused by outbound.deny (link-local)");
  unsetenv("WEBHOOK_URL");
}

TEST(Config, ASecretThatResolvesEmptyIsAnErrorWherever) {
  setenv("RELAY_EMPTY_SECRET", "", 1);
  testing::TempDir dir;
  const auto empty_file = dir.write("empty", "\n");
  EXPECT_THAT(errors_of(R"(
ingress:
  auth: {type: bearer, token: env:RELAY_EMPTY_SECRET}
admin: {token: env:RELAY_EMPTY_SECRET}
destinations:
  hook: {url: "https://h.example/", secret: env:RELAY_EMPTY_SECRET, headers: {x-key: env:RELAY_EMPTY_SECRET}}
  file: {url: "https://h.example/", secret: file:)" + empty_file + R"(}
  list: {url: "https://h.example/", secrets: [s1, env:RELAY_EMPTY_SECRET]}
routes:
  - {name: a, handler: ecs_task, destinations: [hook, file, list]}
)"),
              ElementsAre("ingress.auth.token: environment variable RELAY_EMPTY_SECRET is set but empty",
                          "admin.token: environment variable RELAY_EMPTY_SECRET is set but empty",
                          "destinations.hook.secret: environment variable RELAY_EMPTY_SECRET is set but empty",
                          "destinations.hook.headers.x-key: environment variable RELAY_EMPTY_SECRET is set but empty",
                          "destinations.file.secret: secret file " + empty_file + " is empty",
                          "destinations.list.secrets[1]: environment variable RELAY_EMPTY_SECRET is set but empty"));
  unsetenv("RELAY_EMPTY_SECRET");
}

// A destination's headers go on the wire as given: names must be tokens, values may not break
// a line, and the framing headers are relay's own. A secret value is never printed.
TEST(Config, RefusesDestinationHeadersThatWouldBreakTheRequest) {
  setenv("RELAY_HEADER_VALUE", "a\r\nX-Injected: 1", 1);
  EXPECT_THAT(errors_of(R"(
destinations:
  hook:
    url: "https://h.example/"
    secret: s
    headers: {"x team": a, x-ok: b, x-key: env:RELAY_HEADER_VALUE, Content-Length: "9", connection: close}
routes:
  - {name: a, handler: ecs_task, destinations: [hook]}
)"),
              ElementsAre("destinations.hook.headers.x team: not a header name "
                          "(letters, digits and !#$%&'*+-.^_`|~ only)",
                          "destinations.hook.headers.x-key: a header value may not hold a line break (CR, LF) or NUL",
                          "destinations.hook.headers.Content-Length: relay sets this header itself",
                          "destinations.hook.headers.connection: relay sets this header itself"));
  unsetenv("RELAY_HEADER_VALUE");
}

TEST(Config, APausedDestinationNeedsQueuedDelivery) {
  EXPECT_THAT(errors_of(R"(
delivery: {mode: sync}
destinations:
  hook: {url: "https://h.example/", secret: s, paused: true}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)"),
              ElementsAre("destinations.hook.paused: a paused destination keeps its deliveries pending, which needs "
                          "delivery.mode: queued"));
}

TEST(Config, ReadsTheDurableDeliveryKeys) {
  setenv("RELAY_TEST_ADMIN", "adm1n", 1);
  std::vector<std::string> errors;
  auto cfg = parse_config(std::string(kMinimal) + R"(
delivery: {max_backlog: 50, max_backlog_bytes: 2097152, dedupe_window: 2d}
store: {path: /tmp/x.db, synchronous: normal, busy_timeout: 250ms, max_bytes: 1048576, retention: 3d}
admin: {token: env:RELAY_TEST_ADMIN}
)",
                          errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->delivery.max_backlog, 50u);
  EXPECT_EQ(cfg->delivery.max_backlog_bytes, 2097152u);
  EXPECT_EQ(cfg->delivery.dedupe_window, 48h);
  EXPECT_EQ(cfg->store.path, "/tmp/x.db");
  EXPECT_FALSE(cfg->store.synchronous_full);
  EXPECT_EQ(cfg->store.busy_timeout, 250ms);
  EXPECT_EQ(cfg->store.max_bytes, 1048576u);
  EXPECT_EQ(cfg->store.retention, 72h);
  EXPECT_EQ(cfg->admin.token, "adm1n");

  auto defaults = parse_config(kMinimal, errors);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->delivery.dedupe_window, 24h);
  EXPECT_EQ(defaults->store.retention, 7 * 24h);
  EXPECT_TRUE(defaults->store.synchronous_full);
  EXPECT_TRUE(defaults->admin.token.empty());
}

TEST(Config, ReportsTheDurableDeliveryKeysProblems) {
  unsetenv("RELAY_NO_SUCH_SECRET");
  EXPECT_THAT(errors_of(std::string(kMinimal) + R"(
delivery: {max_backlog_bytes: 10, dedupe_window: forever}
store: {synchronous: sometimes, max_bytes: 100, retention: 7}
admin: {token: env:RELAY_NO_SUCH_SECRET, listen: x, port: 1}
)"),
              ElementsAre("delivery.max_backlog_bytes: expected a whole number from 1048576 to 1099511627776",
                          "delivery.dedupe_window: expected a duration such as 250ms, 5s, 30m or 2h",
                          "store.synchronous: expected one of full, normal",
                          "store.max_bytes: expected 0 (no cap) or at least 65536",
                          "store.retention: expected a duration such as 250ms, 5s, 30m or 2h",
                          "admin.token: environment variable RELAY_NO_SUCH_SECRET is not set",
                          ::testing::StartsWith("admin.listen: expected ADDRESS:PORT"),
                          "admin.port: unknown key (known: token, listen)"));
}

TEST(Config, AdminListenIsAnAddressOfItsOwn) {
  std::vector<std::string> errors;
  const auto cfg = parse_config(std::string(kMinimal) + "admin: {token: t, listen: \"127.0.0.1:9091\"}\n", errors);
  ASSERT_TRUE(cfg) << errors.front();
  EXPECT_EQ(cfg->admin.listen, "127.0.0.1:9091");
  const auto unset = parse_config(std::string(kMinimal) + "admin: {token: t}\n", errors);
  ASSERT_TRUE(unset);
  EXPECT_EQ(unset->admin.listen, std::nullopt);

  EXPECT_THAT(errors_of(std::string(kMinimal) + "admin: {token: t, listen: [1]}\n"),
              ElementsAre("admin.listen: expected ADDRESS:PORT as a string, such as 127.0.0.1:9090"));
  EXPECT_THAT(errors_of(std::string(kMinimal) + "admin: {token: t, listen: \"::1:9090\"}\n"),
              ElementsAre(::testing::StartsWith("admin.listen: ")));
  EXPECT_THAT(errors_of(std::string(kMinimal) + "listen: 127.0.0.1:8081\nadmin: {token: t, listen: 127.0.0.1:8081}\n"),
              ElementsAre("admin.listen: is the ingress's address (listen); give the admin API a port of its own"));
  EXPECT_THAT(errors_of(std::string(kMinimal) + "admin: {listen: 127.0.0.1:9090}\n"),
              ElementsAre(::testing::StartsWith("admin.token: ")));
}

TEST(Config, DurationsTakeDays) {
  EXPECT_EQ(core::parse_duration("7d"), std::chrono::milliseconds(7 * 24h));
  EXPECT_EQ(core::parse_duration("d"), std::nullopt);
}

TEST(Config, ReportsPipelineProblemsWithTheirPath) {
  EXPECT_THAT(errors_of(R"(
destinations:
  hook: {url: "https://h.example/", secret: s}
routes:
  - name: a
    handler: ecs_task
    options: {priority: URGENT}
    destinations: [hook, other]
  - name: b
    handler: nope
    destinations: [hook]
)"),
              ElementsAre("routes[0].options.priority: expected one of CRITICAL, HIGH, MEDIUM, LOW, MINIMAL",
                          "routes[0].destinations[1]: unknown destination \"other\"",
                          "routes[1].handler: unknown handler \"nope\""));
}

TEST(Config, ReportsPatternProblemsWithThePathInsideThePattern) {
  auto errors = errors_of(R"(
destinations:
  hook: {url: "https://h.example/", secret: s}
routes:
  - name: a
    handler: ecs_task
    pattern: {detail: {state: [{prefx: "x"}]}}
    destinations: [hook]
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "routes[0].pattern.detail.state[0]: unknown operator \"prefx\"");
}

TEST(Config, SecretsAreNeverPrinted) {
  auto r = testing::run_process(
      {RELAY_BINARY, "config", "check", "-"},
      "destinations:\n  hook: {url: 'https://h.example/', secret: 'hunter2-secret', headers: {x: 1}}\nroutes: []\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("hunter2")));
  EXPECT_THAT(r.err, ::testing::HasSubstr("routes: expected a non-empty list of routes"));
}

TEST(ConfigCheck, ExitsZeroOnAValidFileAndTwoOtherwise) {
  testing::TempDir dir;
  auto ok = testing::run_process({RELAY_BINARY, "config", "check", dir.write("ok.yaml", kMinimal)});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, ::testing::HasSubstr("ok (1 destinations, 1 routes)"));
  const auto bad_path = dir.write("bad.yaml", "destinations: {}\nroutes: 5\n");
  auto bad = testing::run_process({RELAY_BINARY, "config", "check", bad_path});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "relay config check: " + bad_path + ": destinations: expected at least one destination\n" +
                         "relay config check: " + bad_path + ": routes: expected a non-empty list of routes\n");
  auto missing = testing::run_process({RELAY_BINARY, "config", "check", dir.path() + "/none.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(RelayTestWithConfig, UsesTheConfiguredRoutes) {
  testing::TempDir dir;
  const auto cfg = dir.write("relay.yaml", R"(
destinations:
  a: {url: "https://a.example/", secret: x}
  b: {url: "https://b.example/", signing: none}
routes:
  - {name: everything-ecs, handler: ecs_task, pattern: {source: [aws.ecs]}, destinations: [a, b]}
)");
  auto r = testing::run_process(
      {RELAY_BINARY, "test", "--config", cfg, RELAY_SOURCE_DIR "/payloads/samples/ecs-task-state-change-ec2-running.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr(R"("skipped": [{"route": "everything-ecs", "handler": "ecs_task", "reason": "task lastStatus is RUNNING, not STOPPED"}])"));
}

}  // namespace
}  // namespace relay::config

namespace relay::config {
namespace {

void set_example_environment() {
  for (const char* name : {"WEBHOOK_SECRET", "RELAY_INGRESS_KEY", "DEVOPS_AGENT_WEBHOOK_SECRET", "JIRA_AUTHORIZATION"})
    setenv(name, "example-value", 1);
  setenv("MY_SERVICE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  setenv("MY_SERVICE_WEBHOOK_SECRET_OLD", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", 1);
}

TEST(DeployExamples, EveryExampleConfigIsValid) {
  set_example_environment();
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RELAY_SOURCE_DIR "/deploy/examples")) {
    std::vector<std::string> errors;
    EXPECT_TRUE(parse_config(testing::read_text(entry.path().string()), errors))
        << entry.path() << ": " << (errors.empty() ? "" : errors.front());
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

// The examples' templates make what their receivers expect from real samples.
TEST(DeployExamples, TemplatesRenderTheReceiversBodies) {
  set_example_environment();
  auto run = [](const char* config, const char* sample) {
    auto r = testing::run_process({RELAY_BINARY, "test", "--config", std::string(RELAY_SOURCE_DIR "/deploy/examples/") + config,
                                   std::string(RELAY_SOURCE_DIR "/payloads/samples/") + sample});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto line = boost::json::parse(r.out).as_object();
    const auto& body = line.at("deliveries").as_array().at(0).as_object().at("request").as_object().at("body");
    return boost::json::parse(body.as_string()).as_object();
  };
  auto jira = run("jira-codebuild-failed.yaml", "codebuild-build-failed.json");
  EXPECT_EQ(jira.at("fields").as_object().at("summary"), "CodeBuild build failed: my-sample-project");
  auto slack = run("slack-alarms.yaml", "cloudwatch-alarm-state-change-single-metric.json");
  EXPECT_THAT(std::string(slack.at("text").as_string()), ::testing::HasSubstr("is in ALARM"));
  auto pd = run("pagerduty-ecs-tasks.yaml", "ecs-task-stopped-exit-codes.json");
  EXPECT_EQ(pd.at("event_action"), "trigger");
  EXPECT_EQ(pd.at("payload").as_object().at("custom_details").as_object().at("source"), "aws.ecs");
}

}  // namespace
}  // namespace relay::config

namespace relay::config {
namespace {

TEST(Config, RoutesMayAskForHeadersAndHaveTheirOwnDoor) {
  setenv("RELAY_TEAM_KEY", "team-key", 1);
  std::vector<std::string> errors;
  auto cfg = parse_config(R"(
destinations:
  hook: {url: "https://h.example/", secret: s}
routes:
  - name: team-a
    handler: ecs_task
    destinations: [hook]
    request:
      headers: {X-Team: a}
      auth: {type: api_key, header: x-team-key, key: env:RELAY_TEAM_KEY}
)",
                          errors);
  ASSERT_TRUE(cfg) << errors.front();
  ASSERT_EQ(cfg->routes[0].request_headers.size(), 1u);
  EXPECT_EQ(cfg->routes[0].request_headers[0].name, "x-team");
  EXPECT_TRUE(cfg->routes[0].own_path);
  EXPECT_EQ(cfg->route_ingress.at("team-a").auth, IngressAuth::api_key);
  EXPECT_EQ(cfg->route_ingress.at("team-a").secret, "team-key");

  EXPECT_THAT(errors_of(R"(
destinations:
  hook: {url: "https://h.example/", secret: s}
routes:
  - name: a
    handler: ecs_task
    destinations: [hook]
    request: {headers: {x: 1}, auth: {type: bearer}, path: /x}
)"),
              ElementsAre("routes[0].request.headers.x: expected the header's value",
                          "routes[0].request.auth.token: missing", "routes[0].request.path: unknown key (known: headers, auth, event_bus)"));
}

TEST(RelayTestWithConfig, ScopesTheEventToAPathAndHeaders) {
  testing::TempDir dir;
  const auto cfg = dir.write("relay.yaml", R"(
destinations:
  a: {url: "https://a.example/", signing: none}
routes:
  - {name: open, handler: ecs_task, destinations: [a]}
  - {name: team, handler: ecs_task, destinations: [a], request: {headers: {x-team: blue}}}
)");
  const std::string sample = RELAY_SOURCE_DIR "/payloads/samples/ecs-task-stopped-exit-codes.json";
  auto count = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{RELAY_BINARY, "test", "--config", cfg};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(sample);
    auto r = testing::run_process(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return boost::json::parse(r.out).as_object().at("deliveries").as_array().size();
  };
  EXPECT_EQ(count({}), 1u);
  EXPECT_EQ(count({"--header", "X-Team: blue"}), 2u);
  EXPECT_EQ(count({"--route", "team", "--header", "x-team: blue"}), 1u);
  auto bad = testing::run_process({RELAY_BINARY, "test", "--config", cfg, "--route", "nope", sample});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace relay::config
