#include "relay/bus/put_events.hpp"

#include "relay/core/json_writer.hpp"
#include "relay/core/utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>

namespace relay::bus {

namespace json = boost::json;

namespace {

// The last epoch second core::parse_utc accepts too (2262-04-11), so times compare safely.
constexpr double kLastEpochSecond = 9'223'372'036.0;

std::string entry_path(std::size_t i, std::string_view member) {
  return "Entries[" + std::to_string(i) + "]." + std::string(member);
}

// A string member, or why its JSON type is wrong; nullopt when absent.
std::variant<std::optional<std::string_view>, AwsError> string_member(const json::object& o, std::string_view key,
                                                                     std::size_t i) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) return serialization_error(entry_path(i, key) + ": expected a string");
  return std::optional<std::string_view>(v->get_string());
}

std::variant<std::optional<std::chrono::system_clock::time_point>, AwsError> time_member(const json::object& o,
                                                                                         std::size_t i) {
  const json::value* v = o.if_contains("Time");
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_number()) {
    const double seconds = v->to_number<double>();
    if (!(seconds >= 0 && seconds < kLastEpochSecond))
      return serialization_error(entry_path(i, "Time") + ": epoch seconds out of range");
    const auto ms = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
    return std::optional(std::chrono::system_clock::time_point(ms));
  }
  if (v->is_string())
    if (auto t = core::parse_utc(v->get_string())) return std::optional(*t);
  return serialization_error(entry_path(i, "Time") +
                             ": expected epoch seconds or an ISO 8601 UTC time such as 2026-01-01T12:00:00Z");
}

EntryError required(std::string_view member) {
  return {"InvalidArgument",
          "Parameter " + std::string(member) + " is not valid. Reason: " + std::string(member) + " is a required argument."};
}

// One entry, or the whole call's error (a member of the wrong JSON type).
std::variant<ReadEntry, AwsError> read_entry(const json::value& v, std::size_t i) {
  if (!v.is_object()) return serialization_error("Entries[" + std::to_string(i) + "]: expected an object");
  const json::object& o = v.get_object();
  std::optional<std::string_view> fields[4];
  const char* names[4] = {"Source", "DetailType", "Detail", "EventBusName"};
  for (int k = 0; k < 4; ++k) {
    auto read = string_member(o, names[k], i);
    if (auto* error = std::get_if<AwsError>(&read)) return std::move(*error);
    fields[k] = std::get<0>(read);
  }
  BusEntry entry;
  if (const json::value* resources = o.if_contains("Resources"); resources && !resources->is_null()) {
    if (!resources->is_array()) return serialization_error(entry_path(i, "Resources") + ": expected a list of strings");
    for (const auto& r : resources->get_array()) {
      if (!r.is_string()) return serialization_error(entry_path(i, "Resources") + ": expected a list of strings");
      entry.entry.resources.emplace_back(r.get_string());
    }
  }
  auto time = time_member(o, i);
  if (auto* error = std::get_if<AwsError>(&time)) return std::move(*error);
  entry.entry.time = std::get<0>(time);

  for (int k = 0; k < 3; ++k)
    if (!fields[k] || fields[k]->empty()) return ReadEntry(required(names[k]));
  entry.entry.source = *fields[0];
  entry.entry.detail_type = *fields[1];
  entry.entry.detail = *fields[2];
  entry.event_bus = event_bus_name(fields[3].value_or(""));
  boost::system::error_code ec;
  json::value detail = json::parse(entry.entry.detail, ec);
  if (ec || !detail.is_object()) return ReadEntry(EntryError{"MalformedDetail", "Detail is malformed."});
  entry.detail = std::move(detail.get_object());
  if (const std::size_t size = destination::entry_size(entry.entry); size > destination::kMaxPutEventsBytes)
    return ReadEntry(EntryError{"InvalidArgument", "Entry is " + std::to_string(size) + " bytes; at most " +
                                                       std::to_string(destination::kMaxPutEventsBytes) +
                                                       " (Source, DetailType, Detail, Resources and 14 for Time)."});
  return ReadEntry(std::move(entry));
}

std::string whole_seconds(std::chrono::system_clock::time_point t) {
  const std::string millis = core::format_utc_millis(t);  // 2026-01-01T12:00:00.123Z
  return millis.substr(0, 19) + "Z";
}

}  // namespace

std::variant<std::vector<ReadEntry>, AwsError> read_put_events(std::string_view body) {
  boost::system::error_code ec;
  const json::value request = json::parse(body, ec);
  if (ec) return serialization_error("the body is not JSON: " + ec.message());
  if (!request.is_object()) return serialization_error("the body is not a JSON object");
  const json::value* entries = request.get_object().if_contains("Entries");
  if (!entries || entries->is_null())
    return validation_error(
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  if (!entries->is_array()) return serialization_error("Entries: expected a list");
  const json::array& list = entries->get_array();
  if (list.empty())
    return validation_error("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
                            "Member must have length greater than or equal to 1");
  if (list.size() > kMaxEntries)
    return validation_error("1 validation error detected: Value at 'entries' (" + std::to_string(list.size()) +
                            " entries) failed to satisfy constraint: Member must have length less than or equal to " +
                            std::to_string(kMaxEntries));
  std::vector<ReadEntry> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto entry = read_entry(list[i], i);
    if (auto* error = std::get_if<AwsError>(&entry)) return std::move(*error);
    out.push_back(std::move(std::get<ReadEntry>(entry)));
  }
  return out;
}

std::string event_bus_name(std::string_view name_or_arn) {
  if (name_or_arn.empty()) return std::string(kDefaultEventBus);
  constexpr std::string_view kBusPart = ":event-bus/";
  if (name_or_arn.starts_with("arn:"))
    if (const auto at = name_or_arn.find(kBusPart); at != std::string_view::npos)
      return std::string(name_or_arn.substr(at + kBusPart.size()));
  return std::string(name_or_arn);
}

json::object make_envelope(const BusEntry& entry, std::string_view id, const EnvelopeContext& context) {
  json::array resources;
  for (const auto& r : entry.entry.resources) resources.emplace_back(r);
  return json::object{{"version", "0"},
                      {"id", id},
                      {"detail-type", entry.entry.detail_type},
                      {"source", entry.entry.source},
                      {"account", context.account},
                      {"time", whole_seconds(entry.entry.time.value_or(context.now))},
                      {"region", context.region},
                      {"resources", std::move(resources)},
                      {"detail", entry.detail}};
}

std::string put_events_answer(const std::vector<EntryResult>& results) {
  std::string out;
  core::JsonWriter w(out, core::JsonStyle::compact);
  std::size_t failed = 0;
  for (const auto& r : results) failed += std::holds_alternative<EntryError>(r);
  w.begin_object();
  w.key("FailedEntryCount");
  w.number(static_cast<std::int64_t>(failed));
  w.key("Entries");
  w.begin_array();
  for (const auto& r : results) {
    w.begin_object();
    if (const auto* id = std::get_if<std::string>(&r)) {
      w.field("EventId", *id);
    } else {
      const auto& error = std::get<EntryError>(r);
      w.field("ErrorCode", error.code);
      w.field("ErrorMessage", error.message);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace relay::bus
