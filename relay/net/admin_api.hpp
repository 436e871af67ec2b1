#pragma once
// The admin API, /admin/... on the ingress listener, as plain functions: authorize and
// route a request to a call, then answer it from the outbox (on the store thread) or from
// what the server knows. Off unless the config gives a token; every request needs
// `Authorization: Bearer TOKEN`. Filters are the CLI's (store/filter_text.hpp):
//   GET  /admin/deliveries?status=&destination=&route=&event_id=&since=&until=&limit=
//   GET  /admin/deliveries/ID                    one delivery, its attempts and body (while kept)
//   GET  /admin/dlq?destination=&...             dead letters
//   POST /admin/dlq/replay?id=ID | ?FILTERS | ?all=true
//   POST /admin/dlq/purge?id=ID | ?FILTERS | ?all=true   deletes dead letters
//   POST /admin/pattern/test {"pattern", "event"}  whether the event matches the pattern
//   GET  /admin/status                           outbox writable?, backlog
//   GET  /admin/overview                         the console's overview (observe/overview_json.hpp)
//   POST /admin/destinations/NAME/test           sends a test event, answers the receiver's status
//   POST /admin/reload                           reads the config file again (as SIGHUP does)
#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "relay/config/config_diff.hpp"
#include "relay/config/registry_change.hpp"
#include "relay/net/backlog_gauge.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/store_health.hpp"
#include "relay/pattern/limits.hpp"
#include "relay/store/outbox.hpp"

namespace relay::net {

bool is_admin_target(std::string_view target);

struct AdminCall {
  enum class Kind {
    deliveries, delivery, dead_letters, replay, purge, status, test_destination, reload, overview, pattern_test,
    registry_list, registry_get, registry_put, registry_delete, audit  // the live registry (registry_api.hpp)
  };
  Kind kind = Kind::deliveries;
  store::Filter filter;     // deliveries, dead_letters, replay, purge; delivery: its id; audit: its limit
  bool all = false;         // replay or purge every dead letter
  std::string destination;  // test_destination
  config::EntryKind entry = config::EntryKind::destination;  // registry_*
  std::string name;                                          // registry_get, _put, _delete
  bool is_registry() const { return kind >= Kind::registry_list; }
  bool needs_store() const {
    return kind != Kind::status && kind != Kind::test_destination && kind != Kind::reload && kind != Kind::overview &&
           kind != Kind::pattern_test && !is_registry();
  }
};

// 401 without the token (compared in constant time), 404 / 405 / 400 for what is not a
// call; otherwise the call.
std::variant<Answer, AdminCall> parse_admin_call(std::string_view method, std::string_view target,
                                                 std::string_view authorization, std::string_view token,
                                                 store::TimePoint now);

// Answers a call that needs_store() from `outbox` (on the store thread).
Answer answer_from_store(const AdminCall& call, store::Outbox& outbox, store::TimePoint now);

// {"store": {"writable", "error"}, "backlog": {"count", "bytes"}}
Answer status_answer(const StoreStatus& status, BacklogCounts backlog);

// The result of one test attempt: 200 {"destination", "status", "latency_ms", "response"}
// when the receiver took it, 502 with the same and "error" otherwise.
struct TestAttempt {
  bool delivered = false;  // the destination's verdict on the answer
  unsigned status = 0;
  std::string error;
  std::string response;
  std::chrono::milliseconds latency{0};
};
Answer destination_test_answer(std::string_view destination, const TestAttempt& attempt);

// The pattern tester's answer to `body` {"pattern": {...}, "event": {...}}: 200 {"match": bool},
// or 400 {"error", "problems": [...]} with the matcher's message for an invalid pattern.
Answer pattern_test_answer(std::string_view body, const pattern::Limits& limits);

// A reload's answer: 200 {"reloaded": true, "routes": {"added", "removed", "changed"},
// "destinations": {...}}, or when `problems` is not empty 400 {"error", "problems": [...]}
// (the running config unchanged).
Answer reload_answer(const std::vector<std::string>& problems, const config::ConfigChanges& changes);

}  // namespace relay::net
