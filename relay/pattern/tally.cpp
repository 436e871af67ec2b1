#include "relay/pattern/tally.hpp"

namespace relay::pattern {

std::vector<Line> split_lines(std::string_view jsonl) {
  std::vector<Line> lines;
  std::uint64_t number = 0;
  while (!jsonl.empty()) {
    const auto newline = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, newline);
    jsonl.remove_prefix(newline == std::string_view::npos ? jsonl.size() : newline + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back({number, line});
  }
  return lines;
}

Tally tally_lines(const Matcher& matcher, std::size_t patterns, const std::vector<Line>& lines) {
  Tally tally;
  tally.counts.assign(patterns, 0);
  std::vector<std::uint32_t> matched;
  for (const Line& line : lines) {
    if (!matcher.match_json(line.text, matched)) {
      tally.bad_lines.push_back(line.number);
      continue;
    }
    ++tally.events;
    for (const std::uint32_t id : matched) ++tally.counts[id];
  }
  return tally;
}

std::string tally_json(const Tally& tally) {
  std::string out = "{\"events\": " + std::to_string(tally.events) + ", \"counts\": [";
  for (std::size_t i = 0; i < tally.counts.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(tally.counts[i]);
  }
  return out + "]}";
}

}  // namespace relay::pattern
