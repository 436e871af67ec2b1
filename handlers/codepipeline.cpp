#include "handlers/codepipeline.hpp"

#include "handlers/description.hpp"
#include "payloads/incident.hpp"
#include "relay/core/json_access.hpp"

#include <boost/json/object.hpp>

#include <algorithm>

namespace relay::handlers {

namespace json = boost::json;
using core::object_at;
using core::string_at;

namespace {

constexpr std::string_view kPipeline = "CodePipeline Pipeline Execution State Change";
constexpr std::string_view kStage = "CodePipeline Stage Execution State Change";
constexpr std::string_view kAction = "CodePipeline Action Execution State Change";

class CodePipeline final : public Handler {
 public:
  CodePipeline(std::string_view priority, std::vector<std::string> states)
      : priority_(priority), states_(std::move(states)) {}

  // Pipeline and action levels: one incident per failed execution, and one per failed
  // action with its summary. Stage events repeat both and are handled when routed.
  std::string default_pattern() const override {
    return R"({"source": ["aws.codepipeline"], "detail-type": [")" + std::string(kPipeline) + R"(", ")" +
           std::string(kAction) + R"("], "detail": {"state": [)" + json_string_list(states_) + "]}}";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    const auto type = event.detail_type;
    if (type != kPipeline && type != kStage && type != kAction)
      return Skip{"not a CodePipeline execution state change (detail-type \"" + std::string(type) + "\")"};
    const auto& d = event.detail;
    const std::string_view state = string_at(d, "state");
    if (std::find(states_.begin(), states_.end(), state) == states_.end())
      return Skip{"state " + std::string(state) + " is not one that notifies"};

    const std::string_view pipeline = string_at(d, "pipeline", "Unknown");
    const std::string_view execution = string_at(d, "execution-id");
    const std::string_view stage = string_at(d, "stage");
    const std::string_view action = string_at(d, "action");
    const auto& result = object_at(d, "execution-result");
    const std::string_view summary = string_at(result, "external-execution-summary");
    const std::string_view error_code = string_at(result, "error-code");
    const std::string_view url = string_at(result, "external-execution-url");
    const std::string_view provider = string_at(object_at(d, "type"), "provider");

    payloads::Incident incident;
    incident.action = "created";
    incident.priority = priority_;
    incident.incident_id = std::string(pipeline) + "-" + std::string(execution);
    std::string what = "pipeline " + std::string(pipeline);
    if (type != kPipeline) {
      incident.incident_id += "-" + std::string(stage);
      what = "stage " + std::string(stage) + " of " + what;
    }
    if (type == kAction) {
      incident.incident_id += "-" + std::string(action);
      what = "action " + std::string(action) + " in " + what;
    }
    incident.title = "CodePipeline " + std::string(state) + ": " + what;
    incident.description = "CodePipeline " + what + " " + std::string(state);
    add_line(incident.description, "Pipeline", pipeline);
    add_line(incident.description, "Execution", execution);
    add_line(incident.description, "Stage", stage);
    add_line(incident.description, "Action", action);
    add_line(incident.description, "Provider", provider);
    add_line(incident.description, "State", state);
    add_line(incident.description, "Summary", summary);
    add_line(incident.description, "Error code", error_code);
    add_line(incident.description, "Details", url);
    add_line(incident.description, "AWS Account", event.account);
    add_line(incident.description, "Region", event.region);
    incident.timestamp = event.time;
    incident.service = pipeline;

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("pipeline", pipeline);
      w.field("executionId", execution);
      w.field("stage", stage);
      w.field("action", action);
      w.field("state", state);
      w.field("detailType", type);
      w.key("executionResult");
      w.value(result);
      w.field("region", event.region);
      w.field("accountId", event.account);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
  std::vector<std::string> states_;
};

}  // namespace

std::unique_ptr<Handler> make_codepipeline(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  auto states = o.choices("states", {"FAILED"},
                          {"STARTED", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "SUPERSEDED", "CANCELED", "RESUMED",
                           "ABANDONED"});
  o.reject_unknown();
  return std::make_unique<CodePipeline>(priority, std::move(states));
}

}  // namespace relay::handlers
