#pragma once
// Counts how many events of a JSON Lines text (one event per line, plain text, no gzip)
// each pattern matches: what `relay match --events` and the benchmark report.
#include "relay/pattern/matcher.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

struct Tally {
  std::uint64_t events = 0;                // lines that are JSON
  std::vector<std::uint64_t> counts;       // by pattern id
  std::vector<std::uint64_t> bad_lines;    // 1-based numbers of the lines that are not JSON
};

struct Line {
  std::uint64_t number;  // 1-based
  std::string_view text;
};

// The lines that are not blank, without their line ends.
std::vector<Line> split_lines(std::string_view jsonl);

// Pattern ids must be below `patterns`.
Tally tally_lines(const Matcher& matcher, std::size_t patterns, const std::vector<Line>& lines);

// `{"events": N, "counts": [n1, n2, ...]}`
std::string tally_json(const Tally& tally);

}  // namespace relay::pattern
