#pragma once
// Reads a pattern's JSON text, keeping how each number a double cannot hold was written
// (number_spelling.hpp), which boost::json would lose.
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/pattern_parser.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace relay::pattern {

// On success fills `out` and `spellings` and returns nothing; else one line `path: problem`.
std::optional<PatternError> read_pattern_text(std::string_view text, boost::json::value& out,
                                              NumberSpellings& spellings);

}  // namespace relay::pattern
