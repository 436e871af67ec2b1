// `relay match`: tests EventBridge patterns against one event, or counts their matches over
// a JSON Lines file (like `aws events test-event-pattern`, but local and in bulk).
#include "relay/cli/commands.hpp"
#include "relay/cli/option_values.hpp"
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/tally.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay::cli {
namespace {

struct MatchOptions {
  std::string events;              // a JSON Lines file, or empty for one event
  std::vector<std::string> files;  // PATTERN.json EVENT.json, or with --events the patterns
};

// Adds each pattern file under its position; false (with the error printed) on the first
// unreadable or invalid one.
bool add_patterns(const std::vector<std::string>& paths, pattern::MatcherBuilder& builder) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto text = file_from_option("relay match", paths[i]);
    if (!text) return false;
    if (const auto error = builder.add(static_cast<std::uint32_t>(i), *text)) {
      std::cerr << paths[i] << ": " << error->message() << "\n";
      return false;
    }
  }
  return true;
}

int match_one_event(const std::string& pattern_path, const std::string& event_path) {
  pattern::MatcherBuilder builder;
  if (!add_patterns({pattern_path}, builder)) return 2;
  const auto event = file_from_option("relay match", event_path);
  if (!event) return 2;
  const pattern::Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> matched;
  if (!matcher.match_json(*event, matched)) {
    std::cerr << event_path << ": not JSON\n";
    return 2;
  }
  std::cout << (matched.empty() ? "false" : "true") << "\n";
  return 0;
}

int count_matches(const std::string& events_path, const std::vector<std::string>& pattern_paths) {
  pattern::MatcherBuilder builder;
  if (!add_patterns(pattern_paths, builder)) return 2;
  const auto events = file_from_option("relay match", events_path);
  if (!events) return 2;
  const pattern::Matcher matcher = std::move(builder).build();
  const auto lines = pattern::split_lines(*events);

  const auto start = std::chrono::steady_clock::now();
  const pattern::Tally tally = pattern::tally_lines(matcher, pattern_paths.size(), lines);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  std::cout << pattern::tally_json(tally) << "\n";
  for (const auto line : tally.bad_lines) std::cerr << events_path << ":" << line << ": not JSON\n";
  const double seconds = std::max(took.count(), 1e-9);
  std::cerr << std::llround(static_cast<double>(lines.size()) / seconds) << " events/s\n";
  return tally.bad_lines.empty() ? 0 : 1;
}

}  // namespace

void add_match_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MatchOptions>();
  CLI::App* command = app.add_subcommand(
      "match", "Print whether an event matches an EventBridge pattern, or count matches per pattern over a JSON Lines file");
  command->add_option("--events", options->events,
                      "EVENTS.jsonl: one JSON event per line (plain text, not gzip); every FILE is then a pattern");
  command->add_option("files", options->files, "PATTERN.json EVENT.json, or with --events PATTERN.json...")
      ->required()
      ->type_name("FILE");
  command->callback([options, &exit_code] {
    if (!options->events.empty()) {
      exit_code = count_matches(options->events, options->files);
    } else if (options->files.size() == 2) {
      exit_code = match_one_event(options->files[0], options->files[1]);
    } else {
      std::cerr << "relay match: expected PATTERN.json EVENT.json, or --events EVENTS.jsonl PATTERN.json...\n";
      exit_code = 2;
    }
  });
}

}  // namespace relay::cli
