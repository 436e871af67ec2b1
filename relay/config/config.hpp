#pragma once
// The relay's configuration file (YAML, or JSON), validated entirely at load: every
// problem is reported at once with its path, unknown keys are errors, secrets are resolved
// (env:NAME, file:PATH) but never printed.
#include "relay/config/outbound_deny.hpp"
#include "relay/destination/transport.hpp"
#include "relay/pattern/limits.hpp"
#include "relay/pipeline/pipeline.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay::config {

enum class IngressAuth { none, api_key, basic, bearer, hmac_timestamp };

struct IngressConfig {
  IngressAuth auth = IngressAuth::none;
  bool auth_explicit = false;  // auth.type was given: only then may `none` listen beyond loopback
  std::string api_key_header;  // api_key: the header name EventBridge sends the key in
  std::string secret;          // api_key value, bearer token, basic "user:password", hmac secret
  std::chrono::seconds hmac_tolerance{300};
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_connections = 10000;
  std::size_t max_events_per_request = 100;  // more events in one body: 413, nothing stored
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
};

enum class DeliveryMode { queued, sync };

// The delay before each retry; after the last one the delivery is dead. The default is the
// best peers' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
struct RetryPolicy {
  std::vector<std::chrono::milliseconds> schedule = {
      std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30), std::chrono::hours(2),
      std::chrono::hours(5),   std::chrono::hours(10),  std::chrono::hours(10)};
  double jitter = 0.2;  // each delay is drawn within +/- this fraction
};

struct DestinationOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
  std::size_t max_concurrency = 64;
  std::optional<std::string> ca_file;
  RetryPolicy retry;
  destination::ProxySetting proxy;
  std::optional<destination::ClientCertificate> client_certificate;
  std::optional<destination::RateLimit> rate_limit;
  bool paused = false;
};

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

struct StoreConfig {
  std::string path = "var/relay.db";
  bool synchronous_full = true;  // fsync every commit; false: WAL's NORMAL (a power loss may lose the last commits)
  std::chrono::milliseconds busy_timeout{5000};  // waiting for a lock before a write fails
  std::size_t max_bytes = 0;                     // cap on the file (0: none); beyond it writes fail
  std::chrono::milliseconds retention = std::chrono::hours(24 * 7);  // delivered rows and their logs
};

// The admin API (/admin/... on the ingress listener), enabled by giving a token.
struct AdminConfig {
  std::string token;  // resolved secret; empty: no admin API
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
  std::vector<pipeline::DestinationSpec> destinations;
  std::vector<DestinationOptions> destination_options;  // parallel to destinations
  std::vector<pipeline::RouteSpec> routes;
  // Routes with their own door (request.auth): the auth fields of each, by route name.
  std::map<std::string, IngressConfig, std::less<>> route_ingress;
  // Built from destinations and routes at load; shared by every thread that serves.
  std::shared_ptr<const pipeline::Pipeline> pipeline;
};

// Parses and validates config text, builds the pipeline. On failure returns nullopt and
// appends one "path: problem" line per problem (or "line L, column C: problem" for syntax).
std::optional<Config> parse_config(std::string_view text, std::vector<std::string>& errors);

// The default set-up with no config file: WEBHOOK_URL and WEBHOOK_SECRET from the
// environment, every zero-config handler routed there. With kIngressApiKeyVariable set,
// ingress requires that key in header kIngressApiKeyHeader (api_key auth).
inline constexpr const char* kIngressApiKeyVariable = "RELAY_INGRESS_API_KEY";
inline constexpr const char* kIngressApiKeyHeader = "x-api-key";
std::optional<Config> zero_config_from_env(std::vector<std::string>& errors);

}  // namespace relay::config
