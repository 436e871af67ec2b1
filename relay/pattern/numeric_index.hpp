#pragma once
// Numeric ranges over doubles, found by the value they contain in O(log n + matches).
//
// The range ends cut the number line into points and open gaps; each piece lists the ranges
// covering it, so a lookup is one binary search.
#include "relay/pattern/pattern.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace relay::pattern {

class NumericIndex {
 public:
  void add(const NumericRange& range, std::uint32_t id) { ranges_.emplace_back(range, id); }
  // Call once after the last add and before the first find.
  void build();
  void find(double value, std::vector<std::uint32_t>& out) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<std::pair<NumericRange, std::uint32_t>> ranges_;
  std::vector<double> bounds_;  // distinct finite range ends, ascending
  // Piece 2i+1 is bounds_[i]; piece 2i is the gap below it (piece 2n the gap above all).
  std::vector<std::uint32_t> piece_begin_;  // into ids_, one per piece plus an end
  std::vector<std::uint32_t> ids_;
};

}  // namespace relay::pattern
