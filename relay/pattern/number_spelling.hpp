#pragma once
// Whether a JSON number a pattern or an event writes is a number a double holds exactly.
//
// The rule is event-ruler's (ComparableNumber.generate): the shortest decimal that converts to
// the same double must have the value written, i.e. writing it lost no digits and did not
// overflow or underflow. "0.1", "3e2" and "-122.42916360922355" pass; "0.30000000000000001",
// "9007199254740993", "1e400" and "1e-400" do not. Such numbers match only by their spelling.
#include <cstdint>
#include <string_view>

namespace relay::pattern {

// `token` is a valid JSON number and `value` its nearest double (number_value).
bool number_is_exact(std::string_view token, double value);
bool number_is_exact(std::string_view token);

// The same rule for an integer already parsed, so that a parsed event and its text agree
// (2000000000000200000 passes: its double's shortest form is 2.0000000000002e18).
bool number_is_exact(std::int64_t i);
bool number_is_exact(std::uint64_t u);

}  // namespace relay::pattern
