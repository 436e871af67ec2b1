#pragma once
// TestEventPattern: whether an event matches a pattern, by relay's matcher, as EventBridge
// answers the call. Pure; any thread.
#include "relay/bus/aws_error.hpp"
#include "relay/pattern/limits.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace relay::bus {

// The answer's body, {"Result": true|false}, for a body {"EventPattern": "<JSON text>",
// "Event": "<JSON text>"}. A pattern the matcher refuses is InvalidEventPatternException
// with the matcher's message (where in the pattern, and what); a body that is not JSON,
// members that are not strings SerializationException; a missing member, or an Event that
// is not a JSON object, ValidationException.
std::variant<std::string, AwsError> test_event_pattern(std::string_view body, const pattern::Limits& limits = {});

}  // namespace relay::bus
