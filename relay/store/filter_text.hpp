#pragma once
// Delivery filters as operators write them: `relay deliveries` / `relay dlq` options and
// the admin API's query parameters share these names and meanings.
#include "relay/store/outbox.hpp"

#include <string>
#include <variant>

namespace relay::store {

// Each field as given; empty when not given.
struct FilterText {
  std::string id, status, destination, route, event_id, since, until, limit;
};

struct FilterProblem {
  std::string field;  // which of FilterText's fields, e.g. "since"
  std::string message;
};

// `since` / `until`: an ISO time ("2025-01-01T00:00:00Z") or an age ("2h": two hours
// before `now`). `status`: pending, in_flight, delivered or dead.
std::variant<Filter, FilterProblem> parse_filter(const FilterText& text, TimePoint now);

// Whether the filter picks deliveries out (an id or any field but status and limit): replay
// and purge need that, or an explicit "all".
bool narrows(const FilterText& text);

}  // namespace relay::store
