#pragma once
// Validates a pattern and multiplies out its `$or`s into a Disjunction.
#include "relay/pattern/limits.hpp"
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/pattern.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <unordered_map>

namespace relay::pattern {

// How each pattern number a double cannot hold was written, by its path in the pattern
// (`detail.id[0]`); the pattern value holds the nearest double there.
using NumberSpellings = std::unordered_map<std::string, std::string>;

// On success fills `out`; else returns one line `path: problem`.
//
// Like event-ruler (GenericMachine.addRule), a pattern its `$or` rules refuse is read again
// with `$or` as an ordinary key; when that fails too, the first reading's error is returned.
std::optional<PatternError> parse_pattern(const boost::json::value& pattern, const NumberSpellings& spellings,
                                          const Limits& limits, Disjunction& out);

}  // namespace relay::pattern
