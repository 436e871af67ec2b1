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

// Appends one "\n - NAME: STATUS[ (exit code N)][ (Reason: R)]" line per container.
void append_container_lines(std::string& out, const json::array& containers) {
  for (const auto& c : containers) {
    if (!c.is_object()) continue;
    const auto& container = c.get_object();
    out.append("\n - ").append(string_at(container, "name", "Unknown")).append(": ");
    out.append(string_at(container, "lastStatus", "Unknown"));
    if (const auto* exit_code = value_at(container, "exitCode"); exit_code && !exit_code->is_null())
      out.append(" (exit code ").append(core::python_str(*exit_code)).append(")");
    if (auto reason = string_at(container, "reason"); !reason.empty()) out.append(" (Reason: ").append(reason).append(")");
  }
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
    const std::string_view task_id = last_segment(task_arn);

    // Built by appending in place: the strings are the seed's, without a temporary per piece.
    payloads::Incident incident;
    incident.incident_id.append(task_id).append("-").append(stopped_at);
    incident.action = "created";
    incident.priority = priority_;
    incident.title.append("ECS Task Failed: ").append(task_id);
    std::string& description = incident.description;
    description.reserve(512);
    description.append("ECS Task Failed\nTask: ").append(task_arn).append("\nCluster: ").append(cluster_arn);
    description.append("\nStatus: ").append(last_status).append("\nReason: ").append(stopped_reason);
    if (!stop_code.empty()) description.append("\nStop code: ").append(stop_code);
    // The "Containers:" heading only when a line follows it, as the seed writes it.
    const std::size_t before_containers = description.size();
    description.append("\nContainers:");
    const std::size_t heading_end = description.size();
    append_container_lines(description, containers);
    if (description.size() == heading_end) description.resize(before_containers);
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
