#include "relay/config/config.hpp"

#include "relay/config/http_url.hpp"
#include "relay/config/listen_address.hpp"
#include "relay/config/oauth_config.hpp"
#include "relay/config/secret_ref.hpp"
#include "relay/config/store_config.hpp"
#include "relay/config/yaml_json.hpp"
#include "relay/core/object_reader.hpp"
#include "relay/destination/registry.hpp"
#include "relay/destination/webhook.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace relay::config {

namespace json = boost::json;
using core::ObjectReader;
using namespace std::chrono_literals;

namespace {

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

// A `type: jwt` auth mapping's own keys. Without jwks_url the tokens are relay's own
// (`own`: ingress.oauth), and issuer and audience default to what relay's tokens carry.
void read_jwt(ObjectReader& a, JwtAuthConfig& jwt, const std::optional<oauth::Settings>& own) {
  const std::string url = a.string("jwks_url", {}, !own);
  std::string problem;
  if (auto parsed = url.empty() ? std::nullopt : parse_http_url(url, problem)) {
    if (!parsed->tls && !is_loopback(ListenAddress{parsed->host, 0}))
      a.error("jwks_url", "must be https (http only to a loopback address such as 127.0.0.1)");
    jwt.jwks_url = std::move(*parsed);
  } else if (!url.empty()) {
    a.error("jwks_url", problem);
  }
  if (const auto* ca = a.value("ca_file")) {
    if (!ca->is_string() || ca->get_string().empty())
      a.error("ca_file", "expected the path of a PEM file of CA certificates");
    else
      jwt.ca_file = std::string(ca->get_string());
  }
  const bool own_tokens = own && !jwt.jwks_url;
  jwt.policy.issuer = a.string("issuer", own_tokens ? own->issuer : std::string(), !own_tokens);
  if (const auto* audience = a.value("audience")) {
    if (!audience->is_string() || audience->get_string().empty())
      a.error("audience", "expected the audience (aud) tokens must carry");
    else
      jwt.policy.audience = std::string(audience->get_string());
  } else if (own_tokens && !own->audience.empty()) {
    jwt.policy.audience = own->audience;
  }
  if (const auto* roles = a.value("required_roles")) {
    const auto* list = roles->if_array();
    if (!list) a.error("required_roles", "expected a list of role names");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const auto& role = (*list)[i];
      if (!role.is_string() || role.get_string().empty() || role.get_string().find(' ') != json::string::npos)
        a.error("required_roles[" + std::to_string(i) + "]", "expected a role name (no spaces)");
      else
        jwt.policy.required_roles.emplace_back(role.get_string());
    }
  }
  jwt.policy.roles_claim = a.string("roles_claim", "roles");
  if (jwt.policy.roles_claim.empty() || jwt.policy.roles_claim.front() == '.' || jwt.policy.roles_claim.back() == '.' ||
      jwt.policy.roles_claim.find("..") != std::string::npos)
    a.error("roles_claim", "expected a claim name or a dotted path such as realm_access.roles");
  const auto leeway = a.duration("leeway", 60s);
  if (leeway > 5min) a.error("leeway", "at most 5m: a token's validity window is not to be stretched further");
  jwt.policy.leeway = std::chrono::duration_cast<std::chrono::seconds>(leeway);
}

// An `auth` mapping (ingress.auth, or a route's request.auth) into `in`'s auth fields.
// `own`: ingress.oauth, whose tokens a jwt door without jwks_url accepts.
void read_auth(const json::object& auth, const std::string& path, IngressConfig& in,
               const std::optional<oauth::Settings>& own, std::vector<std::string>& errors) {
  ObjectReader a(auth, path, errors);
  in.auth_explicit = auth.contains("type");
  const auto type = a.choice("type", "none", {"none", "api_key", "basic", "bearer", "hmac-timestamp", "jwt"});
  if (type == "api_key") {
    in.auth = IngressAuth::api_key;
    in.api_key_header = a.string("header", {}, true);
    in.secret = read_secret(a, "key", true);
  } else if (type == "basic") {
    in.auth = IngressAuth::basic;
    in.secret = a.string("username", {}, true) + ":" + read_secret(a, "password", true);
  } else if (type == "bearer") {
    in.auth = IngressAuth::bearer;
    in.secret = read_secret(a, "token", true);
  } else if (type == "hmac-timestamp") {
    in.auth = IngressAuth::hmac_timestamp;
    in.secret = read_secret(a, "secret", true);
    in.hmac_tolerance = std::chrono::duration_cast<std::chrono::seconds>(a.duration("tolerance", 5min));
  } else if (type == "jwt") {
    in.auth = IngressAuth::jwt;
    read_jwt(a, in.jwt, own);
  }
  a.reject_unknown();
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ingress.aws: the region and account of relay's event bus, and the access keys it accepts.
void read_aws_ingress(const json::object& o, bus::BusSettings& aws, std::vector<std::string>& errors) {
  ObjectReader r(o, "ingress.aws", errors);
  aws.region = r.string("region", aws.region);
  aws.account = r.string("account", aws.account);
  if (!is_account_id(aws.account)) r.error("account", "expected a 12-digit account id");
  if (const auto* keys = r.value("credentials")) {
    if (!keys->is_array() || keys->get_array().empty())
      r.error("credentials", "expected a non-empty list of {access_key_id, secret_access_key, account}");
    const std::size_t count = keys->is_array() ? keys->get_array().size() : 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string path = "ingress.aws.credentials[" + std::to_string(i) + "]";
      const auto& item = keys->get_array()[i];
      if (!item.is_object()) {
        errors.push_back(path + ": expected {access_key_id, secret_access_key, account}");
        continue;
      }
      ObjectReader k(item.get_object(), path, errors);
      bus::AccessKey key{k.string("access_key_id", {}, true), read_secret(k, "secret_access_key", true),
                         k.string("account", aws.account)};
      if (item.get_object().contains("account") && !is_account_id(key.account))
        k.error("account", "expected a 12-digit account id");
      for (std::size_t j = 0; j < aws.credentials.size(); ++j)
        if (!key.access_key_id.empty() && aws.credentials[j].access_key_id == key.access_key_id)
          k.error("access_key_id", "already the key of ingress.aws.credentials[" + std::to_string(j) + "]");
      k.reject_unknown();
      aws.credentials.push_back(std::move(key));
    }
  }
  r.reject_unknown();
}

void read_ingress(const json::object& o, IngressConfig& in, std::vector<std::string>& errors) {
  ObjectReader r(o, "ingress", errors);
  if (const auto* oauth = r.object("oauth")) in.oauth = read_oauth(*oauth, errors);
  if (const auto* auth = r.object("auth")) read_auth(*auth, "ingress.auth", in, in.oauth, errors);
  in.max_body_bytes = static_cast<std::size_t>(r.integer("max_body_bytes", 1 << 20, 1024, 64 << 20));
  in.max_connections = static_cast<std::size_t>(r.integer("max_connections", 10000, 1, 1'000'000));
  in.max_events_per_request = static_cast<std::size_t>(r.integer("max_events_per_request", 100, 1, 10'000));
  in.read_timeout = r.duration("read_timeout", 10s);
  in.idle_timeout = r.duration("idle_timeout", 60s);
  if (const auto* tls = r.object("tls")) {
    ObjectReader t(*tls, "ingress.tls", errors);
    in.tls_cert_file = t.string("cert", {}, true);
    in.tls_key_file = t.string("key", {}, true);
    in.tls_session_resumption = t.boolean("session_resumption", true);
    t.reject_unknown();
  }
  if (const auto* aws = r.object("aws")) read_aws_ingress(*aws, in.aws, errors);
  r.reject_unknown();
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
      read_auth(*auth, path + ".request.auth", cfg.route_ingress[route.name], cfg.ingress.oauth, errors);
    }
    route.event_bus = q.string("event_bus");
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

bool build_pipeline(Config& cfg, std::shared_ptr<const destination::DestinationSet> destinations,
                    std::vector<std::string>& errors) {
  auto built = pipeline::Pipeline::build(std::move(destinations), cfg.routes, errors, cfg.pattern_limits);
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
  if (const auto* store = r.object("store")) read_store(*store, cfg.store, errors);
  if (const auto* admin = r.object("admin")) {
    ObjectReader a(*admin, "admin", errors);
    cfg.admin.token = read_secret(a, "token", true);
    if (const auto* listen = a.value("listen")) {
      std::string problem;
      const auto parsed = listen->is_string() ? parse_listen_address(listen->get_string(), problem) : std::nullopt;
      if (!listen->is_string())
        a.error("listen", "expected ADDRESS:PORT as a string, such as 127.0.0.1:9090");
      else if (!parsed)
        a.error("listen", problem);
      else if (parsed->port != 0 && listen->get_string() == cfg.listen)
        a.error("listen", "is the ingress's address (listen); give the admin API a port of its own");
      else
        cfg.admin.listen = std::string(listen->get_string());
    }
    a.reject_unknown();
  }
  if (const auto* patterns = r.object("patterns")) {
    ObjectReader p(*patterns, "patterns", errors);
    cfg.pattern_limits.max_pattern_chars = static_cast<std::size_t>(p.integer("max_chars", 2048, 16, 1 << 20));
    p.reject_unknown();
  }
  if (const auto* outbound = r.object("outbound")) read_outbound(*outbound, cfg.outbound, errors);
  auto destinations = std::make_shared<destination::DestinationSet>();
  if (const auto* mapping = r.object("destinations", true)) {
    if (mapping->empty()) r.error("destinations", "expected at least one destination");
    for (const auto& kv : *mapping)
      if (auto made = destination::make_destination(kv.key(), kv.value(), cfg.outbound.deny, errors))
        destinations->add(std::move(made));
  }
  if (const auto* routes = r.value("routes", true)) {
    if (!routes->is_array() || routes->get_array().empty())
      r.error("routes", "expected a non-empty list of routes");
    else
      for (std::size_t i = 0; i < routes->get_array().size(); ++i) read_route(i, routes->get_array()[i], cfg, errors);
  }
  r.reject_unknown();
  if (cfg.delivery.mode == DeliveryMode::sync)
    for (const auto& d : destinations->all())
      if (d->transport().paused)
        errors.push_back("destinations." + d->name() +
                         ".paused: a paused destination keeps its deliveries pending, which needs delivery.mode: queued");
  if (errors.size() != before) return std::nullopt;
  if (!build_pipeline(cfg, std::move(destinations), errors)) return std::nullopt;
  cfg.source = std::move(root->get_object());
  return cfg;
}

std::optional<Config> zero_config(std::string_view url, std::string secret, std::vector<std::string>& errors) {
  Config cfg;
  const json::object given{{"url", url}};
  std::vector<std::string> url_errors;
  ObjectReader reader(given, "", url_errors);
  destination::Transport transport;
  if (!destination::read_url(reader, "url", true, cfg.outbound.deny, transport)) {
    for (auto& e : url_errors) errors.push_back("WEBHOOK_URL" + e.substr(e.find(':')));
    return std::nullopt;
  }
  auto destinations = std::make_shared<destination::DestinationSet>();
  destinations->add(destination::webhook_for("webhook", std::move(transport), std::move(secret)));
  cfg.routes = pipeline::zero_config_routes("webhook");
  if (!build_pipeline(cfg, std::move(destinations), errors)) return std::nullopt;
  return cfg;
}

std::optional<Config> zero_config_from_env(std::vector<std::string>& errors) {
  const char* url = std::getenv("WEBHOOK_URL");
  const char* secret = std::getenv("WEBHOOK_SECRET");
  if (!url || !*url || !secret || !*secret) {
    errors.push_back("WEBHOOK_URL and WEBHOOK_SECRET must be set when no config file is given");
    return std::nullopt;
  }
  auto resolved = resolve_secret(secret);  // a reference too, e.g. secretsmanager:ARN in a Lambda function
  if (auto* err = std::get_if<SecretError>(&resolved)) {
    errors.push_back("WEBHOOK_SECRET: " + err->message);
    return std::nullopt;
  }
  auto cfg = zero_config(url, std::get<std::string>(std::move(resolved)), errors);
  if (!cfg) return std::nullopt;
  if (const char* key = std::getenv(kIngressApiKeyVariable)) {
    if (!*key) {
      errors.push_back(std::string(kIngressApiKeyVariable) + " is set but empty; give it the key callers must send in " +
                       kIngressApiKeyHeader + ", or unset it");
      return std::nullopt;
    }
    cfg->ingress.auth = IngressAuth::api_key;
    cfg->ingress.api_key_header = kIngressApiKeyHeader;
    cfg->ingress.secret = key;
  }
  return cfg;
}

}  // namespace relay::config
