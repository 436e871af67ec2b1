#include "relay/pattern/numeric_index.hpp"

#include <algorithm>
#include <cmath>

namespace relay::pattern {

void NumericIndex::build() {
  bounds_.clear();
  for (const auto& [range, id] : ranges_) {
    if (std::isfinite(range.low)) bounds_.push_back(range.low);
    if (std::isfinite(range.high)) bounds_.push_back(range.high);
  }
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());

  const auto bound_index = [this](double b) {
    return static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), b) - bounds_.begin());
  };
  const std::size_t pieces = 2 * bounds_.size() + 1;
  std::vector<std::vector<std::uint32_t>> covering(pieces);
  for (const auto& [range, id] : ranges_) {
    const std::size_t first = std::isfinite(range.low) ? 2 * bound_index(range.low) + (range.low_inclusive ? 1 : 2) : 0;
    const std::size_t last =
        std::isfinite(range.high) ? 2 * bound_index(range.high) + (range.high_inclusive ? 1 : 0) : pieces - 1;
    for (std::size_t piece = first; piece <= last && piece < pieces; ++piece) covering[piece].push_back(id);
  }
  piece_begin_.assign(1, 0);
  ids_.clear();
  for (const auto& ids : covering) {
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    piece_begin_.push_back(static_cast<std::uint32_t>(ids_.size()));
  }
}

void NumericIndex::find(double value, std::vector<std::uint32_t>& out) const {
  if (ranges_.empty()) return;
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  const auto i = static_cast<std::size_t>(at - bounds_.begin());
  const std::size_t piece = (at != bounds_.end() && *at == value) ? 2 * i + 1 : 2 * i;
  out.insert(out.end(), ids_.begin() + piece_begin_[piece], ids_.begin() + piece_begin_[piece + 1]);
}

}  // namespace relay::pattern
