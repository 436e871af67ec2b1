#include "handlers/ecs_task.hpp"

#include "payloads/incident.hpp"
#include "relay/core/json_access.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace relay::handlers {

namespace json = boost::json;
using core::array_at;
using core::string_at;
using core::value_at;

namespace {

std::string_view last_segment(std::string_view arn) { return arn.substr(arn.rfind('/') + 1); }

std::string container_lines(const json::array& containers) {
  std::string out;
  for (const auto& c : containers) {
    if (!c.is_object()) continue;
    const auto& container = c.get_object();
    out += "\n - " + std::string(string_at(container, "name", "Unknown")) + ": " +
           std::string(string_at(container, "lastStatus", "Unknown"));
    if (const auto* exit_code = value_at(container, "exitCode"); exit_code && !exit_code->is_null())
      out += " (exit code " + core::python_str(*exit_code) + ")";
    if (auto reason = string_at(container, "reason"); !reason.empty())
      out += " (Reason: " + std::string(reason) + ")";
  }
  return out;
}

class EcsTask final : public Handler {
 public:
  explicit EcsTask(std::string_view priority) : priority_(priority) {}

  std::string default_pattern() const override {
    return R"({"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], )"
           R"("detail": {"lastStatus": ["STOPPED"], "stoppedReason": [{"exists": true}]}})";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    if (event.detail_type != "ECS Task State Change")
      return Skip{"not an ECS task state change (detail-type \"" + std::string(event.detail_type) + "\")"};
    const auto& detail = event.detail;
    const std::string_view last_status = string_at(detail, "lastStatus");
    if (last_status != "STOPPED") return Skip{"task lastStatus is " + std::string(last_status) + ", not STOPPED"};

    const std::string_view task_arn = string_at(detail, "taskArn", "Unknown");
    const std::string_view cluster_arn = string_at(detail, "clusterArn", "Unknown");
    const std::string_view stopped_reason = string_at(detail, "stoppedReason");
    const std::string_view stop_code = string_at(detail, "stopCode");
    const std::string_view stopped_at = string_at(detail, "stoppedAt", event.time);
    const auto& containers = array_at(detail, "containers");
    const std::string task_id(last_segment(task_arn));

    payloads::Incident incident;
    incident.incident_id = task_id + "-" + std::string(stopped_at);
    incident.action = "created";
    incident.priority = priority_;
    incident.title = "ECS Task Failed: " + task_id;
    incident.description = "ECS Task Failed\nTask: " + std::string(task_arn) + "\nCluster: " +
                           std::string(cluster_arn) + "\nStatus: " + std::string(last_status) +
                           "\nReason: " + std::string(stopped_reason);
    if (!stop_code.empty()) incident.description += "\nStop code: " + std::string(stop_code);
    if (auto lines = container_lines(containers); !lines.empty()) incident.description += "\nContainers:" + lines;
    incident.timestamp = stopped_at;
    incident.service = last_segment(cluster_arn);

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("taskArn", task_arn);
      w.field("clusterArn", cluster_arn);
      w.field("lastStatus", last_status);
      w.field("desiredStatus", string_at(detail, "desiredStatus"));
      w.field("stoppedReason", stopped_reason);
      w.field("stopCode", stop_code);
      w.key("containers");
      w.value(containers);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
};

}  // namespace

std::unique_ptr<Handler> make_ecs_task(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  o.reject_unknown();
  return std::make_unique<EcsTask>(priority);
}

}  // namespace relay::handlers
