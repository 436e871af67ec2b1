#pragma once
// Delivery rows and attempts as JSON objects, for the CLI and the admin API.
#include "relay/store/outbox.hpp"

#include <string>

namespace relay::store {

// {"id", "event_id", "source", "detail_type", "route", "destination", "state", "attempts",
//  "created", "updated", "next_attempt", "last_status", "last_error"}
void append_delivery_json(std::string& out, const DeliveryRow& row);

// {"attempt", "started", "latency_ms", "status", "error", "response"}
void append_attempt_json(std::string& out, const AttemptRow& attempt);

}  // namespace relay::store
