#include "relay/net/ingress.hpp"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/json_writer.hpp"
#include "relay/core/utf8.hpp"

namespace relay::net {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// {"COUNT_KEY":N,"event_ids":[...]}, written straight into the answer's body.
std::string count_and_ids(std::string_view count_key, std::size_t count, const std::vector<std::string>& ids) {
  std::string body;
  body.reserve(48 + ids.size() * 40);
  core::JsonWriter w(body, core::JsonStyle::compact);
  w.begin_object();
  w.key(count_key);
  w.number(static_cast<std::int64_t>(count));
  w.key("event_ids");
  w.begin_array();
  for (const auto& id : ids) w.string(id);
  w.end_array();
  w.end_object();
  return body;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  return iequals(media, "application/json") || (media.size() > 5 && iequals(media.substr(media.size() - 5), "+json"));
}

Ingress::Ingress(const pipeline::Pipeline& pipeline, const IngressAuthenticator& auth, const RouteDoors* doors,
                 std::size_t max_events)
    : pipeline_(pipeline), auth_(auth), doors_(doors), max_events_(max_events) {}

std::variant<Answer, Ingress::Door> Ingress::door_for(const IngressRequest& request) const {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  std::string_view route;  // from /events/<route>
  if (path.starts_with(kEventsPath) && path.size() > kEventsPath.size() + 1 && path[kEventsPath.size()] == '/') {
    route = path.substr(kEventsPath.size() + 1);
    if (!pipeline_.has_route(route)) return error_answer(404, "no route is named \"" + std::string(route) + "\"");
  } else if (path != kEventsPath) {
    return error_answer(404, "no such path; events are posted to /events or /events/<route>");
  }
  if (request.method != "POST") return error_answer(405, "method not allowed; use POST");
  const IngressAuthenticator* auth = &auth_;
  if (doors_ && !route.empty())
    if (auto d = doors_->find(route); d != doors_->end()) auth = &d->second;
  return Door{route, auth};
}

std::optional<Answer> Ingress::auth_refusal(const Door& door, const IngressRequest& request,
                                            std::chrono::system_clock::time_point now) {
  Credentials credentials = request.credentials;
  if (request.header && !door.auth->api_key_header().empty())
    credentials.api_key = request.header(door.auth->api_key_header());
  switch (door.auth->check(credentials, request.body, now)) {
    case AuthVerdict::allowed:
      return std::nullopt;
    case AuthVerdict::refused:
      return error_answer(401, "unauthorized");
    case AuthVerdict::unavailable:
      break;
  }
  auto answer = error_answer(503, "cannot check credentials now; retry later");
  answer.retry_after = 1;
  return answer;
}

std::optional<Answer> Ingress::screen(const IngressRequest& request, std::chrono::system_clock::time_point now) const {
  auto door = door_for(request);
  if (auto* refused = std::get_if<Answer>(&door)) return std::move(*refused);
  const Door& d = std::get<Door>(door);
  if (d.auth->needs_body()) return std::nullopt;
  IngressRequest head = request;
  head.body = {};
  if (auto refused = auth_refusal(d, head, now)) return refused;
  if (!is_json_content_type(request.content_type)) return error_answer(415, "content type must be application/json");
  return std::nullopt;
}

std::variant<Answer, Admitted> Ingress::admit(const IngressRequest& request,
                                              std::chrono::system_clock::time_point now) {
  auto door = door_for(request);
  if (auto* refused = std::get_if<Answer>(&door)) return std::move(*refused);
  const Door& d = std::get<Door>(door);
  const std::string_view route = d.route;
  if (auto refused = auth_refusal(d, request, now)) return std::move(*refused);
  if (!is_json_content_type(request.content_type)) return error_answer(415, "content type must be application/json");

  // Per-request arena: the envelopes only live until the pipeline has made the bodies.
  thread_local unsigned char arena[64 * 1024];
  json::monotonic_resource resource(arena, sizeof arena);
  std::vector<json::value> events;
  if (auto error = decoder_.decode(request.body, events, &resource))
    return error_answer(400, error->what, error->where);
  if (events.size() > max_events_)
    return error_answer(413, std::to_string(events.size()) + " events in one request; at most " +
                                 std::to_string(max_events_) + " (ingress.max_events_per_request)");

  Admitted admitted;
  admitted.events.reserve(events.size());
  pipeline::Outcome outcome;
  for (const auto& event : events) admit_event(pipeline_, event, {route, request.header}, outcome, admitted);
  admitted.deliveries = std::move(outcome.deliveries);
  return admitted;
}

void admit_event(const pipeline::Pipeline& pipeline, const boost::json::value& event,
                 const pipeline::RequestScope& scope, pipeline::Outcome& outcome, Admitted& admitted) {
  const auto view = core::Event::view(event);
  const std::size_t before = outcome.deliveries.size();
  pipeline.process(event, outcome, scope);
  admitted.events.push_back({std::string(view.id), std::string(view.source), std::string(view.detail_type),
                             outcome.deliveries.size() - before});
}

std::vector<std::string> Admitted::event_ids() const {
  std::vector<std::string> ids;
  ids.reserve(events.size());
  for (const auto& e : events) ids.push_back(e.id);
  return ids;
}

Answer error_answer(unsigned status, std::string_view error, std::string_view where) {
  // Messages may quote the request (a route name from the target): keep the body JSON.
  json::object body{{"error", core::valid_utf8(error)}};
  if (!where.empty()) body["where"] = core::valid_utf8(where);
  return {status, json::serialize(body), std::nullopt};
}

Answer accepted_answer(const std::vector<std::string>& event_ids) {
  return {202, count_and_ids("accepted", event_ids.size(), event_ids), std::nullopt};
}

Answer backlog_full_answer() {
  auto answer = error_answer(429, "delivery backlog is full; retry later");
  answer.retry_after = 1;
  return answer;
}

Answer shutting_down_answer() {
  auto answer = error_answer(503, "shutting down; retry later");
  answer.retry_after = 1;
  return answer;
}

Answer store_failure_answer(store::StoreFault fault) {
  switch (fault) {
    case store::StoreFault::unavailable:
    case store::StoreFault::full:
    case store::StoreFault::conflict: {
      auto answer = error_answer(503, "cannot store events durably now; retry later");
      answer.retry_after = 1;
      return answer;
    }
    default:
      return error_answer(500, "cannot store events: the outbox failed (see relay's log); nothing was acknowledged");
  }
}

Answer sync_answer(const std::vector<std::string>& event_ids, const std::vector<SyncResult>& results) {
  const auto failed = std::find_if(results.begin(), results.end(),
                                   [](const SyncResult& r) { return !r.delivered; });
  if (failed == results.end()) {
    return {200, count_and_ids("delivered", results.size(), event_ids), std::nullopt};
  }
  json::object body{{"error", failed->status ? "receiver refused the delivery" : "receiver did not answer"},
                    {"destination", failed->destination},
                    {"status", failed->status}};
  if (!failed->error.empty()) body["detail"] = failed->error;
  return {502, json::serialize(body), std::nullopt};
}

}  // namespace relay::net
