#pragma once
// event-ruler's array consistency for one conjunction: whether each of its fields can take
// one of its matching values so that the values inside one event array all sit in the same
// element. Fed the matching values in descending reading order, it decides in time linear
// in their number times their array depth. Pure; one instance per thread.
#include "relay/pattern/event_fields.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace relay::pattern {

class ArrayConsistency {
 public:
  // Starts a conjunction whose fields are numbered from 0 to `fields` - 1.
  void begin(std::uint32_t fields);

  // A value at `path` (a FieldValue's array positions) matches `field`. Values come in
  // descending reading order (same value for several fields is fine); returns false once
  // the conjunction can no longer hold.
  bool add(std::span<const ArrayPosition> path, std::uint32_t field);

  // Whether the conjunction holds, counting only the fields that got a value.
  bool holds();

 private:
  // An open element of an array, with that array, on the way from the root to the last value.
  struct Level {
    ArrayPosition element;
    std::uint32_t element_fields = 0;  // distinct fields with values inside the element
    bool element_consistent = true;    // every array inside it can serve all its fields
    std::uint32_t array_fields = 0;    // distinct fields with values inside the array so far
    std::uint32_t best_element = 0;    // most fields inside one consistent element so far
  };

  void start_element(Level& level, ArrayPosition element);
  void end_element(Level& level);
  // Ends the innermost open array; false when the root can no longer hold.
  bool end_array();
  void count(std::span<const ArrayPosition> path, std::uint32_t field);

  std::vector<Level> open_;
  std::vector<std::span<const ArrayPosition>> last_path_;  // per field: its previous value's
  bool root_consistent_ = true;
};

}  // namespace relay::pattern
