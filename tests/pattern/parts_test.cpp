// The engine's parts on their own: addresses, globs, number exactness, case folding, JSON
// validation of events, and the JSON Lines tally.
#include "relay/pattern/case_fold.hpp"
#include "relay/pattern/ip_address.hpp"
#include "relay/pattern/matcher.hpp"
#include "relay/pattern/number_spelling.hpp"
#include "relay/pattern/pattern_text.hpp"
#include "relay/pattern/tally.hpp"
#include "relay/pattern/wildcard.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <random>

namespace relay::pattern {
namespace {

std::string bytes_of(const IpAddress& a) { return std::string(a.bytes.begin(), a.bytes.begin() + a.size()); }

TEST(IpAddress, ParsesIpv4AndEveryIpv6Form) {
  EXPECT_EQ(bytes_of(*parse_ip("10.1.2.255")), std::string("\x0a\x01\x02\xff", 4));
  EXPECT_EQ(parse_ip("010.001.002.255"), parse_ip("10.1.2.255"));  // Java reads leading zeros as decimal
  const std::string loopback = std::string(15, '\0') + "\x01";
  for (const char* text : {"::1", "0:0:0:0:0:0:0:1", "0000:0000::0001"}) {
    const auto a = parse_ip(text);
    ASSERT_TRUE(a) << text;
    EXPECT_TRUE(a->v6);
    EXPECT_EQ(bytes_of(*a), loopback) << text;
  }
  EXPECT_EQ(parse_ip("2001:DB8::"), parse_ip("2001:db8:0:0:0:0:0:0"));
  EXPECT_EQ(parse_ip("1:2:3:4:5:6:7::"), parse_ip("1:2:3:4:5:6:7:0"));
  EXPECT_TRUE(parse_ip("::"));
}

TEST(IpAddress, AnIpv4MappedAddressIsItsIpv4Address) {
  EXPECT_EQ(parse_ip("::ffff:a00:1"), parse_ip("10.0.0.1"));
  EXPECT_EQ(parse_ip("0:0:0:0:0:FFFF:0A00:0001"), parse_ip("10.0.0.1"));
  EXPECT_TRUE(parse_ip("::a00:1")->v6);  // IPv4-compatible addresses stay IPv6
}

TEST(IpAddress, RefusesMalformedAddresses) {
  for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.0000000001", "::0.0.0.1", "::ffff:10.0.0.1", "1.2.3.-4", " 1.2.3.4", "1:2:3:4:5:6:7:8:9",
                           "1::2::3", ":::", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "1.2.3.4::", "fe80::1%0",
                           "1:2:3:4:5:6:7:8::"}) {
    EXPECT_FALSE(parse_ip(text)) << text;
  }
}

TEST(IpAddress, CidrMasksHostBits) {
  const auto block = parse_cidr("192.168.3.7/23");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->prefix_bits, 23u);
  EXPECT_EQ(block->network, *parse_ip("192.168.2.0"));
  EXPECT_FALSE(parse_cidr("1.2.3.4/"));
  EXPECT_FALSE(parse_cidr("1.2.3.4/x"));
  EXPECT_FALSE(parse_cidr("1.2.3.4/32"));
  EXPECT_EQ(parse_cidr("1.2.3.4/+031")->prefix_bits, 31u);
  EXPECT_TRUE(parse_cidr("::/0"));
  EXPECT_TRUE(parse_cidr("1.2.3.4/-0"));
}

TEST(Glob, ParsesPiecesAndEscapes) {
  Glob glob;
  ASSERT_FALSE(parse_glob(R"(a\*b*c\\*)", 8, glob));
  EXPECT_EQ(glob.pieces, (std::vector<std::string>{"a*b", "c\\", ""}));
  EXPECT_EQ(glob.stars(), 2u);
  EXPECT_EQ(parse_glob("*a*", 1, glob), R"(more than 1 "*" in one wildcard)");
}

TEST(Glob, MatchesLikeAShellPatternWithOnlyStars) {
  Glob glob;
  ASSERT_FALSE(parse_glob("a*aa*a", 8, glob));
  EXPECT_TRUE(glob_matches(glob, "aaaa"));
  EXPECT_TRUE(glob_matches(glob, "aaxaaxa"));
  EXPECT_FALSE(glob_matches(glob, "aaa"));
  EXPECT_FALSE(glob_matches(glob, "aaxa"));
}

TEST(NumberText, ExactWhenNoDigitIsLost) {
  for (const char* ok : {"0", "-0", "0.0", "300", "3e2", "300.0", "0.1", "1e-1", "-122.42916360922355", "37.76672168201247",
                         "9007199254740992", "1e308", "5e-324", "1.5e300", "-0.000001"}) {
    EXPECT_TRUE(number_is_exact(ok)) << ok;
  }
  for (const char* bad : {"0.30000000000000001", "9007199254740993", "1e400", "-1e400", "1e-400", "0.1000000000000000055511",
                          "12345678901234567890", "123456789012345678e3"}) {
    EXPECT_FALSE(number_is_exact(bad)) << bad;
  }
}

TEST(NumberText, AParsedIntegerFollowsTheRuleOfItsDigits) {
  EXPECT_TRUE(number_is_exact(std::int64_t{2000000000000200000}));
  EXPECT_TRUE(number_is_exact("2000000000000200000"));
  EXPECT_TRUE(number_is_exact(std::int64_t{2000000000000204000})) << "2.000000000000204e18, sixteen digits";
  EXPECT_TRUE(number_is_exact("2000000000000204000"));
  EXPECT_TRUE(number_is_exact(std::int64_t{-9007199254740992}));
  EXPECT_FALSE(number_is_exact(std::int64_t{9007199254740993}));
  EXPECT_FALSE(number_is_exact(std::uint64_t{18446744073709551615u}));
  EXPECT_FALSE(number_is_exact("18446744073709551615"));
}

TEST(CaseFold, KeysFoldEveryScript) {
  EXPECT_EQ(case_key("HeLLo 123"), "hello 123");
  EXPECT_EQ(case_key("\u00c0\u00de\u00d7\u00df"), "\u00e0\u00fe\u00d7ss");
  EXPECT_EQ(case_key("\u0100\u0139\u0178\u017d"), "\u0101\u013a\u00ff\u017e");
  EXPECT_EQ(case_key("\u0391\u03a9\u0386\u03c2"), "\u03b1\u03c9\u03ac\u03c3");
  EXPECT_EQ(case_key("\u0400\u042f"), "\u0450\u044f");
  EXPECT_EQ(case_key("\u10a0\u13a0\uab70\U00010400"), "\u2d00\uab70\uab70\U00010428");  // Georgian, Cherokee, Deseret
  EXPECT_EQ(case_key("\u65e5\u672c"), "\u65e5\u672c");
  EXPECT_EQ(case_key("a\xff" "B\xc3"), "a\xff" "b\xc3");  // bytes that are not UTF-8 stay
}

// Each pattern character stands for Java's lower or upper case of it (EqualsIgnoreCaseParser).
TEST(CaseFold, APatternCharacterIsItsLowerOrUpperCase) {
  const CaseInsensitiveText sharp_s("stra\u00dfe");
  EXPECT_TRUE(sharp_s.matches("STRASSE"));
  EXPECT_TRUE(sharp_s.matches("Stra\u00dfe"));
  EXPECT_FALSE(sharp_s.matches("strasse"));  // lower(ß) is ß and upper(ß) is SS: never "ss"
  EXPECT_FALSE(CaseInsensitiveText("strasse").matches("stra\u00dfe"));
  const CaseInsensitiveText dotted("\u0130");  // lower "i\u0307", upper itself
  EXPECT_TRUE(dotted.matches("i\u0307"));
  EXPECT_FALSE(dotted.matches("i"));
  EXPECT_TRUE(CaseInsensitiveText("\u01c5").matches("\u01c6"));  // titlecase: lower or upper, not itself
  EXPECT_FALSE(CaseInsensitiveText("\u01c5").matches("\u01c5"));
  EXPECT_TRUE(CaseInsensitiveText("\u212a").matches("k"));  // Kelvin sign
  EXPECT_FALSE(CaseInsensitiveText("\u212a").matches("K"));
  EXPECT_TRUE(CaseInsensitiveText("ab").is_prefix_of("ABc"));
  EXPECT_TRUE(CaseInsensitiveText("\u00df").is_suffix_of("maSS"));
  EXPECT_FALSE(CaseInsensitiveText("\u00df").is_suffix_of("ma"));
}

// match_json must accept exactly the texts Boost.JSON accepts, whether it reads or skips them.
TEST(EventText, ValidatesLikeBoostJson) {
  MatcherBuilder reads_everything;
  ASSERT_FALSE(reads_everything.add(1, R"({"a": [{"exists": true}], "b": {"c": [{"exists": false}]}})"));
  const Matcher reading = std::move(reads_everything).build();
  const Matcher skipping;

  const std::vector<std::string> seeds = {
      R"({"a": [1, -2.5e+3, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", true, false, null], "b": {"c": {"d": [[], {}]}}})",
      "{\"a\":\"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", \"b\": [{\"c\": 0}, {\"c\": 1e5}], \"z\": [1, {\"y\": [2]}]}",
  };
  const std::string alphabet = "{}[],:\"\\ 0123456789.eE+-tfnulrasx\x01\x80\xc3\xe9\xff";
  std::mt19937 rng(1234);
  std::vector<std::uint32_t> out;
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[round % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: text[at] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    boost::json::error_code ec;
    boost::json::parse(text, ec);
    const bool valid = !ec;
    accepted += valid;
    EXPECT_EQ(reading.match_json(text, out), valid) << text;
    EXPECT_EQ(skipping.match_json(text, out), valid) << text;
  }
  EXPECT_GT(accepted, 100);
}

TEST(EventText, RefusesTruncatedAndTrailingText) {
  const Matcher matcher;
  std::vector<std::uint32_t> out;
  for (const char* bad : {"", " ", "{", "{\"a\":1", "{\"a\":1}}", "{\"a\":1} 2", "[1,]", "{\"a\" 1}", "01", "1.", "-",
                          "\"\\ud800\"", "\"\\udc00\"", "\"\\x\"", "tru", "nul", "{\"a\":1,}", "\"a\tb\""}) {
    EXPECT_FALSE(matcher.match_json(bad, out)) << bad;
  }
  for (const char* good : {"{}", "[]", "1", "\"x\"", " {\"a\" : [ 1 , 2 ] } \n", "null"}) {
    EXPECT_TRUE(matcher.match_json(good, out)) << good;
  }
}

// Skipping keeps 64 levels in a register and spills deeper ones; reading recurses.
TEST(EventText, NestsDeeplyWhetherSkippedOrRead) {
  MatcherBuilder builder;
  ASSERT_FALSE(builder.add(1, R"({"a": [{"exists": true}]})"));
  const Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> out;
  for (const int depth : {63, 64, 65, 200}) {
    std::string mixed;
    for (int i = 0; i < depth; ++i) mixed += i % 2 ? "[" : "{\"k\": ";
    mixed += "1";
    for (int i = depth - 1; i >= 0; --i) mixed += i % 2 ? "]" : "}";
    const std::string skipped = "{\"z\": " + mixed + ", \"a\": 1}";
    EXPECT_TRUE(matcher.match_json(skipped, out)) << depth;
    EXPECT_EQ(out, std::vector<std::uint32_t>{1});
    std::string wrong = skipped;
    wrong[wrong.find(']')] = '}';
    EXPECT_FALSE(matcher.match_json(wrong, out)) << depth;

    const std::string read = "{\"a\": " + std::string(depth, '[') + "7" + std::string(depth, ']') + "}";
    EXPECT_TRUE(matcher.match_json(read, out)) << depth;
    EXPECT_EQ(out, std::vector<std::uint32_t>{1});
  }
}

TEST(Tally, CountsMatchesPerPatternAndReportsBadLines) {
  MatcherBuilder builder;
  ASSERT_FALSE(builder.add(0, R"({"a": ["x"]})"));
  ASSERT_FALSE(builder.add(1, R"({"a": [{"prefix": ""}]})"));
  ASSERT_FALSE(builder.add(2, R"({"b": [{"exists": false}]})"));
  const Matcher matcher = std::move(builder).build();
  const auto lines = split_lines("{\"a\": \"x\"}\n\n{\"a\": \"y\", \"b\": 1}\r\nnot json\n \t\n{\"c\": 1}");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1].text, R"({"a": "y", "b": 1})");
  EXPECT_EQ(lines[3].number, 6u);
  const Tally tally = tally_lines(matcher, 3, lines);
  EXPECT_EQ(tally.events, 3u);
  EXPECT_EQ(tally.counts, (std::vector<std::uint64_t>{1, 2, 2}));
  EXPECT_EQ(tally.bad_lines, (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(tally_json(tally), R"({"events": 3, "counts": [1, 2, 2]})");
}

TEST(Matcher, SamePatternIdTwiceIsAnOrAndReportedOnce) {
  MatcherBuilder builder;
  ASSERT_FALSE(builder.add(5, R"({"a": ["x"]})"));
  ASSERT_FALSE(builder.add(5, R"({"b": ["y"]})"));
  ASSERT_FALSE(builder.add(2, R"({"a": [{"prefix": "x"}]})"));
  const Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> out;
  ASSERT_TRUE(matcher.match_json(R"({"a": "x", "b": "y"})", out));
  EXPECT_EQ(out, (std::vector<std::uint32_t>{2, 5}));
  EXPECT_FALSE(matcher.match_json("{", out));
  EXPECT_TRUE(out.empty());
}

TEST(Matcher, EmptyMatcherMatchesNothing) {
  const Matcher matcher;
  EXPECT_TRUE(matcher.empty());
  std::vector<std::uint32_t> out{1};
  EXPECT_TRUE(matcher.match_json(R"({"a": 1})", out));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace relay::pattern
