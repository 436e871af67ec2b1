#pragma once
// EventBridge event patterns (event-ruler 2.x semantics), compiled into one matcher
// over all patterns. Pure: no I/O, no clock.
//
// Semantics where the documentation leaves a choice:
// - Fields are ANDed and the values in a list ORed; an event array matches when any element
//   does, and fields under one event array must be satisfied by the same element. A key is
//   one key: {"a.b": [...]} does not reach {"a": {"b": ...}}.
// - Comparison is typed: "5" is not 5, "null" is not null, "" is not null. Numbers a double
//   holds are compared by value (300 = 3e2 = 300.0), with no range limit; a number a double
//   cannot hold matches only the same spelling and never numeric (number_spelling.hpp). A
//   parsed event keeps the digits of integers only.
// - anything-but holds for a scalar value that no excluded test passes (so anything-but
//   "x" holds for 5, true and null, and anything-but {"prefix": "x"} for 5); a missing field,
//   [] or an object has no value and fails it.
// - exists: true holds for any scalar, null included; exists: false holds when the path
//   holds no scalar anywhere in the event (missing, [], or an object).
// - equals-ignore-case: each pattern character stands for its Java lower or upper case
//   (case_fold.hpp).
// - $or: a list of two or more objects naming fields, else "$or" is an ordinary key; a later
//   condition on a path replaces an earlier one in a branch (pattern_parser.hpp).
// - cidr: IPv4 blocks hold IPv4 addresses and IPv6 blocks IPv6 ones, read as Java reads them
//   (ip_address.hpp).
// - Limits (limits.hpp) bound pattern size, stars per wildcard and $or expansion.
#include "relay/pattern/limits.hpp"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

class Matcher;

// A refused pattern: where inside it (`detail.state[0]`, empty for the pattern as a whole)
// and what is wrong.
struct PatternError {
  std::string path;
  std::string problem;

  std::string message() const { return path.empty() ? problem : path + ": " + problem; }
};

// Collects patterns, validates each when added, then compiles them all into a Matcher.
class MatcherBuilder {
 public:
  explicit MatcherBuilder(Limits limits = {});
  ~MatcherBuilder();
  MatcherBuilder(MatcherBuilder&&) noexcept;
  MatcherBuilder& operator=(MatcherBuilder&&) noexcept;

  // Adds the pattern text under `id`. On an invalid pattern returns one line naming the
  // path inside the pattern and the problem, e.g. `detail.state[0]: unknown operator "prefx"`
  // (only the problem at the top level), and adds nothing. Patterns added under the same id
  // are ORed.
  std::optional<PatternError> add(std::uint32_t id, std::string_view pattern_json);
  // A string literal is pattern text (boost::json::value would take it as a JSON string).
  std::optional<PatternError> add(std::uint32_t id, const char* pattern_json) {
    return add(id, std::string_view(pattern_json));
  }

  // Same, for a pattern already parsed.
  std::optional<PatternError> add(std::uint32_t id, const boost::json::value& pattern);

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
  // Time is linear in the event's size (times its array nesting), also when several pattern
  // fields meet under one long array of objects.
  void match(const boost::json::value& event, std::vector<std::uint32_t>& out) const;

  // Same, reading the event from JSON text and skipping, unbuilt but validated, every
  // subtree no pattern names; returns false (and `out` empty) when the text is not JSON.
  bool match_json(std::string_view event_json, std::vector<std::uint32_t>& out) const;

  bool empty() const;

 private:
  friend class MatcherBuilder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::pattern
