#include "relay/destination/put_events_entry.hpp"

#include "relay/core/json_writer.hpp"
#include "relay/core/utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace relay::destination {

namespace json = boost::json;

namespace {

constexpr std::size_t kTimeBytes = 14;

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

// The raw handler's body is the event envelope.
std::variant<PutEventsEntry, std::string> entry_of_event(std::string_view body, const EntryDefaults& defaults) {
  const auto event = parse_json(body);
  if (!event || !event->is_object()) return std::string("the raw handler's body is not a JSON object (an event)");
  const json::object& e = event->get_object();
  PutEventsEntry entry;
  for (auto [key, fallback, out] : {std::tuple{"source", defaults.source, &entry.source},
                                    std::tuple{"detail-type", defaults.detail_type, &entry.detail_type}}) {
    const json::value* v = e.if_contains(key);
    if (v && !(v->is_string() && !v->get_string().empty()))
      return "the event's " + std::string(key) + " is not a non-empty string";
    if (v) *out = std::string(v->get_string());
    else if (!fallback.empty()) *out = std::string(fallback);
    else return "the event has no " + std::string(key) + " and the destination sets none";
  }
  if (const json::value* detail = e.if_contains("detail")) {
    if (!detail->is_object()) return std::string("the event's detail is not a JSON object");
    core::JsonWriter(entry.detail, core::JsonStyle::compact).value(*detail);
  } else {
    entry.detail = "{}";
  }
  if (const json::value* resources = e.if_contains("resources")) {
    if (!resources->is_array()) return std::string("the event's resources is not a list");
    for (const auto& r : resources->get_array()) {
      if (!r.is_string()) return std::string("the event's resources has an item that is not a string");
      entry.resources.emplace_back(r.get_string());
    }
  }
  if (const json::value* time = e.if_contains("time"); time && time->is_string()) {
    entry.time = core::parse_utc(time->get_string());
    if (!entry.time) return "the event's time \"" + std::string(time->get_string()) + "\" is not an ISO 8601 UTC time";
  }
  return entry;
}

// Epoch seconds as JavaScript's Date.getTime() / 1000 gives them: 1700000000, 1700000000.25.
void write_epoch_seconds(core::JsonWriter& w, std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  if (ms % 1000 == 0) w.number(static_cast<std::int64_t>(ms / 1000));
  else w.number(static_cast<double>(ms) / 1000.0);
}

}  // namespace

std::string idempotency_resource(const core::DeliveryKey& key) {
  return "relay:idempotency-key:" + core::message_id(key);
}

std::variant<PutEventsEntry, std::string> make_entry(const Item& item, const EntryDefaults& defaults) {
  std::variant<PutEventsEntry, std::string> made;
  if (item.handler == "raw") {
    made = entry_of_event(item.body, defaults);
  } else {
    const auto body = parse_json(item.body);
    if (!body || !body->is_object())
      return "the handler's body is not a JSON object (an EventBridge Detail must be one)";
    made = PutEventsEntry{std::string(defaults.source), std::string(defaults.detail_type), std::string(item.body)};
  }
  if (auto* entry = std::get_if<PutEventsEntry>(&made)) entry->resources.push_back(idempotency_resource(item.key));
  return made;
}

std::size_t entry_size(const PutEventsEntry& entry) {
  std::size_t size =
      (entry.time ? kTimeBytes : 0) + entry.source.size() + entry.detail_type.size() + entry.detail.size();
  for (const auto& r : entry.resources) size += r.size();
  return size;
}

std::string put_events_body(std::span<const PutEventsEntry> entries, std::string_view event_bus) {
  std::string out;
  core::JsonWriter w(out, core::JsonStyle::compact);
  w.begin_object();
  w.key("Entries");
  w.begin_array();
  // Members in the order the AWS SDK for JavaScript writes them (the PutEventsRequestEntry
  // shape's), so that bodies compare byte for byte.
  for (const auto& e : entries) {
    w.begin_object();
    if (e.time) {
      w.key("Time");
      write_epoch_seconds(w, *e.time);
    }
    w.field("Source", e.source);
    w.key("Resources");
    w.begin_array();
    for (const auto& r : e.resources) w.string(r);
    w.end_array();
    w.field("DetailType", e.detail_type);
    w.field("Detail", e.detail);
    w.field("EventBusName", event_bus);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace relay::destination
