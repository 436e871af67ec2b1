#pragma once
#include <cstddef>

namespace relay::pattern {

struct Limits {
  std::size_t max_pattern_chars = 2048;  // the EventBridge quota
  // Stars in one wildcard value. Matching a value costs one scan of it per star, so this
  // bounds the work a wildcard can ask for (event-ruler also refuses consecutive stars).
  std::size_t max_wildcard_stars = 8;
  // Alternatives one pattern may expand to once every `$or` is multiplied out.
  std::size_t max_alternatives = 1024;
};

}  // namespace relay::pattern
