#include "relay/pattern/array_consistency.hpp"

#include <algorithm>

// The arrays and elements holding the values form a tree, and a choice of values is
// consistent when, in every array, all chosen values lie in one element. A key holds one
// value, so a field's values inside one object lie all at that object or all under one of
// its arrays. Hence an array can serve its fields exactly when one of its elements holds
// values of as many distinct fields as the whole array and is itself consistent, and an
// element is consistent when every array inside it can serve. (A key repeated in one
// object, which only JSON text can express, breaks the premise; the check can then only be
// stricter, never looser.)
//
// Values arrive in reverse reading order, in which the values inside an element or an array
// come together, so a level once left is never entered again, and a field's previous value
// shares with the current one exactly the levels that have counted the field already.

namespace relay::pattern {
namespace {

bool same(ArrayPosition a, ArrayPosition b) { return a.array == b.array && a.index == b.index; }

std::size_t shared_levels(std::span<const ArrayPosition> a, std::span<const ArrayPosition> b) {
  const std::size_t limit = std::min(a.size(), b.size());
  std::size_t n = 0;
  while (n < limit && same(a[n], b[n])) ++n;
  return n;
}

}  // namespace

void ArrayConsistency::begin(std::uint32_t fields) {
  open_.clear();
  last_path_.assign(fields, {});
  root_consistent_ = true;
}

void ArrayConsistency::start_element(Level& level, ArrayPosition element) {
  level.element = element;
  level.element_fields = 0;
  level.element_consistent = true;
}

void ArrayConsistency::end_element(Level& level) {
  if (level.element_consistent) level.best_element = std::max(level.best_element, level.element_fields);
}

bool ArrayConsistency::end_array() {
  const bool serves = open_.back().best_element == open_.back().array_fields;
  open_.pop_back();
  bool& parent = open_.empty() ? root_consistent_ : open_.back().element_consistent;
  parent = parent && serves;
  return root_consistent_;
}

bool ArrayConsistency::add(std::span<const ArrayPosition> path, std::uint32_t field) {
  std::size_t kept = 0;
  while (kept < open_.size() && kept < path.size() && same(open_[kept].element, path[kept])) ++kept;
  // A value outside the levels past `kept` closes them, one on a shorter path does not: a
  // scalar directly in an array has no position in it, so it can sit between two elements.
  while (kept < path.size() && open_.size() > kept) {
    Level& innermost = open_.back();
    end_element(innermost);
    if (open_.size() == kept + 1 && kept < path.size() && innermost.element.array == path[kept].array) {
      start_element(innermost, path[kept]);
      break;
    }
    if (!end_array()) return false;
  }
  while (open_.size() < path.size()) {
    open_.emplace_back();
    start_element(open_.back(), path[open_.size() - 1]);
  }
  count(path, field);
  return true;
}

void ArrayConsistency::count(std::span<const ArrayPosition> path, std::uint32_t field) {
  const std::span<const ArrayPosition> previous = last_path_[field];
  const std::size_t counted = shared_levels(path, previous);
  for (std::size_t level = counted; level < path.size(); ++level) {
    ++open_[level].element_fields;
    const bool array_counted =
        level == counted && level < previous.size() && previous[level].array == path[level].array;
    if (!array_counted) ++open_[level].array_fields;
  }
  last_path_[field] = path;
}

bool ArrayConsistency::holds() {
  while (!open_.empty()) {
    end_element(open_.back());
    if (!end_array()) return false;
  }
  return root_consistent_;
}

}  // namespace relay::pattern
