#include "handlers/cloudwatch_alarm.hpp"

#include "payloads/incident.hpp"
#include "relay/core/json_access.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace relay::handlers {

namespace json = boost::json;
using core::array_at;
using core::object_at;
using core::string_at;

namespace {

// One line per metric: "Metric: ns/name" with its dimensions, or the math expression,
// appended in place. For a single-metric alarm this is exactly the seed's metric_info.
void append_metric_lines(std::string& out, const json::array& metrics) {
  for (const auto& m : metrics) {
    if (!m.is_object()) continue;
    const auto& metric = m.get_object();
    if (auto expr = string_at(metric, "expression"); !expr.empty()) {
      out.append("\nExpression ").append(string_at(metric, "id"));
      if (auto label = string_at(metric, "label"); !label.empty()) out.append(" (").append(label).append(")");
      out.append(": ").append(expr);
      continue;
    }
    const auto& stat = object_at(object_at(metric, "metricStat"), "metric");
    out.append("\nMetric: ").append(string_at(stat, "namespace")).append("/").append(string_at(stat, "name"));
    if (const auto& dims = object_at(stat, "dimensions"); !dims.empty())
      out.append("\nDimensions: ").append(core::python_dict_repr(dims));
  }
}

class CloudWatchAlarm final : public Handler {
 public:
  CloudWatchAlarm(std::string_view priority, bool resolve_on_ok) : priority_(priority), resolve_on_ok_(resolve_on_ok) {}

  std::string default_pattern() const override {
    return R"({"source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"]})";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    if (event.detail_type != "CloudWatch Alarm State Change")
      return Skip{"not a CloudWatch alarm state change (detail-type \"" + std::string(event.detail_type) + "\")"};
    const auto& detail = event.detail;
    const auto& state = object_at(detail, "state");
    const std::string_view new_state = string_at(state, "value", "ALARM");
    const std::string_view alarm_name = string_at(detail, "alarmName", "Unknown");
    const std::string_view timestamp = string_at(state, "timestamp", event.time);

    payloads::Incident incident;
    incident.priority = priority_;
    if (new_state == "ALARM") {
      incident.action = "created";
      incident.incident_id.append(alarm_name).append("-").append(timestamp);
    } else if (new_state == "OK" && resolve_on_ok_) {
      const auto& previous = object_at(detail, "previousState");
      if (string_at(previous, "value") != "ALARM")
        return Skip{"alarm went to OK from " + std::string(string_at(previous, "value", "an unknown state")) +
                    ", not from ALARM: no incident to resolve"};
      incident.action = "resolved";
      incident.incident_id.append(alarm_name).append("-").append(string_at(previous, "timestamp"));
    } else if (new_state == "OK") {
      return Skip{"alarm state is OK and resolve_on_ok is off"};
    } else {
      return Skip{"alarm state is " + std::string(new_state) + ", not ALARM"};
    }

    const auto& configuration = object_at(detail, "configuration");
    const std::string_view reason = string_at(state, "reason");
    const std::string_view alarm_description = string_at(configuration, "description");
    const std::string_view alarm_rule = string_at(configuration, "alarmRule");
    const auto& metrics = array_at(configuration, "metrics");
    const auto& resources = array_at(event.envelope, "resources");
    const std::string_view alarm_arn =
        !resources.empty() && resources[0].is_string() ? std::string_view(resources[0].get_string()) : "";

    // Built by appending in place: the strings are the seed's, without a temporary per piece.
    incident.title.append("CloudWatch Alarm: ").append(alarm_name);
    std::string& description = incident.description;
    description.reserve(512);
    description.append("CloudWatch Alarm: ").append(alarm_name).append("\nAWS Account: ").append(event.account);
    description.append("\nRegion: ").append(event.region).append("\nState: ").append(new_state);
    description.append("\nReason: ").append(reason);
    if (!alarm_description.empty()) description.append("\nDescription: ").append(alarm_description);
    if (!alarm_rule.empty()) description.append("\nAlarm rule: ").append(alarm_rule);
    append_metric_lines(description, metrics);
    incident.timestamp = timestamp;
    incident.service = alarm_name;

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("alarmName", alarm_name);
      w.field("region", event.region);
      w.field("accountId", event.account);
      w.field("newState", new_state);
      w.field("reason", reason);
      w.field("alarmArn", alarm_arn);
      w.key("metrics");
      w.value(metrics);
      if (!alarm_rule.empty()) w.field("alarmRule", alarm_rule);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
  bool resolve_on_ok_;
};

}  // namespace

std::unique_ptr<Handler> make_cloudwatch_alarm(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  bool resolve_on_ok = o.boolean("resolve_on_ok", false);
  o.reject_unknown();
  return std::make_unique<CloudWatchAlarm>(priority, resolve_on_ok);
}

}  // namespace relay::handlers
