// Events per second of match_json over the lines of a JSON Lines file held in memory, for each pattern
// set of shared/bench-data/patterns.json plus exact1000 (a 1,000-pattern set: exact10 and
// 990 generated lot numbers), with the per-pattern match counts.
//
// usage: relay_bench_pattern_sets EVENTS.jsonl PATTERNS.json [ROUNDS=5] [SET...]
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/tally.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using relay::pattern::Matcher;
using relay::pattern::MatcherBuilder;

std::string read_file(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::cerr << path << ": cannot read\n";
    std::exit(2);
  }
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

struct PatternSet {
  std::string name;
  std::vector<std::string> patterns;
};

std::vector<PatternSet> load_sets(const std::string& text) {
  std::vector<PatternSet> sets;
  const boost::json::value parsed = boost::json::parse(text);
  for (const auto& [name, list] : parsed.as_object()) {
    PatternSet set{std::string(name), {}};
    for (const auto& pattern : list.as_array()) set.patterns.emplace_back(pattern.as_string());
    sets.push_back(std::move(set));
  }
  const auto exact10 = std::find_if(sets.begin(), sets.end(), [](const PatternSet& s) { return s.name == "exact10"; });
  if (exact10 != sets.end()) {
    PatternSet big{"exact1000", exact10->patterns};
    for (int i = 0; big.patterns.size() < 1000; ++i) {
      char lot[16];
      std::snprintf(lot, sizeof lot, "%04d%03d", 1 + (i * 7919) % 7599, 1 + (i * 31) % 60);
      big.patterns.push_back(std::string(R"({"properties": {"MAPBLKLOT": [")") + lot + "\"]}}");
    }
    sets.push_back(std::move(big));
  }
  return sets;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " EVENTS.jsonl PATTERNS.json [ROUNDS=5] [SET...]\n";
    return 2;
  }
  const std::string events = read_file(argv[1]);
  const auto lines = relay::pattern::split_lines(events);
  const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  const std::vector<std::string> only(argv + std::min(argc, 4), argv + argc);

  for (const PatternSet& set : load_sets(read_file(argv[2]))) {
    if (!only.empty() && std::find(only.begin(), only.end(), set.name) == only.end()) continue;
    MatcherBuilder builder;
    for (std::size_t i = 0; i < set.patterns.size(); ++i) {
      if (const auto error = builder.add(static_cast<std::uint32_t>(i), set.patterns[i])) {
        std::cerr << set.name << "[" << i << "]: " << error->message() << "\n";
        return 2;
      }
    }
    const Matcher matcher = std::move(builder).build();
    std::vector<double> rates;
    relay::pattern::Tally tally;
    for (int r = 0; r < rounds; ++r) {
      const auto start = std::chrono::steady_clock::now();
      tally = relay::pattern::tally_lines(matcher, set.patterns.size(), lines);
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      rates.push_back(static_cast<double>(tally.events) / took.count());
    }
    std::sort(rates.begin(), rates.end());
    std::string counts = relay::pattern::tally_json(tally);
    if (set.patterns.size() > 20) counts = "(" + std::to_string(set.patterns.size()) + " counts omitted)";
    std::printf("%-20s median %9.0f events/s  best %9.0f  %s\n", set.name.c_str(), rates[rates.size() / 2],
                rates.back(), counts.c_str());
    std::fflush(stdout);
  }
  return 0;
}
