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

// The same for an integer already parsed.
inline bool number_is_exact(std::int64_t i) {
  const auto d = static_cast<double>(i);
  return d < 0x1p63 && static_cast<std::int64_t>(d) == i;
}
inline bool number_is_exact(std::uint64_t u) {
  const auto d = static_cast<double>(u);
  return d < 0x1p64 && static_cast<std::uint64_t>(d) == u;
}

// `token` is a valid JSON number and `value` its nearest double (number_value).
bool number_is_exact(std::string_view token, double value);
bool number_is_exact(std::string_view token);

}  // namespace relay::pattern
