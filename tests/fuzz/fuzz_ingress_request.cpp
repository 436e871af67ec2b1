// Raw bytes as they arrive on an ingress connection: Beast's request parser with the
// server's limits reads request after request (keep-alive), and each is answered by
// Ingress::admit (auth, route, content type, decode, pipeline) as the server's handler
// does, without sockets or a store. The config has every handler, every signing scheme
// and a door of each auth scheme (POST /events/<route>).
#include "relay/net/asio.hpp"
#include "relay/net/http_server.hpp"
#include "relay/net/ingress.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/parse.hpp>


namespace json = boost::json;
using namespace relay::net;

namespace {

constexpr std::string_view kConfig = R"(
ingress: {max_body_bytes: 65536}
destinations:
  signed: {url: "http://127.0.0.1:9/hmac", secret: fuzz-secret}
  webhooks: {url: "http://127.0.0.1:9/sw", signing: standard-webhooks,
             secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_c2Vjb25kLXNlY3JldA==]}
  hub: {url: "http://127.0.0.1:9/hub", signing: hmac-sha256-hex, secret: fuzz-secret}
  token: {url: "http://127.0.0.1:9/bearer", signing: bearer, secret: fuzz-token, headers: {x-team: ops}}
  plain: {url: "http://127.0.0.1:9/none", signing: none}
routes:
  - {name: alarms, handler: cloudwatch_alarm, options: {resolve_on_ok: true}, destinations: [signed, webhooks]}
  - {name: ecs, handler: ecs_task, destinations: [signed]}
  - {name: builds, handler: codebuild, options: {statuses: [FAILED, STOPPED, SUCCEEDED]}, destinations: [hub]}
  - {name: pipelines, handler: codepipeline, destinations: [token]}
  - {name: denied, handler: cloudtrail_denied, destinations: [plain]}
  - {name: devramps, handler: devramps, destinations: [plain]}
  - name: everything
    handler: raw
    pattern: {source: [{prefix: ""}], detail: {$or: [{n: [{numeric: [">", 0, "<=", 100]}]}, {ip: [{cidr: "10.0.0.0/8"}]}, {s: [{wildcard: "a*b*c"}]}]}}
    destinations: [plain]
  - name: templated
    handler: template
    options:
      input_paths: {state: $.detail.state.value, first: "$.resources[0]", all: $.detail}
      input_template: '{"state": "<state>", "first": <first>, "all": <all>, "rule": "<aws.events.rule-name>", "event": <aws.events.event>}'
    destinations: [webhooks, hub]
  - name: with-header
    handler: raw
    request: {headers: {x-tenant: blue}}
    destinations: [token]
  - {name: by-key, handler: raw, request: {auth: {type: api_key, header: x-api-key, key: fuzz-key}}, destinations: [plain]}
  - {name: by-basic, handler: raw, request: {auth: {type: basic, username: eb, password: fuzz-pass}}, destinations: [plain]}
  - {name: by-token, handler: raw, request: {auth: {type: bearer, token: fuzz-token}}, destinations: [plain]}
  - {name: by-hmac, handler: raw, request: {auth: {type: hmac-timestamp, secret: fuzz-secret, tolerance: 5m}}, destinations: [signed]}
)";

// The clock of every request; the hmac-timestamp seeds are signed at this time.
const auto kNow = std::chrono::sys_days(std::chrono::year(2025) / 5 / 6) + std::chrono::hours(12);

constexpr std::size_t kMaxRequestsPerConnection = 8;

struct Relay {
  relay::config::Config config;
  IngressAuthenticator auth;
  RouteDoors doors;
  Ingress ingress;

  explicit Relay(relay::config::Config c)
      : config(std::move(c)), auth(config.ingress), doors(make_doors(config)), ingress(*config.pipeline, auth, &doors) {}

  static RouteDoors make_doors(const relay::config::Config& config) {
    RouteDoors doors;
    for (const auto& [route, ingress] : config.route_ingress) doors.emplace(route, IngressAuthenticator(ingress));
    return doors;
  }
};

Relay& relay_under_test() {
  static Relay relay = [] {
    std::vector<std::string> errors;
    auto config = relay::config::parse_config(kConfig, errors);
    if (!config) {
      for (const auto& e : errors) std::fprintf(stderr, "fuzz config: %s\n", e.c_str());
      std::abort();
    }
    return Relay(std::move(*config));
  }();
  return relay;
}

bool is_json(std::string_view text) {
  boost::system::error_code ec;
  (void)json::parse(text, ec);
  return !ec;
}

// The answer to one parsed request, as IngressHandler::handle makes it (health and admin
// paths aside).
void answer(Relay& relay, HttpRequest& request) {
  const auto& auth = relay.auth;
  Credentials credentials{request[http::field::authorization], {}, request["x-amzn-event-timestamp"],
                          request["x-amzn-event-signature"]};
  if (!auth.api_key_header().empty()) credentials.api_key = request[auth.api_key_header()];
  const IngressRequest in{request.method_string(), request.target(), request[http::field::content_type], credentials,
                          request.body(), [&request](std::string_view name) -> std::string_view {
                            return request[beast::string_view(name.data(), name.size())];
                          }};
  if (const auto early = relay.ingress.screen(in)) {
    RELAY_FUZZ_CHECK(early->status >= 400 && early->status < 500);
    RELAY_FUZZ_CHECK(is_json(early->body));
    return;
  }
  auto admitted = relay.ingress.admit(in, kNow);
  if (const auto* refused = std::get_if<Answer>(&admitted)) {
    RELAY_FUZZ_CHECK(refused->status >= 400 && refused->status < 500);
    RELAY_FUZZ_CHECK(is_json(refused->body));
    return;
  }
  const auto& events = std::get<Admitted>(admitted);
  RELAY_FUZZ_CHECK(!events.events.empty());
  std::size_t deliveries = 0;
  for (const auto& e : events.events) {
    RELAY_FUZZ_CHECK(!e.id.empty());
    deliveries += e.deliveries;
  }
  RELAY_FUZZ_CHECK(deliveries == events.deliveries.size());
  for (const auto& d : events.deliveries) {
    RELAY_FUZZ_CHECK(!d.destination.empty());
    if (d.content_type == "application/json") RELAY_FUZZ_CHECK(is_json(d.body));
  }
  RELAY_FUZZ_CHECK(is_json(accepted_answer(events.event_ids()).body));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  Relay& relay = relay_under_test();
  const ServerOptions limits{.max_body_bytes = relay.config.ingress.max_body_bytes};
  asio::const_buffer rest(data, size);
  for (std::size_t i = 0; i < kMaxRequestsPerConnection && rest.size() > 0; ++i) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    beast::error_code ec;
    while (!parser.is_done() && rest.size() > 0) {
      const std::size_t used = parser.put(rest, ec);
      rest += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;
      } else if (ec) {
        break;
      }
    }
    if (ec || !parser.is_done()) return 0;  // the server answers 400/413/431 and closes
    answer(relay, parser.get());
    if (!parser.get().keep_alive()) return 0;
  }
  return 0;
}
