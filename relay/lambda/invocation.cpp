#include "relay/lambda/invocation.hpp"

#include "relay/core/base64.hpp"

#include <algorithm>
#include <cctype>

namespace relay::lambda {

namespace json = boost::json;

namespace {

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

bool is_alarm_action(const json::object& o) { return !o.contains("detail-type") && o.contains("alarmData"); }
bool is_envelope(const json::object& o) { return o.contains("detail-type") && o.contains("source"); }

bool is_sqs_batch(const json::object& o) {
  const auto* records = o.if_contains("Records");
  if (!records || !records->is_array() || records->get_array().empty()) return false;
  return std::all_of(records->get_array().begin(), records->get_array().end(), [](const json::value& r) {
    return r.is_object() && string_at(r.get_object(), "eventSource") == "aws:sqs";
  });
}

bool is_http_event(const json::object& o) {
  const auto* context = object_at(o, "requestContext");
  return context && object_at(*context, "http") && string_at(o, "version") == "2.0";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Shape classify(const json::value& payload) {
  if (const auto* list = payload.if_array()) {
    const bool events = !list->empty() && std::all_of(list->begin(), list->end(), [](const json::value& v) {
      return v.is_object() && (is_envelope(v.get_object()) || is_alarm_action(v.get_object()));
    });
    return events ? Shape::event_list : Shape::unknown;
  }
  const auto* o = payload.if_object();
  if (!o) return Shape::unknown;
  if (is_sqs_batch(*o)) return Shape::sqs_batch;
  if (is_http_event(*o)) return Shape::http_event;
  if (is_alarm_action(*o)) return Shape::alarm_action;
  if (is_envelope(*o)) return Shape::eventbridge_event;
  return Shape::unknown;
}

std::string_view shape_name(Shape shape) {
  switch (shape) {
    case Shape::alarm_action: return "CloudWatch alarm action";
    case Shape::eventbridge_event: return "EventBridge event";
    case Shape::event_list: return "list of events";
    case Shape::sqs_batch: return "SQS batch";
    case Shape::http_event: return "HTTP event";
    case Shape::unknown: break;
  }
  return "unknown payload";
}

std::vector<SqsMessage> sqs_messages(const json::object& payload) {
  std::vector<SqsMessage> out;
  for (const auto& r : payload.at("Records").get_array()) {
    const auto& record = r.get_object();
    out.push_back({std::string(string_at(record, "messageId")), std::string(string_at(record, "body"))});
  }
  return out;
}

std::string_view HttpEvent::header(std::string_view name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::variant<HttpEvent, std::string> http_event(const json::object& payload) {
  const auto& http = *object_at(*object_at(payload, "requestContext"), "http");
  HttpEvent event;
  event.method = string_at(http, "method");
  event.target = string_at(payload, "rawPath");
  if (event.target.empty()) event.target = string_at(http, "path");
  if (const auto query = string_at(payload, "rawQueryString"); !query.empty()) event.target += "?" + std::string(query);
  if (const auto* headers = object_at(payload, "headers"))
    for (const auto& [name, value] : *headers)
      if (value.is_string()) event.headers[lower(name)] = value.get_string();
  const std::string_view body = string_at(payload, "body");
  const auto* base64 = payload.if_contains("isBase64Encoded");
  if (base64 && base64->is_bool() && base64->get_bool()) {
    auto decoded = core::base64_decode(body);
    if (!decoded) return std::string("isBase64Encoded is true but body is not base64");
    event.body = std::move(*decoded);
  } else {
    event.body = body;
  }
  return event;
}

std::string describe_payload(const json::value& payload) {
  constexpr std::size_t kMaxKeys = 10;
  constexpr std::size_t kMaxKeyLength = 40;
  switch (payload.kind()) {
    case json::kind::object: break;
    case json::kind::array: return "a JSON array of " + std::to_string(payload.get_array().size()) + " items";
    case json::kind::string: return "a JSON string";
    case json::kind::bool_: return "a JSON boolean";
    case json::kind::null: return "JSON null";
    default: return "a JSON number";
  }
  const auto& o = payload.get_object();
  if (o.empty()) return "an empty JSON object";
  std::string out = "a JSON object with keys ";
  std::size_t shown = 0;
  for (const auto& [key, value] : o) {
    if (shown == kMaxKeys) {
      out += ", ... (" + std::to_string(o.size()) + " in all)";
      break;
    }
    if (shown++) out += ", ";
    std::string_view k = key;
    out += "\"" + std::string(k.substr(0, kMaxKeyLength)) + (k.size() > kMaxKeyLength ? "...\"" : "\"");
  }
  return out;
}

}  // namespace relay::lambda
