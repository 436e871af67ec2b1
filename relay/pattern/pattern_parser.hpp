#pragma once
// Validates a pattern and multiplies out its `$or`s into a Disjunction.
#include "relay/pattern/limits.hpp"
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/pattern.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>

namespace relay::pattern {

// On success fills `out`; else returns one line `path: problem`.
std::optional<PatternError> parse_pattern(const boost::json::value& pattern, const Limits& limits, Disjunction& out);

}  // namespace relay::pattern
