#include "relay/config/registry_change.hpp"

#include "relay/config/secret_ref.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

namespace relay::config {

namespace json = boost::json;

namespace {

// The keys whose string values are secrets wherever they appear in an entry.
constexpr std::array<std::string_view, 10> kSecretKeys = {
    "secret", "secrets", "token", "password", "key", "client_secret", "secret_access_key", "session_token",
    "signing_key", "api_key"};

bool is_secret_key(std::string_view key) {
  return std::find(kSecretKeys.begin(), kSecretKeys.end(), key) != kSecretKeys.end();
}

json::value hidden(const json::value& v) {
  if (v.is_string() && is_secret_ref(v.get_string())) return v;
  return json::value("***");
}

// The name a registry entry may have: it is a path segment of the admin API and a CLI argument.
bool usable_name(std::string_view name) {
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::map<std::string, json::value, std::less<>>& section_of(RegistryEntries& entries, EntryKind kind) {
  return kind == EntryKind::destination ? entries.destinations : entries.routes;
}

bool in_rows(std::span<const store::RegistryRow> rows, EntryKind kind, std::string_view name) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const store::RegistryRow& r) { return r.kind == kind_name(kind) && r.name == name; });
}

RegistryVerdict refused(RegistryVerdict::Outcome outcome, std::string error) {
  RegistryVerdict v;
  v.outcome = outcome;
  v.error = std::move(error);
  return v;
}

// Loads the file with `entries`; the problems when it does not load.
std::vector<std::string> load_problems(const Config& current, const RegistryEntries& entries) {
  std::vector<std::string> problems;
  parse_config_source(current.source, entries, problems);
  return problems;
}

}  // namespace

std::string_view kind_name(EntryKind kind) { return kind == EntryKind::destination ? "destination" : "route"; }

std::string_view section_name(EntryKind kind) { return kind == EntryKind::destination ? "destinations" : "routes"; }

RegistryEntries registry_entries(std::span<const store::RegistryRow> rows, std::vector<std::string>& problems) {
  RegistryEntries out;
  for (const auto& row : rows) {
    const EntryKind kind = row.kind == "route" ? EntryKind::route : EntryKind::destination;
    const std::string path = std::string(section_name(kind)) + "." + row.name;
    if (row.kind != "route" && row.kind != "destination") {
      problems.push_back("registry: an entry of unknown kind \"" + row.kind + "\" named " + row.name);
      continue;
    }
    boost::system::error_code ec;
    auto spec = json::parse(row.spec, ec);
    if (ec)
      problems.push_back(path + ": the registry's entry is not JSON: " + ec.message());
    else
      section_of(out, kind).emplace(row.name, std::move(spec));
  }
  return out;
}

const json::value* file_entry(const Config& config, EntryKind kind, std::string_view name) {
  const auto* section = config.source.if_contains(section_name(kind));
  if (!section) return nullptr;
  if (kind == EntryKind::destination) return section->is_object() ? section->get_object().if_contains(name) : nullptr;
  if (!section->is_array()) return nullptr;
  for (const auto& route : section->get_array()) {
    const auto* n = route.is_object() ? route.get_object().if_contains("name") : nullptr;
    if (n && n->is_string() && n->get_string() == name) return &route;
  }
  return nullptr;
}

std::vector<std::string> routes_using(const Config& config, std::string_view destination) {
  std::vector<std::string> out;
  for (const auto& route : config.routes)
    if (std::find(route.destinations.begin(), route.destinations.end(), destination) != route.destinations.end())
      out.push_back(route.name);
  return out;
}

json::value redacted(const json::value& spec) {
  if (const auto* array = spec.if_array()) {
    json::array out;
    for (const auto& item : *array) out.push_back(redacted(item));
    return out;
  }
  const auto* object = spec.if_object();
  if (!object) return spec;
  json::object out;
  for (const auto& kv : *object) {
    if (kv.key() == "headers" && kv.value().is_object()) {
      json::object headers;
      for (const auto& h : kv.value().get_object()) headers[h.key()] = hidden(h.value());
      out[kv.key()] = std::move(headers);
    } else if (is_secret_key(kv.key()) && kv.value().is_string()) {
      out[kv.key()] = hidden(kv.value());
    } else if (is_secret_key(kv.key()) && kv.value().is_array()) {
      json::array items;
      for (const auto& item : kv.value().get_array()) items.push_back(hidden(item));
      out[kv.key()] = std::move(items);
    } else {
      out[kv.key()] = redacted(kv.value());
    }
  }
  return out;
}

RegistryVerdict judge_put(const Config& current, std::span<const store::RegistryRow> rows, EntryKind kind,
                          std::string_view name, const json::value& body) {
  using Outcome = RegistryVerdict::Outcome;
  const std::string path = std::string(section_name(kind)) + "." + std::string(name);
  if (file_entry(current, kind, name))
    return refused(Outcome::conflict, path + " is an entry of the config file, which only the file changes "
                                             "(edit it and reload); a registry entry needs a name of its own");
  RegistryVerdict verdict;
  verdict.outcome = Outcome::invalid;
  verdict.error = "the entry is not valid; nothing was changed";
  if (!usable_name(name)) {
    verdict.problems.push_back(path + ": a registry entry's name is 1 to 128 letters, digits, '.', '_' or '-'");
    return verdict;
  }
  if (!body.is_object()) {
    verdict.problems.push_back(path + ": expected a mapping, the entry as the config file writes it");
    return verdict;
  }
  json::value spec = body;
  if (kind == EntryKind::route) {
    auto& route = spec.get_object();
    if (const auto* given = route.if_contains("name"); given && (!given->is_string() || given->get_string() != name)) {
      verdict.problems.push_back(path + ".name: must be \"" + std::string(name) + "\", the name it is put under");
      return verdict;
    }
    route["name"] = name;
  }
  auto entries = registry_entries(rows, verdict.problems);
  section_of(entries, kind)[std::string(name)] = spec;
  auto problems = load_problems(current, entries);
  verdict.problems.insert(verdict.problems.end(), problems.begin(), problems.end());
  if (!verdict.problems.empty()) return verdict;
  verdict.outcome = Outcome::ok;
  verdict.error.clear();
  verdict.spec = json::serialize(spec);
  verdict.audit_spec = json::serialize(redacted(spec));
  return verdict;
}

RegistryVerdict judge_delete(const Config& current, std::span<const store::RegistryRow> rows, EntryKind kind,
                             std::string_view name) {
  using Outcome = RegistryVerdict::Outcome;
  const std::string path = std::string(section_name(kind)) + "." + std::string(name);
  if (file_entry(current, kind, name))
    return refused(Outcome::conflict, path + " is an entry of the config file, which only the file changes");
  if (!in_rows(rows, kind, name))
    return refused(Outcome::not_found, "no registry " + std::string(kind_name(kind)) + " named " + std::string(name));
  if (kind == EntryKind::destination) {
    auto users = routes_using(current, name);
    if (!users.empty()) {
      RegistryVerdict v = refused(Outcome::conflict, path + " is still used by routes; change or delete them first");
      v.routes = std::move(users);
      return v;
    }
  }
  RegistryVerdict verdict;
  auto entries = registry_entries(rows, verdict.problems);
  section_of(entries, kind).erase(std::string(name));
  auto problems = load_problems(current, entries);
  verdict.problems.insert(verdict.problems.end(), problems.begin(), problems.end());
  if (!verdict.problems.empty()) {
    verdict.outcome = Outcome::conflict;
    verdict.error = "the config would not load without it; nothing was changed";
  }
  return verdict;
}

}  // namespace relay::config
