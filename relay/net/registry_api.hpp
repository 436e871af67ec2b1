#pragma once
// The live registry's admin API answers (GET/PUT/DELETE /admin/destinations[/NAME] and
// /admin/routes[/NAME], GET /admin/audit), made from the config being served and the
// registry's rows. Entries are shown as the config file writes them, secrets redacted;
// registry entries carry an ETag (their version) that If-Match checks. Pure; any thread.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "relay/config/registry_change.hpp"
#include "relay/net/ingress.hpp"
#include "relay/store/outbox.hpp"

namespace relay::net {

// "\"VERSION\"", as ETag and If-Match carry it.
std::string etag_of(std::int64_t version);

// The version a change must find, from If-Match ("\"N\"", W/"N" or *) and If-None-Match (*):
// nullopt for any, 0 for absent. `current` is the entry's version now (0: absent), for
// If-Match: *. 412 when If-Match: * finds nothing, 400 for a value that is not one of these.
std::variant<Answer, std::optional<std::int64_t>> expected_version(std::string_view if_match,
                                                                   std::string_view if_none_match,
                                                                   std::int64_t current);

// A PUT's body as JSON, or 400 naming what is wrong with it.
std::variant<Answer, boost::json::value> parse_entry_body(std::string_view body);

// The entry's version in `rows` (0: absent).
std::int64_t version_in(std::span<const store::RegistryRow> rows, config::EntryKind kind, std::string_view name);

// 200 {"destinations" | "routes": [{"name", "origin", "paused", "etag"?, "spec"}]}: the
// file's entries, then the registry's.
Answer registry_list_answer(const config::Config& current, std::span<const store::RegistryRow> rows,
                            config::EntryKind kind);
// 200 one of them (with its ETag header when from the registry), or 404.
Answer registry_entry_answer(const config::Config& current, std::span<const store::RegistryRow> rows,
                             config::EntryKind kind, std::string_view name);
// What judge_put / judge_delete refused: 400 {"error", "problems"}, 409 {"error",
// "problems"?, "routes"?} or 404.
Answer refused_answer(const config::RegistryVerdict& verdict);
// A change that found another version than expected: 412 {"error", "etag"} (etag null: absent).
Answer stale_answer(std::int64_t current);
// A put done: 201 (created) or 200 {"name", "etag", "applied"}, ETag header. `problems`:
// what kept the running relay from serving it (stored nonetheless).
Answer registry_put_answer(std::string_view name, std::int64_t version, bool created,
                           const std::vector<std::string>& problems);

// 200 {"audit": [{"time", "client", "action", "kind", "name", "spec"}]}
Answer audit_answer(std::span<const store::AuditRow> rows);

}  // namespace relay::net
