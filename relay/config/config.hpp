#pragma once
// The relay's configuration file (YAML, or JSON), validated entirely at load: every
// problem is reported at once with its path, unknown keys are errors, secrets are resolved
// (env:NAME, file:PATH) but never printed.
#include "relay/bus/bus_settings.hpp"
#include "relay/config/http_url.hpp"
#include "relay/config/outbound_deny.hpp"
#include "relay/jwt/claims.hpp"
#include "relay/oauth/settings.hpp"
#include "relay/pattern/limits.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "relay/store/store_settings.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay::config {

enum class IngressAuth { none, api_key, basic, bearer, hmac_timestamp, jwt };

// jwt: bearer JWTs verified with the keys at jwks_url, then checked against `policy`.
struct JwtAuthConfig {
  std::optional<HttpUrl> jwks_url;     // https, http only to loopback; unset: ingress.oauth's own key
  std::optional<std::string> ca_file;  // trusted for jwks_url instead of the system's CAs
  jwt::Policy policy;
};

struct IngressConfig {
  IngressAuth auth = IngressAuth::none;
  bool auth_explicit = false;  // auth.type was given: only then may `none` listen beyond loopback
  std::string api_key_header;  // api_key: the header name EventBridge sends the key in
  std::string secret;          // api_key value, bearer token, basic "user:password", hmac secret
  std::chrono::seconds hmac_tolerance{300};
  JwtAuthConfig jwt;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_connections = 10000;
  std::size_t max_events_per_request = 100;  // more events in one body: 413, nothing stored
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
  bool tls_session_resumption = true;  // false: every TLS connection makes a full handshake
  std::optional<oauth::Settings> oauth;  // ingress.oauth: relay's token endpoint (listener only)
  // ingress.aws: PutEvents callers (POST / with X-Amz-Target); with credentials their SigV4
  // is checked instead of `auth`.
  bus::BusSettings aws;
};

enum class DeliveryMode { queued, sync };

struct DeliveryConfig {
  DeliveryMode mode = DeliveryMode::queued;
  // Deliveries accepted and not yet delivered or dead, in number and in body bytes;
  // beyond either, ingress answers 429.
  std::size_t max_backlog = 10000;
  std::size_t max_backlog_bytes = 256u << 20;
  // The same event id (per route and destination) accepted again within this window is
  // acknowledged but not delivered again.
  std::chrono::milliseconds dedupe_window = std::chrono::hours(24);
};

using StoreConfig = store::StoreSettings;

// The admin API (/admin/... and /ui), enabled by giving a token: on the ingress listener,
// or on its own listener when `listen` is set (and then not on the ingress one).
struct AdminConfig {
  std::string token;  // resolved secret; empty: no admin API
  std::optional<std::string> listen;  // "ADDR:PORT", parsed by parse_listen_address
};

// Where deliveries may connect: every address a destination resolves to is checked.
struct OutboundConfig {
  std::vector<DenyRule> deny = default_deny();
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 0;  // 0: one per core
  IngressConfig ingress;
  DeliveryConfig delivery;
  StoreConfig store;
  AdminConfig admin;
  pattern::Limits pattern_limits;
  OutboundConfig outbound;
  std::vector<pipeline::RouteSpec> routes;
  // Routes with their own door (request.auth): the auth fields of each, by route name.
  std::map<std::string, IngressConfig, std::less<>> route_ingress;
  // Built from destinations and routes at load; shared by every thread that serves. It
  // holds the destinations (pipeline->destinations()).
  std::shared_ptr<const pipeline::Pipeline> pipeline;
  // The file as read (secrets as references, not values): what a reload compares entries by.
  boost::json::object source;
};

// Parses and validates config text, builds the pipeline. On failure returns nullopt and
// appends one "path: problem" line per problem (or "line L, column C: problem" for syntax).
std::optional<Config> parse_config(std::string_view text, std::vector<std::string>& errors);

// The seed Lambda's set-up: every zero-config handler routed to `url` (reported as
// WEBHOOK_URL when unusable), signed hmac-timestamp with `secret`.
std::optional<Config> zero_config(std::string_view url, std::string secret, std::vector<std::string>& errors);

// The default set-up with no config file: WEBHOOK_URL and WEBHOOK_SECRET (the secret or a
// reference to it) from the environment, every zero-config handler routed there. With kIngressApiKeyVariable set,
// ingress requires that key in header kIngressApiKeyHeader (api_key auth).
inline constexpr const char* kIngressApiKeyVariable = "RELAY_INGRESS_API_KEY";
inline constexpr const char* kIngressApiKeyHeader = "x-api-key";
std::optional<Config> zero_config_from_env(std::vector<std::string>& errors);

}  // namespace relay::config
