#include "handlers/devramps.hpp"

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

class DevRamps final : public Handler {
 public:
  DevRamps(std::string_view priority, std::vector<std::string> notify) : priority_(priority), notify_(std::move(notify)) {}

  std::string default_pattern() const override {
    return R"({"source": ["devramps"], "detail-type": [)" + json_string_list(notify_) + "]}";
  }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    if (event.source != "devramps")
      return Skip{"not a DevRamps event (source \"" + std::string(event.source) + "\")"};
    if (std::find(notify_.begin(), notify_.end(), event.detail_type) == notify_.end())
      return Skip{"\"" + std::string(event.detail_type) + "\" is not a detail type that notifies"};

    const auto& d = event.detail;
    const auto& pipeline = object_at(d, "pipeline");
    const std::string_view pipeline_name = string_at(pipeline, "name", string_at(pipeline, "slug", "Unknown"));
    const std::string_view stage = string_at(object_at(d, "stage"), "name");
    const std::string_view step = string_at(object_at(d, "step"), "name");
    const std::string_view cause = string_at(d, "cause");
    const auto& commit = object_at(d, "commit");
    const std::string_view dashboard = string_at(d, "dashboardUrl");
    const std::string_view when = string_at(d, "timestamp", event.time);
    std::string commit_text(string_at(commit, "id"));
    if (auto message = string_at(commit, "message"); !message.empty()) commit_text += " " + std::string(message);

    payloads::Incident incident;
    incident.incident_id = "devramps-" + std::string(string_at(pipeline, "slug", pipeline_name)) + "-" +
                           std::string(stage) + "-" + std::string(when);
    incident.action = "created";
    incident.priority = priority_;
    incident.title = "DevRamps " + std::string(event.detail_type) + ": " + std::string(pipeline_name) +
                     (stage.empty() ? "" : " / " + std::string(stage));
    incident.description = "DevRamps " + std::string(event.detail_type);
    add_line(incident.description, "Pipeline", pipeline_name);
    add_line(incident.description, "Stage", stage);
    add_line(incident.description, "Step", step);
    add_line(incident.description, "Cause", cause);
    add_line(incident.description, "Commit", commit_text);
    add_line(incident.description, "Organization", string_at(object_at(d, "organization"), "slug"));
    add_line(incident.description, "Dashboard", dashboard);
    incident.timestamp = when;
    incident.service = pipeline_name;

    payloads::write_incident(body, incident, [&](core::JsonWriter& w) {
      w.field("detailType", event.detail_type);
      w.field("eventType", string_at(d, "eventType"));
      w.key("pipeline");
      w.value(pipeline);
      w.field("stage", stage);
      w.field("step", step);
      w.field("cause", cause);
      w.key("commit");
      w.value(commit);
      w.field("dashboardUrl", dashboard);
    });
    return std::nullopt;
  }

 private:
  std::string_view priority_;
  std::vector<std::string> notify_;
};

}  // namespace

std::unique_ptr<Handler> make_devramps(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  auto priority = payloads::read_priority(o);
  auto notify = o.choices("notify", {"Stage Failed", "Ephemeral Deployment Failed", "Stage Auto Rolled Back"},
                          {"Stage Started", "Stage Succeeded", "Stage Failed", "Approval Required",
                           "Stage Auto Rolled Back", "Stage Rolled Back", "Stage Rolled Forward", "Step Started",
                           "Step Succeeded", "Step Skipped", "Ephemeral Environment Claimed",
                           "Ephemeral Environment Released", "Ephemeral Deployment Succeeded",
                           "Ephemeral Deployment Failed"});
  o.reject_unknown();
  return std::make_unique<DevRamps>(priority, std::move(notify));
}

}  // namespace relay::handlers
