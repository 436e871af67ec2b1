#pragma once
// The values an event holds at the fields some pattern names, with where each one sits
// among the event's arrays.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

// `spelled_number`: a number a double cannot hold (number_spelling.hpp), matched by its text.
enum class ValueKind : std::uint8_t { string, number, spelled_number, true_value, false_value, null };

// Element `index` of the event's `array`-th array (numbered in reading order).
struct ArrayPosition {
  std::uint32_t array;
  std::uint32_t index;
};

struct FieldValue {
  std::uint32_t field;
  ValueKind kind;
  double number = 0;
  std::string_view text;  // for strings and spelled numbers
  // The array elements containing the object that holds this value, outermost first, as
  // a range of EventFields::positions. Arrays directly holding the value do not count: two
  // fields only conflict when they sit in objects in different elements of one array.
  std::uint32_t positions_begin = 0;
  std::uint32_t positions_end = 0;
};

struct EventFields {
  std::vector<FieldValue> values;
  std::vector<ArrayPosition> positions;
  std::string decoded;  // strings that had escapes, which FieldValue::text then views
  // Spelled numbers of a parsed event, written out for FieldValue::text to view.
  std::deque<std::string> spellings;

  void clear() {
    values.clear();
    positions.clear();
    decoded.clear();
    spellings.clear();
  }
};

}  // namespace relay::pattern
