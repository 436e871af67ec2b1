#pragma once
// EventBridge event patterns (event-ruler 2.x semantics), compiled into one matcher
// over all patterns. Pure: no I/O, no clock.
#include <boost/json/fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

struct Limits {
  std::size_t max_pattern_chars = 2048;  // the EventBridge quota
};

class Matcher;

// Collects patterns, validates each when added, then compiles them all into a Matcher.
class MatcherBuilder {
 public:
  explicit MatcherBuilder(Limits limits = {});
  ~MatcherBuilder();
  MatcherBuilder(MatcherBuilder&&) noexcept;
  MatcherBuilder& operator=(MatcherBuilder&&) noexcept;

  // Adds the pattern text under `id`. On an invalid pattern returns one line naming the
  // path inside the pattern and the problem, e.g. `detail.state[0]: unknown operator "prefx"`
  // (an empty path for the top level), and adds nothing.
  std::optional<std::string> add(std::uint32_t id, std::string_view pattern_json);

  // Same, for a pattern already parsed.
  std::optional<std::string> add(std::uint32_t id, const boost::json::value& pattern);

  Matcher build() &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Immutable and safe to share between threads once built.
class Matcher {
 public:
  Matcher();
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Replaces `out` with the ids of every pattern the event matches, ascending, each once.
  void match(const boost::json::value& event, std::vector<std::uint32_t>& out) const;

  // Same, reading the event from JSON text; returns false (and `out` empty) when the text
  // is not valid JSON.
  bool match_json(std::string_view event_json, std::vector<std::uint32_t>& out) const;

  bool empty() const;

 private:
  friend class MatcherBuilder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::pattern
