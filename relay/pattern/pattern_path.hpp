#pragma once
// Names a place inside a pattern in errors: `detail.state[0]`, empty for the top level.
#include "relay/pattern/matcher.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace relay::pattern {

inline std::string path_key(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

inline std::string path_index(std::string_view path, std::size_t index) {
  return std::string(path) + '[' + std::to_string(index) + ']';
}

inline PatternError path_error(std::string_view path, std::string_view problem) {
  return PatternError{std::string(path), std::string(problem)};
}

}  // namespace relay::pattern
