#pragma once
// Judging a live-registry change (put or delete one destination or route) against the config
// as it is: the same loader as the config file's, so a bad entry gets the same path-qualified
// problems. The admin API and the CLI both decide with these, then write the store. Pure (a
// secret reference in the file is resolved again); any thread.
#include "relay/config/config.hpp"
#include "relay/store/outbox.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay::config {

enum class EntryKind { destination, route };

std::string_view kind_name(EntryKind kind);     // "destination", "route" (as the store keeps it)
std::string_view section_name(EntryKind kind);  // "destinations", "routes" (as the file has them)

// The registry's rows as the loader takes them; a row whose spec is not JSON (written by
// hand?) is a problem named by its path.
RegistryEntries registry_entries(std::span<const store::RegistryRow> rows, std::vector<std::string>& problems);

// The entry of `kind` named `name` as written in the config file, or null.
const boost::json::value* file_entry(const Config& config, EntryKind kind, std::string_view name);

// The routes (file and registry) that deliver to `destination`, in config order.
std::vector<std::string> routes_using(const Config& config, std::string_view destination);

// `spec` with every secret written literally (a value under a secret's key, such as secret,
// token, password, client_secret, or any header value) as "***"; env:, file: and
// secretsmanager: references are kept, they are not secrets.
boost::json::value redacted(const boost::json::value& spec);

// What a change would do. `ok`: `spec` is the entry to store (JSON text; none for a delete)
// and `audit_spec` the same redacted. Otherwise nothing is to be written: `invalid` with
// every problem, `conflict` (a config-file entry, or a destination routes still use: then
// `routes` names them) or `not_found`, with `error` saying why.
struct RegistryVerdict {
  enum class Outcome { ok, invalid, conflict, not_found };
  Outcome outcome = Outcome::ok;
  std::string error;
  std::vector<std::string> problems;
  std::vector<std::string> routes;
  std::optional<std::string> spec;
  std::optional<std::string> audit_spec;
};

// `current`: the config file with the registry as `rows` holds it (Config::source is the
// file). `body`: the entry as the file writes it; a route's `name` may be left out, and
// must be `name` when given.
RegistryVerdict judge_put(const Config& current, std::span<const store::RegistryRow> rows, EntryKind kind,
                          std::string_view name, const boost::json::value& body);
RegistryVerdict judge_delete(const Config& current, std::span<const store::RegistryRow> rows, EntryKind kind,
                             std::string_view name);

}  // namespace relay::config
