#include "relay/pipeline/outcome_json.hpp"

#include "relay/core/json_writer.hpp"

namespace relay::pipeline {

void append_outcome_line(std::string& out, std::string_view file, std::string_view event_id, const Outcome& outcome,
                         const destination::DestinationSet& destinations,
                         std::chrono::system_clock::time_point signing_time, bool show_secrets) {
  core::JsonWriter w(out);
  w.begin_object();
  w.field("file", file);
  w.field("event_id", event_id);
  w.key("deliveries");
  w.begin_array();
  for (const auto& d : outcome.deliveries) {
    w.begin_object();
    w.field("route", d.route);
    w.field("handler", d.handler);
    w.field("destination", d.destination);
    const destination::Item item{{event_id, d.route, d.destination}, d.handler, d.content_type, d.body};
    const auto* dest = destinations.find(d.destination);
    const auto request = dest->request({&item, 1}, {signing_time, nullptr});
    w.key("request");
    w.begin_object();
    w.field("method", request.method);
    w.field("url", request.url);
    w.key("headers");
    w.begin_object();
    for (const auto& h : request.headers) w.field(h.name, h.secret && !show_secrets ? "<redacted>" : h.value);
    w.end_object();
    w.field("body", request.body);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.key("skipped");
  w.begin_array();
  for (const auto& s : outcome.skipped) {
    w.begin_object();
    w.field("route", s.route);
    w.field("handler", s.handler);
    w.field("reason", s.reason);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.push_back('\n');
}

void append_error_line(std::string& out, std::string_view file, std::string_view error) {
  core::JsonWriter w(out);
  w.begin_object();
  w.field("file", file);
  w.field("error", error);
  w.end_object();
  out.push_back('\n');
}

}  // namespace relay::pipeline
