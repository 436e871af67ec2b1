#include "payloads/incident.hpp"

#include <algorithm>
#include <array>

namespace relay::payloads {

namespace {
constexpr std::array<std::string_view, 4> kActions = {"created", "updated", "closed", "resolved"};
constexpr std::array<std::string_view, 5> kPriorities = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "MINIMAL"};
}  // namespace

bool is_incident_action(std::string_view a) {
  return std::find(kActions.begin(), kActions.end(), a) != kActions.end();
}

bool is_incident_priority(std::string_view p) {
  return std::find(kPriorities.begin(), kPriorities.end(), p) != kPriorities.end();
}

void write_incident_head(core::JsonWriter& w, const Incident& incident) {
  w.begin_object();
  w.field("eventType", "incident");
  w.field("incidentId", incident.incident_id);
  w.field("action", incident.action);
  w.field("priority", incident.priority);
  w.field("title", incident.title);
  w.field("description", incident.description);
  w.field("timestamp", incident.timestamp);
  w.field("service", incident.service);
  w.key("data");
  w.begin_object();
  w.key("metadata");
  w.begin_object();
}

void write_incident_tail(core::JsonWriter& w) {
  w.end_object();
  w.end_object();
  w.end_object();
}

}  // namespace relay::payloads
