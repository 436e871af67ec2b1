#include "relay/core/event.hpp"

#include "relay/core/content_id.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace relay::core {

namespace json = boost::json;

namespace {

const json::object& empty_object() {
  static const json::object empty;
  return empty;
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

std::string join_path(std::string_view prefix, std::string_view key) {
  std::string p(prefix);
  if (!p.empty()) p.push_back('.');
  p.append(key);
  return p;
}

std::string_view string_or_empty(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

// Checks that `key` is present with kind `want` (when `required`) or absent.
std::optional<InputError> check_field(const json::object& o, std::string_view prefix, std::string_view key,
                                      json::kind want, bool required) {
  auto it = o.find(key);
  const std::string_view want_name = want == json::kind::string   ? "a string"
                                     : want == json::kind::object ? "an object"
                                                                  : "an array";
  if (it == o.end()) {
    if (!required) return std::nullopt;
    return InputError{join_path(prefix, key), "missing (expected " + std::string(want_name) + ")"};
  }
  if (it->value().kind() != want)
    return InputError{join_path(prefix, key),
                      "expected " + std::string(want_name) + ", got " + std::string(kind_name(it->value()))};
  return std::nullopt;
}

std::optional<InputError> first_error(std::initializer_list<std::optional<InputError>> checks) {
  for (const auto& c : checks)
    if (c) return c;
  return std::nullopt;
}

bool is_alarm_action(const json::object& o) { return !o.contains("detail-type") && o.contains("alarmData"); }

std::optional<InputError> validate_alarm_action(const json::object& o, std::string_view p) {
  return first_error({check_field(o, p, "source", json::kind::string, true),
                      check_field(o, p, "alarmData", json::kind::object, true),
                      check_field(o, p, "alarmArn", json::kind::string, false),
                      check_field(o, p, "accountId", json::kind::string, false),
                      check_field(o, p, "time", json::kind::string, false),
                      check_field(o, p, "region", json::kind::string, false)});
}

std::optional<InputError> validate_envelope(const json::object& o, std::string_view p) {
  return first_error({check_field(o, p, "source", json::kind::string, true),
                      check_field(o, p, "detail-type", json::kind::string, true),
                      check_field(o, p, "detail", json::kind::object, true),
                      check_field(o, p, "id", json::kind::string, false),
                      check_field(o, p, "time", json::kind::string, false),
                      check_field(o, p, "account", json::kind::string, false),
                      check_field(o, p, "region", json::kind::string, false),
                      check_field(o, p, "resources", json::kind::array, false)});
}

std::optional<InputError> validate_event(const json::value& v, std::string_view p) {
  if (!v.is_object())
    return InputError{std::string(p), "expected an event object, got " + std::string(kind_name(v))};
  const auto& o = v.get_object();
  return is_alarm_action(o) ? validate_alarm_action(o, p) : validate_envelope(o, p);
}

// The alarm-action shape as the envelope EventBridge would have sent for the same change.
json::value envelope_from_alarm_action(json::object& action) {
  const auto& state = action["alarmData"].get_object().contains("state")
                          ? action["alarmData"].get_object()["state"]
                          : json::value();
  auto state_field = [&](std::string_view k) {
    return state.is_object() ? string_or_empty(state.get_object(), k) : std::string_view{};
  };
  const std::string_view arn = string_or_empty(action, "alarmArn");
  json::object env(action.storage());
  env.reserve(9);
  env["version"] = "0";
  env["id"] = content_id({"alarm-action", arn, state_field("value"), state_field("timestamp")});
  env["detail-type"] = "CloudWatch Alarm State Change";
  env["source"] = std::move(action["source"]);
  env["account"] = string_or_empty(action, "accountId");
  env["time"] = string_or_empty(action, "time");
  env["region"] = string_or_empty(action, "region");
  json::array resources(action.storage());
  if (!arn.empty()) resources.emplace_back(arn);
  env["resources"] = std::move(resources);
  env["detail"] = std::move(action["alarmData"]);
  return env;
}

void normalise(json::value& v) {
  auto& o = v.get_object();
  if (is_alarm_action(o)) {
    v = envelope_from_alarm_action(o);
    return;
  }
  // An empty id is no id: kept, every such event would share one dedupe key.
  if (string_or_empty(o, "id").empty()) o["id"] = content_id({"envelope", json::serialize(v)});
}

InputError syntax_error(std::string_view body, std::size_t offset, const boost::system::error_code& ec) {
  offset = std::min(offset, body.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string what = ec == json::error::too_deep ? "nesting too deep"
                     // Boost.JSON reports bad UTF-8 as a plain syntax error; say what it is.
                     : ec == json::error::syntax && offset < body.size() && static_cast<unsigned char>(body[offset]) >= 0x80
                         ? "invalid JSON: invalid UTF-8"
                         : "invalid JSON: " + ec.message();
  return InputError{"line " + std::to_string(line) + ", column " + std::to_string(column), std::move(what)};
}

}  // namespace

Event Event::view(const json::value& v) {
  const auto& o = v.get_object();
  auto detail = o.find("detail");
  return Event{o,
               string_or_empty(o, "id"),
               string_or_empty(o, "source"),
               string_or_empty(o, "detail-type"),
               string_or_empty(o, "time"),
               string_or_empty(o, "account"),
               string_or_empty(o, "region"),
               detail != o.end() && detail->value().is_object() ? detail->value().get_object() : empty_object()};
}

struct EventDecoder::Impl {
  explicit Impl(DecodeLimits limits) : parser(json::storage_ptr(), options(limits)) {}

  static json::parse_options options(DecodeLimits limits) {
    json::parse_options opt;
    opt.max_depth = limits.max_depth;
    return opt;
  }

  json::parser parser;
};

EventDecoder::EventDecoder(DecodeLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
EventDecoder::~EventDecoder() = default;

std::optional<InputError> EventDecoder::decode(std::string_view body, std::vector<json::value>& out,
                                               json::storage_ptr sp) {
  auto& parser = impl_->parser;
  parser.reset(sp);
  boost::system::error_code ec;
  std::size_t used = parser.write(body.data(), body.size(), ec);
  if (ec) return syntax_error(body, used, ec);
  json::value root = parser.release();

  if (root.is_object()) {
    if (auto err = validate_event(root, "")) return err;
    normalise(root);
    out.push_back(std::move(root));
    return std::nullopt;
  }
  if (!root.is_array())
    return InputError{"", "expected an event object or an array of events, got " + std::string(kind_name(root))};
  auto& events = root.get_array();
  if (events.empty()) return InputError{"", "an empty array holds no events"};
  for (std::size_t i = 0; i < events.size(); ++i)
    if (auto err = validate_event(events[i], "[" + std::to_string(i) + "]")) return err;
  for (auto& e : events) {
    normalise(e);
    out.push_back(std::move(e));
  }
  return std::nullopt;
}

}  // namespace relay::core
