#pragma once
// Reads a pattern's JSON text, refusing numbers a double cannot hold.
//
// The rule: a pattern number is accepted when the shortest decimal that converts to the same
// double has the same value as the number written, i.e. writing it lost no digits and did not
// overflow. "0.1", "3e2" and "-122.42916360922355" pass; "0.30000000000000001",
// "9007199254740993" and "1e400" are refused.
#include "relay/pattern/matcher.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace relay::pattern {

// On success fills `out` and returns nothing; else one line `path: problem`.
std::optional<PatternError> read_pattern_text(std::string_view text, boost::json::value& out);

// Whether `token`, a JSON number, survives the round trip described above.
bool number_is_exact(std::string_view token);

}  // namespace relay::pattern
