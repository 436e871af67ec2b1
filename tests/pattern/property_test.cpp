// The compiled matcher agrees with the reference interpreter on random patterns and events
// drawn from small vocabularies, so that values, keys and arrays collide often.
#include "reference_matcher.hpp"
#include "relay/pattern/matcher.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

namespace relay::pattern {
namespace {

namespace json = boost::json;

// How the generator nests: sizes, and how often values are arrays or objects.
struct Shape {
  int event_fields;            // per event object: below this
  int array_length;            // below this
  int array_in_10;             // event values (above the top level) that are arrays, in 10
  int object_in_10;            // and objects
  int element_object_in_10;    // array elements that are objects; the rest any value
  int pattern_fields;          // per pattern object: 1 to this
  double nested_pattern;       // chance that a pattern field is an object
};

constexpr Shape kSmallEvents{4, 4, 3, 2, 0, 2, 0.25};
// Long arrays of objects, arrays of them, and patterns naming several fields under one
// parent: event-ruler's array consistency.
constexpr Shape kArraysOfObjects{4, 8, 5, 2, 7, 3, 0.5};

class RandomJson {
 public:
  explicit RandomJson(std::uint64_t seed, Shape shape = kSmallEvents) : shape_(shape), rng_(seed) {}

  json::value event(int depth = 0) {
    json::object object;
    const int fields = below(shape_.event_fields);
    for (int i = 0; i < fields; ++i) object[pick(kKeys)] = event_value(depth);
    return object;
  }

  json::value pattern(int depth = 0) {
    json::object object;
    const int fields = 1 + below(shape_.pattern_fields);
    for (int i = 0; i < fields; ++i) {
      const std::string key = pick(kKeys);
      if (depth < 2 && chance(shape_.nested_pattern)) {
        object[key] = pattern(depth + 1);
      } else {
        object[key] = leaf();
      }
    }
    if (depth < 2 && chance(0.15)) {
      json::array alternatives;
      const int count = 2 + below(2);
      for (int i = 0; i < count; ++i) alternatives.push_back(pattern(depth + 1));
      object["$or"] = std::move(alternatives);
    }
    return object;
  }

 private:
  static inline const std::vector<std::string> kKeys = {"a", "b", "c"};
  static inline const std::vector<std::string> kStrings = {"",         "a",         "ab",  "abc", "b",   "ba",
                                                           "AB",       "Ab",        "x.png", "X.PNG", "a*b", "a\\b",
                                                           "10.0.0.1", "10.0.1.7", "::1", "\u00e9", "\u00c9"};
  static inline const std::vector<double> kNumbers = {0, 1, 1.5, 2, -1, 100, 1e3};
  // 2^53 + 1 has no double of its own: it matches only its own spelling.
  static inline const std::vector<std::int64_t> kIntegers = {0, 1, 2, -1, 100, 9007199254740992, 9007199254740993};

  int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <class T>
  const T& pick(const std::vector<T>& from) { return from[static_cast<std::size_t>(below(static_cast<int>(from.size())))]; }

  json::value scalar() {
    switch (below(6)) {
      case 0: case 1: case 2: return json::value(pick(kStrings));
      case 3: return below(2) ? json::value(pick(kNumbers)) : json::value(pick(kIntegers));
      case 4: return json::value(below(2) == 0);
      default: return nullptr;
    }
  }

  json::value event_value(int depth) {
    const int kind = below(10);
    if (kind >= shape_.array_in_10 + shape_.object_in_10 || depth >= 3) return scalar();
    if (kind < shape_.array_in_10) {
      json::array array;
      const int count = below(shape_.array_length);
      for (int i = 0; i < count; ++i) array.push_back(element(depth + 1));
      return array;
    }
    return event(depth + 1);
  }

  json::value element(int depth) {
    if (shape_.element_object_in_10 > 0 && below(10) < shape_.element_object_in_10) return event(depth);
    return below(3) == 0 ? scalar() : event_value(depth);
  }

  json::value strings_or_one(const std::vector<std::string>& pool) {
    if (below(2)) return json::value(pick(pool));
    json::array list{json::value(pick(pool))};
    if (below(2)) list.push_back(json::value(pick(pool)));
    return list;
  }

  json::value numeric() {
    static const std::vector<std::string> kOps = {"=", "<", "<=", ">", ">="};
    const double low = pick(kNumbers);
    if (below(3) == 0) {
      double high = pick(kNumbers);
      if (high <= low) high = low + 0.5;
      return json::array{below(2) ? ">" : ">=", low, below(2) ? "<" : "<=", high};
    }
    return json::array{json::value(pick(kOps)), low};
  }

  json::value condition() {
    static const std::vector<std::string> kAffixes = {"", "a", "ab", "b", "A", "png", "PNG", "\u00c9"};
    static const std::vector<std::string> kGlobs = {"a*", "*b", "a*b", "*", "*a*", "ab", "a\\*b", "a\\\\b", "*.png", "*b*a"};
    static const std::vector<std::string> kCidrs = {"10.0.0.0/24", "10.0.0.0/8", "::/0", "::1/127", "10.0.1.0/31"};
    switch (below(14)) {
      case 0: case 1: case 2: return scalar();
      case 3: return {{"prefix", pick(kAffixes)}};
      case 4: return {{"suffix", pick(kAffixes)}};
      case 5: return {{below(2) ? "prefix" : "suffix", {{"equals-ignore-case", pick(kAffixes)}}}};
      case 6: return {{"equals-ignore-case", pick(kStrings)}};
      case 7: return {{"wildcard", pick(kGlobs)}};
      case 8: return {{"numeric", numeric()}};
      case 9: return {{"exists", below(2) == 0}};
      case 10: return {{"cidr", pick(kCidrs)}};
      default: return {{"anything-but", anything_but()}};
    }
  }

  json::value anything_but() {
    switch (below(7)) {
      case 0: return json::value(pick(kStrings));
      case 1: return json::value(pick(kNumbers));
      case 2: return json::array{json::value(pick(kStrings)), json::value(pick(kStrings))};
      case 3: return json::array{json::value(pick(kNumbers)), json::value(pick(kNumbers))};
      case 4: return {{below(2) ? "prefix" : "suffix", strings_or_one({"a", "b", "ab", "x"})}};
      case 5: return {{"equals-ignore-case", strings_or_one(kStrings)}};
      default: return {{"wildcard", strings_or_one({"a*", "*b", "*"})}};
    }
  }

  json::value leaf() {
    json::array list;
    const int count = 1 + below(3);
    for (int i = 0; i < count; ++i) list.push_back(condition());
    return list;
  }

  Shape shape_;
  std::mt19937_64 rng_;
};

struct Agreement {
  std::size_t checked = 0;
  std::size_t matches = 0;
};

// Matches `events` random events against `patterns` random patterns, `rounds` times, with
// both entry points, and asserts they agree with the reference.
void expect_agreement(RandomJson& random, int rounds, std::uint32_t patterns_per_round, int events, Agreement& seen) {
  std::vector<std::uint32_t> from_text, from_value;
  for (int round = 0; round < rounds; ++round) {
    MatcherBuilder builder;
    std::vector<json::value> patterns;
    for (std::uint32_t i = 0; i < patterns_per_round; ++i) {
      json::value pattern = random.pattern();
      const auto error = i % 2 ? builder.add(i, json::serialize(pattern)) : builder.add(i, pattern);
      ASSERT_FALSE(error) << error->message() << "\n" << json::serialize(pattern);
      patterns.push_back(std::move(pattern));
    }
    const Matcher matcher = std::move(builder).build();
    for (int e = 0; e < events; ++e) {
      const json::value event = random.event();
      std::vector<std::uint32_t> expected;
      for (std::uint32_t i = 0; i < patterns_per_round; ++i) {
        if (testing::reference_matches(patterns[i], event)) expected.push_back(i);
      }
      const std::string text = json::serialize(event);
      ASSERT_TRUE(matcher.match_json(text, from_text));
      matcher.match(event, from_value);
      if (from_text != expected || from_value != expected) {
        std::string shown;
        for (const auto id : expected) shown += json::serialize(patterns[id]) + "\n";
        ASSERT_EQ(from_text, expected) << "event " << text << "\nexpected patterns:\n" << shown;
        ASSERT_EQ(from_value, expected) << "event " << text;
      }
      ++seen.checked;
      seen.matches += expected.size();
    }
  }
}

// Under the sanitizers, which slow these several times over, a quarter of the rounds: the fuzz
// target pattern_match covers the same ground there.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kRoundShare = 4;
#else
constexpr int kRoundShare = 1;
#endif

TEST(Property, CompiledMatcherAgreesWithReference) {
  RandomJson random(20240917);
  constexpr int kRounds = 1000 / kRoundShare;
  constexpr std::uint32_t kPatterns = 40;
  constexpr int kEvents = 100;
  Agreement seen;
  expect_agreement(random, kRounds, kPatterns, kEvents, seen);
  if (HasFatalFailure()) return;
  EXPECT_EQ(seen.checked, static_cast<std::size_t>(kRounds * kEvents));
  // The vocabularies are small enough that matches are common but not universal.
  EXPECT_GT(seen.matches, seen.checked);
  EXPECT_LT(seen.matches, seen.checked * kPatterns / 2);
  std::cout << "[ property ] " << seen.checked << " events x " << kPatterns << " patterns, " << seen.matches << " matches\n";
}

TEST(Property, ArrayConsistencyAgreesWithReference) {
  RandomJson random(20261129, kArraysOfObjects);
  constexpr int kRounds = 300 / kRoundShare;
  constexpr std::uint32_t kPatterns = 40;
  constexpr int kEvents = 100;
  Agreement seen;
  expect_agreement(random, kRounds, kPatterns, kEvents, seen);
  if (HasFatalFailure()) return;
  EXPECT_EQ(seen.checked, static_cast<std::size_t>(kRounds * kEvents));
  EXPECT_GT(seen.matches, seen.checked / 2);
  EXPECT_LT(seen.matches, seen.checked * kPatterns / 2);
  std::cout << "[ property ] arrays of objects: " << seen.checked << " events x " << kPatterns << " patterns, "
            << seen.matches << " matches\n";
}

}  // namespace
}  // namespace relay::pattern
