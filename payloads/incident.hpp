#pragma once
// The incident payload of the AWS DevOps Agent generic webhook (seed 001 field set):
// eventType, incidentId, action, priority, title, description, timestamp, service,
// data.metadata — written in that order, in the seed's json.dumps style.
#include "relay/core/json_writer.hpp"
#include "relay/core/object_reader.hpp"

#include <string>
#include <string_view>

namespace relay::payloads {

struct Incident {
  std::string incident_id;
  std::string_view action;    // created | updated | closed | resolved
  std::string_view priority;  // CRITICAL | HIGH | MEDIUM | LOW | MINIMAL
  std::string title;
  std::string description;
  std::string timestamp;
  std::string service;
};

// Reads the `priority` option every incident handler takes (default HIGH).
std::string_view read_priority(core::ObjectReader& options);

// Writes everything up to and including the opening brace of data.metadata.
void write_incident_head(core::JsonWriter& w, const Incident& incident);
// Closes data.metadata, data and the incident.
void write_incident_tail(core::JsonWriter& w);

// Appends the incident to `out`; `metadata(JsonWriter&)` writes the fields of data.metadata.
template <class WriteMetadata>
void write_incident(std::string& out, const Incident& incident, WriteMetadata&& metadata) {
  core::JsonWriter w(out);
  write_incident_head(w, incident);
  metadata(w);
  write_incident_tail(w);
}

}  // namespace relay::payloads
