// The pattern/event/verdict table in conformance.json, written from the EventBridge and
// event-ruler documentation: each case alone, then all patterns in one matcher.
#include "reference_matcher.hpp"
#include "relay/pattern/matcher.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace relay::pattern {
namespace {

namespace json = boost::json;

struct Case {
  std::size_t index;
  std::string pattern;  // JSON text
  std::string event;    // JSON text
  bool match;
  std::string note;
  // The verdict rests on how a number is written, which a parsed event does not keep: only
  // match_json, which reads the text, is held to it.
  bool spelling;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.note; }

// A table entry is either JSON text (to keep a number's spelling) or the JSON itself.
std::string text_of(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : json::serialize(v); }

std::vector<Case> load_cases() {
  std::ifstream file(RELAY_SOURCE_DIR "/tests/pattern/conformance.json");
  std::stringstream content;
  content << file.rdbuf();
  const json::value table = json::parse(content.str());
  std::vector<Case> cases;
  for (const auto& entry : table.as_array()) {
    const auto& o = entry.as_object();
    cases.push_back({cases.size(), text_of(o.at("pattern")), text_of(o.at("event")), o.at("match").as_bool(),
                     std::string(o.at("note").as_string()), o.contains("spelling")});
  }
  return cases;
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> cases = load_cases();
  return cases;
}

class Conformance : public ::testing::TestWithParam<Case> {};

TEST_P(Conformance, VerdictFromTextValueAndReference) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.note + "\npattern: " + c.pattern + "\nevent: " + c.event);
  MatcherBuilder builder;
  const auto error = builder.add(7, c.pattern);
  ASSERT_FALSE(error) << error->message();
  const Matcher matcher = std::move(builder).build();

  std::vector<std::uint32_t> out;
  ASSERT_TRUE(matcher.match_json(c.event, out));
  EXPECT_EQ(out == std::vector<std::uint32_t>{7}, c.match) << "match_json";
  EXPECT_EQ(out.empty(), !c.match);
  if (c.spelling) return;

  const json::value event = json::parse(c.event);
  matcher.match(event, out);
  EXPECT_EQ(out == std::vector<std::uint32_t>{7}, c.match) << "match";

  EXPECT_EQ(testing::reference_matches(json::parse(c.pattern), event), c.match) << "reference";
}

INSTANTIATE_TEST_SUITE_P(Table, Conformance, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.param.index); });

TEST(ConformanceTable, HasAtLeast150Cases) { EXPECT_GE(all_cases().size(), 150u); }

// Compiled together, patterns must not disturb each other: every event's matches are
// exactly the patterns the reference says hold for it (spelling cases stay out: the
// reference sees parsed numbers).
TEST(ConformanceTable, OneMatcherForAllPatternsAgreesWithTheReference) {
  const auto& cases = all_cases();
  MatcherBuilder builder;
  std::vector<json::value> patterns;
  for (const Case& c : cases) {
    if (c.spelling) continue;
    ASSERT_FALSE(builder.add(static_cast<std::uint32_t>(patterns.size()), c.pattern));
    patterns.push_back(json::parse(c.pattern));
  }
  const Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> out;
  for (const Case& c : cases) {
    if (c.spelling) continue;
    const json::value event = json::parse(c.event);
    std::vector<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < patterns.size(); ++i) {
      if (testing::reference_matches(patterns[i], event)) expected.push_back(i);
    }
    ASSERT_TRUE(matcher.match_json(c.event, out));
    EXPECT_EQ(out, expected) << c.event;
    matcher.match(event, out);
    EXPECT_EQ(out, expected) << c.event;
  }
}

}  // namespace
}  // namespace relay::pattern
