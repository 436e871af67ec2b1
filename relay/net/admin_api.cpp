#include "relay/net/admin_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "relay/core/hmac.hpp"
#include "relay/pattern/matcher.hpp"
#include "relay/store/filter_text.hpp"
#include "relay/store/row_json.hpp"

namespace relay::net {

namespace json = boost::json;

namespace {

constexpr std::string_view kPrefix = "/admin/";

bool authorized(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer) return false;
  return core::constant_time_equal(authorization.substr(kBearer.size()), token);
}

// The query's filter fields (and all=true); 400 for an unknown parameter or a bad value.
std::variant<Answer, AdminCall> with_query(AdminCall call, const boost::urls::url_view& url, store::TimePoint now) {
  store::FilterText text;
  const bool changes_dead = call.kind == AdminCall::Kind::replay || call.kind == AdminCall::Kind::purge;
  for (const auto& p : url.params()) {
    std::string* field = p.key == "id"            ? &text.id
                         : p.key == "status"      ? &text.status
                         : p.key == "destination" ? &text.destination
                         : p.key == "route"       ? &text.route
                         : p.key == "event_id"    ? &text.event_id
                         : p.key == "since"       ? &text.since
                         : p.key == "until"       ? &text.until
                         : p.key == "limit"       ? &text.limit
                                                  : nullptr;
    if (p.key == "all" && changes_dead) {
      call.all = p.value == "true";
      continue;
    }
    if (!field || (p.key == "status" && call.kind != AdminCall::Kind::deliveries))
      return error_answer(400, "unknown query parameter", p.key);
    *field = p.value;
  }
  if (changes_dead && store::narrows(text) == call.all)
    return error_answer(400, "give id=ID, filters (destination, route, event_id, since, until) or all=true");
  auto parsed = store::parse_filter(text, now);
  if (auto* problem = std::get_if<store::FilterProblem>(&parsed)) return error_answer(400, problem->message, problem->field);
  call.filter = std::get<store::Filter>(std::move(parsed));
  return call;
}

std::optional<std::int64_t> id_from(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Answer json_answer(const std::string& body) { return {200, body, std::nullopt}; }

std::string rows_json(std::string_view key, const std::vector<store::DeliveryRow>& rows) {
  std::string out = "{\"" + std::string(key) + "\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ", ";
    store::append_delivery_json(out, rows[i]);
  }
  return out + "]}";
}

}  // namespace

bool is_admin_target(std::string_view target) { return target.substr(0, kPrefix.size()) == kPrefix; }

std::variant<Answer, AdminCall> parse_admin_call(std::string_view method, std::string_view target,
                                                 std::string_view authorization, std::string_view token,
                                                 store::TimePoint now) {
  if (token.empty() || !authorized(authorization, token)) return error_answer(401, "unauthorized");
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return error_answer(400, "malformed target");
  std::vector<std::string> segments(url->segments().begin(), url->segments().end());  // "admin", ...
  const bool get = method == "GET", post = method == "POST";
  const auto expect = [&](bool right_method, AdminCall call) -> std::variant<Answer, AdminCall> {
    if (!right_method) return error_answer(405, get ? "use POST" : "use GET");
    return with_query(std::move(call), *url, now);
  };
  using Kind = AdminCall::Kind;
  const std::size_t n = segments.size();
  if (n == 2 && segments[1] == "deliveries") return expect(get, {Kind::deliveries});
  if (n == 3 && segments[1] == "deliveries") {
    const auto id = id_from(segments[2]);
    if (!id) return error_answer(404, "no such delivery");
    if (!get) return error_answer(405, "use GET");
    AdminCall call{Kind::delivery};
    call.filter.id = id;
    return call;
  }
  if (n == 2 && segments[1] == "dlq") return expect(get, {Kind::dead_letters});
  if (n == 3 && segments[1] == "dlq" && segments[2] == "replay") return expect(post, {Kind::replay});
  if (n == 3 && segments[1] == "dlq" && segments[2] == "purge") return expect(post, {Kind::purge});
  if (n == 3 && segments[1] == "pattern" && segments[2] == "test") {
    if (!post) return error_answer(405, "use POST");
    return AdminCall{Kind::pattern_test};
  }
  if (n == 2 && segments[1] == "status") return expect(get, {Kind::status});
  if (n == 2 && segments[1] == "overview") {
    if (!get) return error_answer(405, "use GET");
    return AdminCall{Kind::overview};
  }
  if (n == 2 && segments[1] == "reload") {
    if (!post) return error_answer(405, "use POST");
    return AdminCall{Kind::reload};
  }
  const auto registry_kind = [&]() -> std::optional<config::EntryKind> {
    if (segments[1] == "destinations") return config::EntryKind::destination;
    if (segments[1] == "routes") return config::EntryKind::route;
    return std::nullopt;
  };
  if (n == 2 && segments[1] == "audit") {
    if (!get) return error_answer(405, "use GET");
    for (const auto& p : url->params())
      if (p.key != "limit") return error_answer(400, "unknown query parameter", p.key);
    return with_query(AdminCall{Kind::audit}, *url, now);
  }
  if ((n == 2 || n == 3) && registry_kind()) {
    AdminCall call{n == 2 ? Kind::registry_list : Kind::registry_get};
    call.entry = *registry_kind();
    if (n == 2) {
      if (!get) return error_answer(405, "use GET");
      return call;
    }
    call.name = segments[2];
    if (method == "PUT") call.kind = Kind::registry_put;
    else if (method == "DELETE") call.kind = Kind::registry_delete;
    else if (!get) return error_answer(405, "use GET, PUT or DELETE");
    return call;
  }
  if (n == 4 && segments[1] == "destinations" && segments[3] == "test") {
    if (!post) return error_answer(405, "use POST");
    AdminCall call{Kind::test_destination};
    call.destination = segments[2];
    return call;
  }
  return error_answer(404, "no such admin path");
}

Answer answer_from_store(const AdminCall& call, store::Outbox& outbox, store::TimePoint now) {
  using Kind = AdminCall::Kind;
  switch (call.kind) {
    case Kind::deliveries: return json_answer(rows_json("deliveries", outbox.deliveries(call.filter)));
    case Kind::dead_letters: {
      store::Filter f = call.filter;
      f.state = store::State::dead;
      return json_answer(rows_json("dead_letters", outbox.deliveries(f)));
    }
    case Kind::delivery: {
      const auto row = outbox.delivery(*call.filter.id);
      if (!row) return error_answer(404, "no such delivery");
      std::string out = "{\"delivery\": ";
      store::append_delivery_json(out, *row);
      out += ", \"attempts\": [";
      const auto attempts = outbox.attempts(row->id);
      for (std::size_t i = 0; i < attempts.size(); ++i) {
        if (i) out += ", ";
        store::append_attempt_json(out, attempts[i]);
      }
      out += "], \"body\": ";
      const auto body = outbox.body(row->id);
      out += body ? json::serialize(json::string(*body)) : "null";
      return json_answer(out + "}");
    }
    case Kind::replay: {
      const json::object body{{"replayed", outbox.replay(call.filter, now)}};
      return json_answer(json::serialize(body));
    }
    case Kind::purge: {
      const json::object body{{"purged", outbox.purge_dead(call.filter)}};
      return json_answer(json::serialize(body));
    }
    default: break;
  }
  return error_answer(500, "not a store call");
}

Answer status_answer(const StoreStatus& status, BacklogCounts backlog) {
  json::object store{{"writable", status.writable}};
  if (!status.writable) store["error"] = status.error;
  const json::object body{{"store", std::move(store)},
                          {"backlog", json::object{{"count", backlog.count}, {"bytes", backlog.bytes}}}};
  return {status.writable ? 200u : 503u, json::serialize(body), std::nullopt};
}

Answer destination_test_answer(std::string_view destination, const TestAttempt& attempt) {
  json::object body{{"destination", destination},
                    {"status", attempt.status},
                    {"latency_ms", attempt.latency.count()},
                    {"response", attempt.response}};
  if (!attempt.error.empty()) body["error"] = attempt.error;
  return {attempt.delivered ? 200u : 502u, json::serialize(body), std::nullopt};
}

Answer pattern_test_answer(std::string_view body, const pattern::Limits& limits) {
  boost::system::error_code ec;
  const json::value request = json::parse(body, ec);
  const json::object* fields = !ec && request.is_object() ? &request.as_object() : nullptr;
  const json::value* given = fields ? fields->if_contains("pattern") : nullptr;
  const json::value* event = fields ? fields->if_contains("event") : nullptr;
  if (!given || !event) return error_answer(400, "give a JSON object {\"pattern\": {...}, \"event\": {...}}");
  pattern::MatcherBuilder builder(limits);
  if (const auto problem = builder.add(0, *given)) {
    const json::object answer{{"error", "invalid pattern"}, {"problems", json::array{json::string(problem->message())}}};
    return {400, json::serialize(answer), std::nullopt};
  }
  const pattern::Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> matched;
  matcher.match(*event, matched);
  return json_answer(json::serialize(json::object{{"match", !matched.empty()}}));
}

Answer reload_answer(const std::vector<std::string>& problems, const config::ConfigChanges& changes) {
  if (!problems.empty()) {
    json::array listed;
    for (const auto& p : problems) listed.emplace_back(p);
    const json::object body{{"error", "the config was not reloaded; the running one is unchanged"},
                            {"problems", std::move(listed)}};
    return {400, json::serialize(body), std::nullopt};
  }
  json::object body = config::changes_json(changes);
  body["reloaded"] = true;
  return json_answer(json::serialize(body));
}

}  // namespace relay::net
