#include "relay/config/config.hpp"

#include "relay/config/http_url.hpp"
#include "relay/config/listen_address.hpp"
#include "relay/config/secret_ref.hpp"
#include "relay/config/yaml_json.hpp"
#include "relay/core/object_reader.hpp"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <thread>

namespace relay::config {

namespace json = boost::json;
using core::ObjectReader;
using namespace std::chrono_literals;

namespace {

// Resolves a secret reference at `key`; problems name the key, never the value.
std::string secret_at(ObjectReader& r, std::string_view key, bool required) {
  const std::string ref = r.string(key, {}, required);
  if (ref.empty()) return {};
  auto resolved = resolve_secret(ref);
  if (auto* err = std::get_if<SecretError>(&resolved)) {
    r.error(key, err->message);
    return {};
  }
  return std::get<std::string>(std::move(resolved));
}

// `text` as delivery will parse it, or nullopt with `error`: not an http(s) URL, or an IP
// literal that outbound.deny refuses.
std::optional<HttpUrl> destination_url(std::string_view text, const std::vector<DenyRule>& deny, std::string& error) {
  auto url = parse_http_url(text, error);
  if (!url || !url->host_is_ip) return url;
  // A literal the address reader does not take (a dotted IPv6 tail) is judged when dialled.
  const auto ip = pattern::parse_ip(url->host);
  if (!ip) return url;
  if (const DenyRule* rule = refused_by(deny, *ip)) {
    error = refusal(url->host, *rule);
    return std::nullopt;
  }
  return url;
}

// A destination's `url`: the URL itself, or env:NAME / file:PATH naming it (a secret, then
// shown redacted). It must parse as delivery parses it, and an IP literal must pass
// outbound.deny. Problems never quote the URL.
void read_url(ObjectReader& r, const std::vector<DenyRule>& deny, pipeline::DestinationSpec& d) {
  const std::string ref = r.string("url", {}, true);
  if (ref.empty()) return;
  const bool secret = ref.starts_with("env:") || ref.starts_with("file:");
  auto resolved = resolve_secret(ref);
  if (auto* err = std::get_if<SecretError>(&resolved)) {
    r.error("url", err->message);
    return;
  }
  std::string error;
  const auto url = destination_url(std::get<std::string>(resolved), deny, error);
  if (!url) {
    r.error("url", error);
    return;
  }
  d.url = std::get<std::string>(std::move(resolved));
  if (secret) d.shown_url = url->redacted();
}

void read_outbound(const json::object& o, OutboundConfig& out, std::vector<std::string>& errors) {
  ObjectReader r(o, "outbound", errors);
  if (const auto* deny = r.value("deny")) {
    out.deny.clear();
    if (!deny->is_array()) r.error("deny", "expected a list of link-local, private, loopback or CIDR blocks");
    const std::size_t count = deny->is_array() ? deny->get_array().size() : 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& item = deny->get_array()[i];
      auto rule = item.is_string() ? parse_deny_rule(item.get_string()) : std::nullopt;
      if (!rule)
        r.error("deny[" + std::to_string(i) + "]",
                "expected link-local, private, loopback or a CIDR block such as 10.0.0.0/8 or fd00::/8");
      else
        out.deny.push_back(std::move(*rule));
    }
  }
  r.reject_unknown();
}

// An `auth` mapping (ingress.auth, or a route's request.auth) into `in`'s auth fields.
void read_auth(const json::object& auth, const std::string& path, IngressConfig& in, std::vector<std::string>& errors) {
  ObjectReader a(auth, path, errors);
  in.auth_explicit = auth.contains("type");
  const auto type = a.choice("type", "none", {"none", "api_key", "basic", "bearer", "hmac-timestamp"});
  if (type == "api_key") {
    in.auth = IngressAuth::api_key;
    in.api_key_header = a.string("header", {}, true);
    in.secret = secret_at(a, "key", true);
  } else if (type == "basic") {
    in.auth = IngressAuth::basic;
    in.secret = a.string("username", {}, true) + ":" + secret_at(a, "password", true);
  } else if (type == "bearer") {
    in.auth = IngressAuth::bearer;
    in.secret = secret_at(a, "token", true);
  } else if (type == "hmac-timestamp") {
    in.auth = IngressAuth::hmac_timestamp;
    in.secret = secret_at(a, "secret", true);
    in.hmac_tolerance = std::chrono::duration_cast<std::chrono::seconds>(a.duration("tolerance", 5min));
  }
  a.reject_unknown();
}

void read_ingress(const json::object& o, IngressConfig& in, std::vector<std::string>& errors) {
  ObjectReader r(o, "ingress", errors);
  if (const auto* auth = r.object("auth")) read_auth(*auth, "ingress.auth", in, errors);
  in.max_body_bytes = static_cast<std::size_t>(r.integer("max_body_bytes", 1 << 20, 1024, 64 << 20));
  in.max_connections = static_cast<std::size_t>(r.integer("max_connections", 10000, 1, 1'000'000));
  in.max_events_per_request = static_cast<std::size_t>(r.integer("max_events_per_request", 100, 1, 10'000));
  in.read_timeout = r.duration("read_timeout", 10s);
  in.idle_timeout = r.duration("idle_timeout", 60s);
  if (const auto* tls = r.object("tls")) {
    ObjectReader t(*tls, "ingress.tls", errors);
    in.tls_cert_file = t.string("cert", {}, true);
    in.tls_key_file = t.string("key", {}, true);
    t.reject_unknown();
  }
  r.reject_unknown();
}

// `secret: S`, or `secrets: [current, older...]` during a rotation.
void read_secrets(ObjectReader& r, pipeline::DestinationSpec& d) {
  const bool needed = d.scheme != pipeline::SigningScheme::none;
  const auto* list = r.value("secrets");
  if (list && r.value("secret")) {
    r.error("secrets", "give either secret or secrets, not both");
    return;
  }
  if (!list) {
    if (auto s = secret_at(r, "secret", needed); !s.empty()) d.secrets.push_back(std::move(s));
    return;
  }
  if (!list->is_array() || list->get_array().empty()) {
    r.error("secrets", "expected a non-empty list of secrets");
    return;
  }
  const std::size_t errors_before = r.error_count();
  for (std::size_t i = 0; i < list->get_array().size(); ++i) {
    const auto& item = list->get_array()[i];
    const std::string key = "secrets[" + std::to_string(i) + "]";
    auto resolved = item.is_string() ? resolve_secret(item.get_string()) : std::variant<std::string, SecretError>{};
    if (!item.is_string())
      r.error(key, "expected a secret, env:NAME or file:PATH");
    else if (auto* err = std::get_if<SecretError>(&resolved))
      r.error(key, err->message);
    else
      d.secrets.push_back(std::get<std::string>(std::move(resolved)));
  }
  if (r.error_count() != errors_before) d.secrets.clear();
}

void read_destination(std::string_view name, const json::value& v, Config& cfg, std::vector<std::string>& errors) {
  const std::string path = "destinations." + std::string(name);
  if (!v.is_object()) {
    errors.push_back(path + ": expected a mapping");
    return;
  }
  ObjectReader r(v.get_object(), path, errors);
  pipeline::DestinationSpec d;
  DestinationOptions opt;
  d.name = name;
  read_url(r, cfg.outbound.deny, d);
  const auto scheme =
      r.choice("signing", "hmac-timestamp", {"hmac-timestamp", "bearer", "standard-webhooks", "hmac-sha256-hex", "none"});
  d.scheme = *pipeline::parse_signing_scheme(scheme);
  read_secrets(r, d);
  if (auto problem = pipeline::Signer::check(d.scheme, d.secrets); problem && !d.secrets.empty())
    r.error(d.secrets.size() > 1 ? "secrets" : "secret", *problem);
  if (const auto* headers = r.object("headers")) {
    ObjectReader h(*headers, path + ".headers", errors);
    for (const auto& kv : *headers) {
      std::string lower(kv.key());
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const bool secret = kv.value().is_string() && is_secret_ref(kv.value().get_string());
      d.headers.push_back({lower, secret_at(h, kv.key(), true), secret});
    }
  }
  destination::Transport t;
  destination::read_transport(r, t);
  opt = {t.connect_timeout, t.timeout,  t.max_concurrency,    t.ca_file, {t.retry.schedule, t.retry.jitter},
         t.proxy,           t.client_certificate, t.rate_limit, t.paused};
  r.reject_unknown();
  cfg.destinations.push_back(std::move(d));
  cfg.destination_options.push_back(std::move(opt));
}

void read_route(std::size_t i, const json::value& v, Config& cfg, std::vector<std::string>& errors) {
  const std::string path = "routes[" + std::to_string(i) + "]";
  if (!v.is_object()) {
    errors.push_back(path + ": expected a mapping");
    return;
  }
  ObjectReader r(v.get_object(), path, errors);
  pipeline::RouteSpec route;
  route.name = r.string("name", {}, true);
  for (std::size_t k = 0; k < cfg.routes.size(); ++k)
    if (!route.name.empty() && cfg.routes[k].name == route.name)
      r.error("name", "\"" + route.name + "\" is already the name of routes[" + std::to_string(k) + "]");
  route.handler = r.string("handler", {}, true);
  if (const auto* pattern = r.value("pattern")) {
    if (pattern->is_string()) {
      // A pattern pasted as JSON text, as the EventBridge console shows it.
      boost::system::error_code ec;
      auto parsed = json::parse(pattern->get_string(), ec);
      if (ec)
        r.error("pattern", "not valid JSON: " + ec.message());
      else
        route.pattern = std::move(parsed);
    } else {
      route.pattern = *pattern;
    }
  }
  if (const auto* options = r.object("options")) route.options = *options;
  if (const auto* request = r.object("request")) {
    ObjectReader q(*request, path + ".request", errors);
    if (const auto* headers = q.object("headers")) {
      for (const auto& kv : *headers) {
        std::string name(kv.key());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!kv.value().is_string())
          errors.push_back(path + ".request.headers." + std::string(kv.key()) + ": expected the header's value");
        else
          route.request_headers.push_back({name, std::string(kv.value().get_string())});
      }
    }
    if (const auto* auth = q.object("auth")) {
      // Its own door: POST /events/<name>, authenticated with this instead of ingress.auth.
      route.own_path = true;
      read_auth(*auth, path + ".request.auth", cfg.route_ingress[route.name], errors);
    }
    q.reject_unknown();
  }
  if (const auto* dests = r.value("destinations", true)) {
    if (!dests->is_array() || dests->get_array().empty()) {
      r.error("destinations", "expected a non-empty list of destination names");
    } else {
      for (std::size_t k = 0; k < dests->get_array().size(); ++k) {
        const auto& d = dests->get_array()[k];
        if (!d.is_string())
          r.error("destinations[" + std::to_string(k) + "]", "expected a destination name");
        else
          route.destinations.emplace_back(d.get_string());
      }
    }
  }
  r.reject_unknown();
  cfg.routes.push_back(std::move(route));
}

bool build_pipeline(Config& cfg, std::vector<std::string>& errors) {
  auto built = pipeline::Pipeline::build(cfg.destinations, cfg.routes, errors, cfg.pattern_limits);
  cfg.pipeline = std::move(built);
  return cfg.pipeline != nullptr;
}

}  // namespace

std::optional<Config> parse_config(std::string_view text, std::vector<std::string>& errors) {
  std::string syntax_error;
  auto root = yaml_to_json(text, syntax_error);
  if (!root) {
    errors.push_back(syntax_error);
    return std::nullopt;
  }
  const std::size_t before = errors.size();
  Config cfg;
  ObjectReader r(root->get_object(), "", errors);
  cfg.listen = r.string("listen", cfg.listen);
  if (std::string problem; !parse_listen_address(cfg.listen, problem)) r.error("listen", problem);
  cfg.threads = static_cast<std::size_t>(r.integer("threads", 0, 0, 256));
  if (const auto* ingress = r.object("ingress")) read_ingress(*ingress, cfg.ingress, errors);
  if (const auto* delivery = r.object("delivery")) {
    ObjectReader d(*delivery, "delivery", errors);
    cfg.delivery.mode = d.choice("mode", "queued", {"queued", "sync"}) == "sync" ? DeliveryMode::sync : DeliveryMode::queued;
    cfg.delivery.max_backlog = static_cast<std::size_t>(d.integer("max_backlog", 10000, 1, 10'000'000));
    cfg.delivery.max_backlog_bytes =
        static_cast<std::size_t>(d.integer("max_backlog_bytes", 256 << 20, 1 << 20, std::int64_t{1} << 40));
    cfg.delivery.dedupe_window = d.duration("dedupe_window", 24h);
    d.reject_unknown();
  }
  if (const auto* store = r.object("store")) {
    ObjectReader s(*store, "store", errors);
    cfg.store.path = s.string("path", cfg.store.path);
    cfg.store.synchronous_full = s.choice("synchronous", "full", {"full", "normal"}) == "full";
    cfg.store.busy_timeout = s.duration("busy_timeout", 5s);
    cfg.store.max_bytes = static_cast<std::size_t>(s.integer("max_bytes", 0, 0, std::int64_t{1} << 50));
    if (cfg.store.max_bytes != 0 && cfg.store.max_bytes < (64 << 10)) s.error("max_bytes", "expected 0 (no cap) or at least 65536");
    cfg.store.retention = s.duration("retention", 7 * 24h);
    s.reject_unknown();
  }
  if (const auto* admin = r.object("admin")) {
    ObjectReader a(*admin, "admin", errors);
    cfg.admin.token = secret_at(a, "token", true);
    a.reject_unknown();
  }
  if (const auto* patterns = r.object("patterns")) {
    ObjectReader p(*patterns, "patterns", errors);
    cfg.pattern_limits.max_pattern_chars = static_cast<std::size_t>(p.integer("max_chars", 2048, 16, 1 << 20));
    p.reject_unknown();
  }
  if (const auto* outbound = r.object("outbound")) read_outbound(*outbound, cfg.outbound, errors);
  if (const auto* destinations = r.object("destinations", true)) {
    if (destinations->empty()) r.error("destinations", "expected at least one destination");
    for (const auto& kv : *destinations) read_destination(kv.key(), kv.value(), cfg, errors);
  }
  if (const auto* routes = r.value("routes", true)) {
    if (!routes->is_array() || routes->get_array().empty())
      r.error("routes", "expected a non-empty list of routes");
    else
      for (std::size_t i = 0; i < routes->get_array().size(); ++i) read_route(i, routes->get_array()[i], cfg, errors);
  }
  r.reject_unknown();
  if (errors.size() != before) return std::nullopt;
  if (!build_pipeline(cfg, errors)) return std::nullopt;
  return cfg;
}

std::optional<Config> zero_config_from_env(std::vector<std::string>& errors) {
  const char* url = std::getenv("WEBHOOK_URL");
  const char* secret = std::getenv("WEBHOOK_SECRET");
  if (!url || !*url || !secret || !*secret) {
    errors.push_back("WEBHOOK_URL and WEBHOOK_SECRET must be set when no config file is given");
    return std::nullopt;
  }
  Config cfg;
  if (std::string problem; !destination_url(url, cfg.outbound.deny, problem)) {
    errors.push_back("WEBHOOK_URL: " + problem);
    return std::nullopt;
  }
  if (const char* key = std::getenv(kIngressApiKeyVariable)) {
    if (!*key) {
      errors.push_back(std::string(kIngressApiKeyVariable) + " is set but empty; give it the key callers must send in " +
                       kIngressApiKeyHeader + ", or unset it");
      return std::nullopt;
    }
    cfg.ingress.auth = IngressAuth::api_key;
    cfg.ingress.api_key_header = kIngressApiKeyHeader;
    cfg.ingress.secret = key;
  }
  pipeline::zero_config(url, secret, cfg.destinations, cfg.routes);
  cfg.destination_options.resize(cfg.destinations.size());
  if (!build_pipeline(cfg, errors)) return std::nullopt;
  return cfg;
}

}  // namespace relay::config
