#include "relay/config/config_diff.hpp"

#include <algorithm>
#include <map>

namespace relay::config {

namespace json = boost::json;

namespace {

using Entries = std::map<std::string, const json::value*>;

Entries destination_entries(const json::object& source) {
  Entries out;
  if (const auto* mapping = source.if_contains("destinations"); mapping && mapping->is_object())
    for (const auto& kv : mapping->get_object()) out.emplace(std::string(kv.key()), &kv.value());
  return out;
}

Entries route_entries(const json::object& source) {
  Entries out;
  if (const auto* list = source.if_contains("routes"); list && list->is_array())
    for (const auto& route : list->get_array()) {
      const auto* name = route.is_object() ? route.get_object().if_contains("name") : nullptr;
      if (name && name->is_string()) out.emplace(std::string(name->get_string()), &route);
    }
  return out;
}

NamedChanges diff_entries(const Entries& running, const Entries& next) {
  NamedChanges out;
  for (const auto& [name, value] : next) {
    auto it = running.find(name);
    if (it == running.end())
      out.added.push_back(name);
    else if (*it->second != *value)
      out.changed.push_back(name);
  }
  for (const auto& [name, value] : running)
    if (!next.contains(name)) out.removed.push_back(name);
  return out;
}

const json::value* at_path(const json::object& source, std::string_view section, std::string_view key) {
  const auto* s = source.if_contains(section);
  return s && s->is_object() ? s->get_object().if_contains(key) : nullptr;
}

bool same_value(const json::value* a, const json::value* b) { return a == b || (a && b && *a == *b); }

bool same_store(const StoreConfig& a, const StoreConfig& b) {
  return a.type == b.type && a.path == b.path && a.synchronous_full == b.synchronous_full &&
         a.busy_timeout == b.busy_timeout && a.url == b.url && a.statement_timeout == b.statement_timeout &&
         a.max_bytes == b.max_bytes && a.retention == b.retention;
}

// The settings fixed at start: the listener, its threads and limits, the outbox, the
// backlog bounds, the admin token and listener, relay's own token endpoint.
std::vector<std::string> needs_restart(const Config& a, const Config& b) {
  std::vector<std::string> out;
  const auto differs = [&out](bool same, const char* path) {
    if (!same) out.push_back(std::string(path) + ": differs from the running relay's and takes a restart");
  };
  differs(a.listen == b.listen, "listen");
  differs(a.threads == b.threads, "threads");
  differs(same_store(a.store, b.store), "store");
  differs(a.delivery.mode == b.delivery.mode, "delivery.mode");
  differs(a.delivery.max_backlog == b.delivery.max_backlog, "delivery.max_backlog");
  differs(a.delivery.max_backlog_bytes == b.delivery.max_backlog_bytes, "delivery.max_backlog_bytes");
  differs(a.delivery.dedupe_window == b.delivery.dedupe_window, "delivery.dedupe_window");
  differs(a.admin.token == b.admin.token, "admin.token");
  differs(a.admin.listen == b.admin.listen, "admin.listen");
  const IngressConfig &i = a.ingress, &j = b.ingress;
  differs(i.tls_cert_file == j.tls_cert_file && i.tls_key_file == j.tls_key_file &&
              i.tls_session_resumption == j.tls_session_resumption,
          "ingress.tls");
  differs(i.max_body_bytes == j.max_body_bytes, "ingress.max_body_bytes");
  differs(i.max_connections == j.max_connections, "ingress.max_connections");
  differs(i.read_timeout == j.read_timeout, "ingress.read_timeout");
  differs(i.idle_timeout == j.idle_timeout, "ingress.idle_timeout");
  differs(same_value(at_path(a.source, "ingress", "oauth"), at_path(b.source, "ingress", "oauth")), "ingress.oauth");
  return out;
}

json::array names_json(const std::vector<std::string>& names) {
  json::array out;
  for (const auto& n : names) out.emplace_back(n);
  return out;
}

json::object named_json(const NamedChanges& c) {
  json::object out{
      {"added", names_json(c.added)}, {"removed", names_json(c.removed)}, {"changed", names_json(c.changed)}};
  return out;
}

}  // namespace

ConfigChanges diff_configs(const Config& running, const Config& next) {
  return {diff_entries(route_entries(running.source), route_entries(next.source)),
          diff_entries(destination_entries(running.source), destination_entries(next.source)),
          needs_restart(running, next)};
}

json::object changes_json(const ConfigChanges& changes) {
  json::object out{{"routes", named_json(changes.routes)}, {"destinations", named_json(changes.destinations)}};
  return out;
}

}  // namespace relay::config
