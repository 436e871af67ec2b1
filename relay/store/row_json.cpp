#include "relay/store/row_json.hpp"

#include "relay/core/json_writer.hpp"
#include "relay/core/utc_time.hpp"

namespace relay::store {

void append_delivery_json(std::string& out, const DeliveryRow& r) {
  core::JsonWriter w(out, core::JsonStyle::compact);
  w.begin_object();
  w.key("id");
  w.number(r.id);
  w.field("event_id", r.event_id);
  w.field("source", r.source);
  w.field("detail_type", r.detail_type);
  w.field("route", r.route);
  w.field("destination", r.destination);
  w.field("state", state_name(r.state));
  w.key("attempts");
  w.number(std::int64_t{r.attempts});
  w.field("created", core::format_utc_millis(r.created));
  w.field("updated", core::format_utc_millis(r.updated));
  w.field("next_attempt", core::format_utc_millis(r.next_attempt));
  w.key("last_status");
  w.number(std::int64_t{r.last_status});
  w.field("last_error", r.last_error);
  w.end_object();
}

void append_attempt_json(std::string& out, const AttemptRow& a) {
  core::JsonWriter w(out, core::JsonStyle::compact);
  w.begin_object();
  w.key("attempt");
  w.number(std::int64_t{a.attempt});
  w.field("started", core::format_utc_millis(a.started));
  w.key("latency_ms");
  w.number(static_cast<std::int64_t>(a.latency.count()));
  w.key("status");
  w.number(std::int64_t{a.status});
  w.field("error", a.error);
  w.field("response", a.response);
  w.end_object();
}

}  // namespace relay::store
