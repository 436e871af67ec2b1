#pragma once
// CloudWatch alarm state change -> incident, for both the EventBridge envelope and the
// alarm-action shape (the decoder normalises the latter). ALARM -> created; OK -> resolved
// with the ALARM's incidentId when `resolve_on_ok` is set, else skipped;
// INSUFFICIENT_DATA -> skipped. Options: priority, resolve_on_ok.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_cloudwatch_alarm(const HandlerArgs& args);

}  // namespace relay::handlers
