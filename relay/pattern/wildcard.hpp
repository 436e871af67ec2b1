#pragma once
// The `wildcard` operator: `*` matches any run of characters, `\*` a literal star and `\\`
// a literal backslash.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

// The literal pieces between the stars: "a*b*" is {"a", "b", ""}.
struct Glob {
  std::vector<std::string> pieces;

  std::size_t stars() const { return pieces.size() - 1; }
  bool operator==(const Glob&) const = default;
};

// Refuses consecutive stars, an escape of anything but `*` or `\`, and more than `max_stars`
// stars. Returns the problem as one phrase.
std::optional<std::string> parse_glob(std::string_view text, std::size_t max_stars, Glob& out);

// Linear in the value's length for each piece: the first and last pieces are anchored and
// every middle piece is taken at its leftmost occurrence, which is exact when `*` is the
// only metacharacter.
bool glob_matches(const Glob& glob, std::string_view value);

}  // namespace relay::pattern
