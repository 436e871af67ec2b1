// A pattern and an event (fields: pattern JSON, event JSON). A pattern the parser accepts
// compiles; matching the parsed event and its JSON text give the same verdict, and for small
// inputs the same verdict as the reference matcher of the pattern tests.
#include "relay/pattern/matcher.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "tests/pattern/reference_matcher.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace json = boost::json;
using namespace relay::pattern;

namespace {

constexpr std::uint32_t kId = 7;

// The reference backtracks over wildcards and rescans the event for `exists: false`:
// ask it only where that stays cheap.
bool reference_is_cheap(std::string_view pattern, std::string_view event) {
  return event.size() <= 1024 && std::count(pattern.begin(), pattern.end(), '*') <= 2;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parts = relay::fuzz::fields(relay::fuzz::as_text(data, size), 2);
  const std::string_view pattern_text = parts[0], event_text = parts[1];

  MatcherBuilder builder;
  const auto error = builder.add(kId, pattern_text);
  if (error) RELAY_FUZZ_CHECK(!error->problem.empty());
  const Matcher matcher = std::move(builder).build();
  RELAY_FUZZ_CHECK(matcher.empty() == error.has_value());

  std::vector<std::uint32_t> from_text;
  const bool read = matcher.match_json(event_text, from_text);
  RELAY_FUZZ_CHECK(from_text.empty() || from_text == std::vector<std::uint32_t>{kId});
  if (!read) RELAY_FUZZ_CHECK(from_text.empty());

  boost::system::error_code ec;
  const json::value event = json::parse(event_text, ec);
  if (ec) return 0;
  std::vector<std::uint32_t> from_value;
  matcher.match(event, from_value);
  // Against the value's own text: the fuzzed text may repeat a key, which the two readers
  // resolve differently, or spell a number Boost.JSON reads a unit in the last place off.
  // Boost writes a double beyond range as Infinity, and reads 0e400 as NaN and writes it so:
  // neither is JSON, so there is no text to compare.
  const auto beyond_double = [](const std::string& text) {
    return text.find("Infinity") != std::string::npos || text.find("NaN") != std::string::npos;
  };
  // Boost writes large and small doubles in exponent form (2.000000000000001E16 for
  // 20000000000000010.0), a spelling the event never had; relay's numeric reading of such
  // spellings near its range limits differs from the double's (known, to settle with exact
  // number decoding): only texts without one are compared.
  const auto exponent_spelling = [](const std::string& text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i)
      if (std::isdigit(static_cast<unsigned char>(text[i])) && (text[i + 1] == 'E' || text[i + 1] == 'e') &&
          (std::isdigit(static_cast<unsigned char>(text[i + 2])) || text[i + 2] == '-' || text[i + 2] == '+'))
        return true;
    return false;
  };
  const std::string canonical = json::serialize(event);
  std::vector<std::uint32_t> from_canonical_text;
  if (!beyond_double(canonical) && !exponent_spelling(canonical)) {
    RELAY_FUZZ_CHECK(matcher.match_json(canonical, from_canonical_text));
    RELAY_FUZZ_CHECK(from_value == from_canonical_text);
  }

  if (error || !reference_is_cheap(pattern_text, event_text)) return 0;
  // The reference reads the pattern with Boost.JSON, which refuses some numbers relay
  // reads (an exponent past its range on a zero): those it cannot judge.
  const json::value pattern = json::parse(pattern_text, ec);
  if (ec) return 0;
  // Nor numbers past double's range: Boost reads 9e992 and 9e27370496 as the same infinity,
  // though they are different numbers (relay tells them apart).
  if (beyond_double(canonical) || beyond_double(json::serialize(pattern))) return 0;
  RELAY_FUZZ_CHECK(relay::pattern::testing::reference_matches(pattern, event) == !from_value.empty());
  return 0;
}
