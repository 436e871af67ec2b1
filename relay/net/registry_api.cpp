#include "relay/net/registry_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "relay/core/utc_time.hpp"

namespace relay::net {

namespace json = boost::json;
using config::EntryKind;

namespace {

Answer json_answer(unsigned status, const json::object& body, std::string etag = {}) {
  Answer a{status, json::serialize(body), std::nullopt};
  a.etag = std::move(etag);
  return a;
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& i : items) out.emplace_back(i);
  return out;
}

bool paused(const json::value& spec) {
  const auto* p = spec.is_object() ? spec.get_object().if_contains("paused") : nullptr;
  return p && p->is_bool() && p->get_bool();
}

json::object listed(std::string_view name, std::string_view origin, const json::value& spec) {
  return {{"name", name}, {"origin", origin}, {"paused", paused(spec)}, {"spec", config::redacted(spec)}};
}

json::object registry_listed(const store::RegistryRow& row) {
  boost::system::error_code ec;
  const auto spec = json::parse(row.spec, ec);
  json::object out = listed(row.name, "registry", ec ? json::value(nullptr) : spec);
  out["etag"] = etag_of(row.version);
  return out;
}

// The file's entries of `kind`, with their names.
std::vector<std::pair<std::string, const json::value*>> file_entries(const config::Config& current, EntryKind kind) {
  std::vector<std::pair<std::string, const json::value*>> out;
  const auto* section = current.source.if_contains(config::section_name(kind));
  if (!section) return out;
  if (kind == EntryKind::destination && section->is_object())
    for (const auto& kv : section->get_object()) out.emplace_back(std::string(kv.key()), &kv.value());
  if (kind == EntryKind::route && section->is_array())
    for (const auto& route : section->get_array())
      if (const auto* n = route.is_object() ? route.get_object().if_contains("name") : nullptr; n && n->is_string())
        out.emplace_back(std::string(n->get_string()), &route);
  return out;
}

const store::RegistryRow* row_of(std::span<const store::RegistryRow> rows, EntryKind kind, std::string_view name) {
  for (const auto& r : rows)
    if (r.kind == config::kind_name(kind) && r.name == name) return &r;
  return nullptr;
}

std::optional<std::int64_t> version_from(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') return std::nullopt;
  tag = tag.substr(1, tag.size() - 2);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), v);
  if (ec != std::errc() || end != tag.data() + tag.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace

std::string etag_of(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::variant<Answer, std::optional<std::int64_t>> expected_version(std::string_view if_match,
                                                                   std::string_view if_none_match,
                                                                   std::int64_t current) {
  if (!if_none_match.empty()) {
    if (if_none_match != "*") return error_answer(400, "If-None-Match: only * (the entry must not exist yet) is taken");
    return std::optional<std::int64_t>(0);
  }
  if (if_match.empty()) return std::optional<std::int64_t>();
  if (if_match == "*") {
    if (current == 0) return stale_answer(0);
    return std::optional<std::int64_t>(current);
  }
  const auto version = version_from(if_match);
  if (!version) return error_answer(400, "If-Match: expected an ETag such as \"3\", as GET gave it");
  return std::optional<std::int64_t>(*version);
}

std::variant<Answer, json::value> parse_entry_body(std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) return error_answer(400, "the body is not JSON: " + ec.message());
  return value;
}

std::int64_t version_in(std::span<const store::RegistryRow> rows, EntryKind kind, std::string_view name) {
  const auto* row = row_of(rows, kind, name);
  return row ? row->version : 0;
}

Answer registry_list_answer(const config::Config& current, std::span<const store::RegistryRow> rows, EntryKind kind) {
  json::array entries;
  for (const auto& [name, spec] : file_entries(current, kind)) entries.emplace_back(listed(name, "config", *spec));
  for (const auto& row : rows)
    if (row.kind == config::kind_name(kind)) entries.emplace_back(registry_listed(row));
  return json_answer(200, {{config::section_name(kind), std::move(entries)}});
}

Answer registry_entry_answer(const config::Config& current, std::span<const store::RegistryRow> rows, EntryKind kind,
                             std::string_view name) {
  if (const auto* spec = config::file_entry(current, kind, name))
    return json_answer(200, listed(name, "config", *spec));
  if (const auto* row = row_of(rows, kind, name)) return json_answer(200, registry_listed(*row), etag_of(row->version));
  return error_answer(404, "no " + std::string(config::kind_name(kind)) + " named " + std::string(name));
}

Answer refused_answer(const config::RegistryVerdict& verdict) {
  using Outcome = config::RegistryVerdict::Outcome;
  if (verdict.outcome == Outcome::not_found) return error_answer(404, verdict.error);
  json::object body{{"error", verdict.error}};
  if (!verdict.problems.empty()) body["problems"] = strings(verdict.problems);
  if (!verdict.routes.empty()) body["routes"] = strings(verdict.routes);
  return json_answer(verdict.outcome == Outcome::invalid ? 400 : 409, body);
}

Answer stale_answer(std::int64_t current) {
  json::object body{{"error", current ? "the entry changed since that ETag; GET it again" : "there is no such entry"}};
  body["etag"] = current ? json::value(etag_of(current)) : json::value(nullptr);
  return json_answer(412, body);
}

Answer registry_put_answer(std::string_view name, std::int64_t version, bool created,
                           const std::vector<std::string>& problems) {
  json::object body{{"name", name}, {"etag", etag_of(version)}, {"applied", problems.empty()}};
  if (!problems.empty()) body["problems"] = strings(problems);
  return json_answer(created ? 201 : 200, body, etag_of(version));
}

Answer audit_answer(std::span<const store::AuditRow> rows) {
  json::array out;
  for (const auto& row : rows) {
    json::value spec = nullptr;
    if (row.spec) {
      boost::system::error_code ec;
      spec = json::parse(*row.spec, ec);
      if (ec) spec = nullptr;
    }
    out.emplace_back(json::object{{"time", core::format_utc_millis(row.time)},
                                  {"client", row.client},
                                  {"action", row.action},
                                  {"kind", row.kind},
                                  {"name", row.name},
                                  {"spec", std::move(spec)}});
  }
  return json_answer(200, {{"audit", std::move(out)}});
}

}  // namespace relay::net
