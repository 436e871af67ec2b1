#include "handlers/codebuild.hpp"

#include "handlers/description.hpp"
#include "payloads/incident.hpp"
#include "relay/core/json_access.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <cmath>

namespace relay::handlers {

namespace json = boost::json;
using core::array_at;
using core::object_at;
using core::string_at;
using core::value_at;

namespace {

// Build numbers may arrive as 8 or 8.0; both read "8".
std::string number_text(const json::value* v) {
  if (!v || v->is_null()) return {};
  if (v->is_double() && std::isfinite(v->get_double()) && v->get_double() == std::floor(v->get_double()) &&
      std::fabs(v->get_double()) < 1e15)
    return std::to_string(static_cast<long long>(v->get_double()));
  return core::python_str(*v);
}

// The first phase that ended in anything but SUCCEEDED, if the event lists phases.
const json::object* failed_phase(const json::object& info) {
  for (const auto& p : array_at(info, "phases")) {
    if (!p.is_object()) continue;
    auto status = string_at(p.get_object(), "phase-status");
    if (!status.empty() && status != "SUCCEEDED") return &p.get_object();
  }
  return nullptr;
}

std::string phase_text(const json::object& phase) {
  std::string out = std::string(string_at(phase, "phase-type")) + " (" +
                    std::string(string_at(phase, "phase-status")) + ")";
  std::string context;
  for (const auto& c : array_at(phase, "phase-context")) {
    if (!c.is_string() || c.get_string().empty()) continue;
    if (!context.empty()) context += "; ";
    context += c.get_string();
  }
  if (!context.empty()) out += ": " + context;
  return out;
}

class CodeBuild final : public Handler {
 public:
  CodeBuild(std::string_view priority, std::vector<std::string> statuses)
      : priority_(priority), statuses_(std::move(statuses)) {}

  std::string default_pattern() const override {
    return R"({"source": ["aws.codebuild"], "detail-type": ["CodeBuild Build State Change"], )"
           R"("detail": {"build-status": [)" + json_string_list(statuses_) + "]}}";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    if (event.detail_type != "CodeBuild Build State Change")
      return Skip{"not a CodeBuild build state change (detail-type \"" + std::string(event.detail_type) + "\")"};
    const auto& detail = event.detail;
    const std::string_view status = string_at(detail, "build-status");
    if (std::find(statuses_.begin(), statuses_.end(), status) == statuses_.end())
      return Skip{"build-status " + std::string(status) + " is not one that notifies"};

    const auto& info = object_at(detail, "additional-information");
    const std::string_view project = string_at(detail, "project-name", "Unknown");
    const std::string_view build_id = string_at(detail, "build-id");
    const std::string build_number = number_text(value_at(info, "build-number"));
    const std::string_view initiator = string_at(info, "initiator");
    const std::string_view source_version = string_at(info, "source-version");
    const std::string_view deep_link = string_at(object_at(info, "logs"), "deep-link");
    const std::string_view current_phase = string_at(detail, "current-phase");
    const json::object* phase = failed_phase(info);
    const auto slash = build_id.find("build/");

    payloads::Incident incident;
    incident.incident_id = slash == std::string_view::npos ? std::string(event.id) : std::string(build_id.substr(slash + 6));
    incident.action = "created";
    incident.priority = priority_;
    incident.title = "CodeBuild Build " + std::string(status) + ": " + std::string(project);
    incident.description = "CodeBuild Build " + std::string(status);
    add_line(incident.description, "Project", project);
    add_line(incident.description, "Build", build_id);
    add_line(incident.description, "Build number", build_number);
    add_line(incident.description, "Status", status);
    add_line(incident.description, "Failed phase", phase ? phase_text(*phase) : std::string());
    if (!phase) add_line(incident.description, "Current phase", current_phase);
    add_line(incident.description, "Initiator", initiator);
    add_line(incident.description, "Source version", source_version);
    add_line(incident.description, "Logs", deep_link);
    incident.timestamp = event.time;
    incident.service = project;

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("projectName", project);
      w.field("buildId", build_id);
      w.field("buildNumber", build_number);
      w.field("buildStatus", status);
      w.field("currentPhase", current_phase);
      w.key("failedPhase");
      if (phase)
        w.value(*phase);
      else
        w.null();
      w.field("initiator", initiator);
      w.field("sourceVersion", source_version);
      w.field("logsDeepLink", deep_link);
      w.field("region", event.region);
      w.field("accountId", event.account);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
  std::vector<std::string> statuses_;
};

}  // namespace

std::unique_ptr<Handler> make_codebuild(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  auto statuses = o.choices("statuses", {"FAILED", "STOPPED"}, {"IN_PROGRESS", "SUCCEEDED", "FAILED", "STOPPED"});
  o.reject_unknown();
  return std::make_unique<CodeBuild>(priority, std::move(statuses));
}

}  // namespace relay::handlers
