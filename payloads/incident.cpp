#include "payloads/incident.hpp"

namespace relay::payloads {

std::string_view read_priority(core::ObjectReader& options) {
  return options.choice("priority", "HIGH", {"CRITICAL", "HIGH", "MEDIUM", "LOW", "MINIMAL"});
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
