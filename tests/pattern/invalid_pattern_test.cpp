// Invalid patterns are refused at add() with one line naming the place and the problem.
#include "relay/pattern/matcher.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace relay::pattern {
namespace {

struct Invalid {
  std::string pattern;
  std::string message;
};

void PrintTo(const Invalid& c, std::ostream* os) { *os << c.pattern; }

std::string nested_ors(int count) {
  std::string text = "{";
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += ",";
    text += "\"k" + std::to_string(i) + R"(": {"$or": [{"a": ["1"]}, {"b": ["2"]}]})";
  }
  return text + "}";
}

const Invalid kInvalid[] = {
    {R"([])", "a pattern must be a JSON object"},
    {R"("x")", "a pattern must be a JSON object"},
    {R"({})", "empty object"},
    {R"({"a": "x"})", "a: expected a list of values or an object"},
    {R"({"a": 5})", "a: expected a list of values or an object"},
    {R"({"a": null})", "a: expected a list of values or an object"},
    {R"({"a": []})", "a: empty list"},
    {R"({"a": {}})", "a: empty object"},
    {R"({"detail": {"state": [{"prefx": "a"}]}})", R"(detail.state[0]: unknown operator "prefx")"},
    {R"({"a": ["x", [1]]})", "a[1]: a list inside a list is not allowed"},
    {R"({"a": [{}]})", "a[0]: empty object"},
    {R"({"a": [{"prefix": "a", "suffix": "b"}]})", "a[0]: expected exactly one operator, found 2"},
    {R"({"a": [{"prefix": 5}]})", R"(a[0].prefix: expected a string or {"equals-ignore-case": string})"},
    {R"({"a": [{"prefix": {"equals-ignore-case": 5}}]})", "a[0].prefix.equals-ignore-case: expected a string"},
    {R"({"a": [{"suffix": ["x"]}]})", R"(a[0].suffix: expected a string or {"equals-ignore-case": string})"},
    {R"({"a": [{"equals-ignore-case": ["x"]}]})", "a[0].equals-ignore-case: expected a string"},
    {R"({"a": [{"anything-but": ["x", 1]}]})", "a[0].anything-but: a list mixes strings and numbers"},
    {R"({"a": [{"anything-but": [1, "x"]}]})", "a[0].anything-but: a list mixes strings and numbers"},
    {R"({"a": [{"anything-but": []}]})", "a[0].anything-but: empty list"},
    {R"({"a": [{"anything-but": null}]})",
     "a[0].anything-but: expected a string, a number, a list of them, or an object"},
    {R"({"a": [{"anything-but": true}]})",
     "a[0].anything-but: expected a string, a number, a list of them, or an object"},
    {R"({"a": [{"anything-but": [true]}]})", "a[0].anything-but[0]: expected a string or a number"},
    {R"({"a": [{"anything-but": {"prefx": "x"}}]})", R"(a[0].anything-but: unknown operator "prefx")"},
    {R"({"a": [{"anything-but": {"numeric": [">", 1]}}]})", R"(a[0].anything-but: unknown operator "numeric")"},
    {R"({"a": [{"anything-but": {}}]})", "a[0].anything-but: empty object"},
    {R"({"a": [{"anything-but": {"prefix": 5}}]})", "a[0].anything-but.prefix: expected a string or a list of strings"},
    {R"({"a": [{"anything-but": {"suffix": ["x", 5]}}]})", "a[0].anything-but.suffix[1]: expected a string"},
    {R"({"a": [{"anything-but": {"prefix": []}}]})", "a[0].anything-but.prefix: empty list"},
    {R"({"a": [{"anything-but": {"wildcard": "a**"}}]})", R"(a[0].anything-but.wildcard: consecutive "*" are not allowed)"},
    {R"({"a": [{"anything-but": {"wildcard": ["a*", "b\\c"]}}]})", R"(a[0].anything-but.wildcard[1]: bad escape "\c")"},
    {R"({"a": [{"wildcard": "a**b"}]})", R"(a[0].wildcard: consecutive "*" are not allowed)"},
    {R"({"a": [{"wildcard": "a\\xb"}]})", R"(a[0].wildcard: bad escape "\x")"},
    {R"({"a": [{"wildcard": "ab\\"}]})", "a[0].wildcard: unfinished escape at the end"},
    {R"({"a": [{"wildcard": "*a*a*a*a*a*a*a*a*"}]})", R"(a[0].wildcard: more than 8 "*" in one wildcard)"},
    {R"({"a": [{"wildcard": 5}]})", "a[0].wildcard: expected a string"},
    {R"({"a": [{"cidr": "10.0.0.0/33"}]})", R"(a[0].cidr: malformed CIDR "10.0.0.0/33")"},
    {R"({"a": [{"cidr": "10.0.0/8"}]})", R"(a[0].cidr: malformed CIDR "10.0.0/8")"},
    {R"({"a": [{"cidr": "10.0.0.0"}]})", R"(a[0].cidr: malformed CIDR "10.0.0.0")"},
    {R"({"a": [{"cidr": "10.0.0.1/32"}]})", R"(a[0].cidr: malformed CIDR "10.0.0.1/32")"},
    {R"({"a": [{"cidr": "::1/128"}]})", R"(a[0].cidr: malformed CIDR "::1/128")"},
    {R"({"a": [{"cidr": "::ffff:a00:0/104"}]})", R"(a[0].cidr: malformed CIDR "::ffff:a00:0/104")"},
    {R"({"a": [{"cidr": "::ffff:10.0.0.0/120"}]})", R"(a[0].cidr: malformed CIDR "::ffff:10.0.0.0/120")"},
    {R"({"a": [{"cidr": "10.0.0.0/-8"}]})", R"(a[0].cidr: malformed CIDR "10.0.0.0/-8")"},
    {R"({"a": [{"cidr": "10.0.0.0/8/"}]})", R"(a[0].cidr: malformed CIDR "10.0.0.0/8/")"},
    {R"({"a": [{"cidr": "2001:db8:::/32"}]})", R"(a[0].cidr: malformed CIDR "2001:db8:::/32")"},
    {R"({"a": [{"cidr": "::/129"}]})", R"(a[0].cidr: malformed CIDR "::/129")"},
    {R"({"a": [{"cidr": "1:2:3:4:5:6:7:8:9/64"}]})", R"(a[0].cidr: malformed CIDR "1:2:3:4:5:6:7:8:9/64")"},
    {R"({"a": [{"cidr": "fe80::1%eth0/64"}]})", R"(a[0].cidr: malformed CIDR "fe80::1%eth0/64")"},
    {R"({"a": [{"cidr": 10}]})", "a[0].cidr: expected a string"},
    {R"({"a": [{"numeric": [">", 5, "<", 3]}]})", "a[0].numeric: range bottom 5 is not below its top 3"},
    {R"({"a": [{"numeric": [">=", 5, "<=", 5]}]})", "a[0].numeric: range bottom 5 is not below its top 5"},
    {R"({"a": [{"numeric": ["<", 5, ">", 3]}]})", "a[0].numeric[2]: the lower bound (> or >=) must come first"},
    {R"({"a": [{"numeric": ["<", 1, "<", 2]}]})", "a[0].numeric[2]: two upper bounds"},
    {R"({"a": [{"numeric": ["=>", 5]}]})", R"(a[0].numeric[0]: unknown comparison "=>")"},
    {R"({"a": [{"numeric": [">", "5"]}]})", "a[0].numeric[1]: expected a number"},
    {R"({"a": [{"numeric": [5, 1]}]})", "a[0].numeric[0]: expected a comparison (=, <, <=, >, >=)"},
    {R"({"a": [{"numeric": ["=", 1, "<", 2]}]})", R"(a[0].numeric[0]: "=" cannot be combined with another comparison)"},
    {R"({"a": [{"numeric": [">"]}]})",
     R"(a[0].numeric: expected a comparison and a number, or two of each, e.g. [">", 0, "<=", 5])"},
    {R"({"a": [{"numeric": 5}]})",
     R"(a[0].numeric: expected a comparison and a number, or two of each, e.g. [">", 0, "<=", 5])"},
    {R"({"a": [{"exists": "yes"}]})", "a[0].exists: expected true or false"},
    {R"({"a": [{"exactly": 33}]})", "a[0].exactly: expected a string"},
    {R"({"$or": [{"a": ["x"]}]})", "$or: expected a list of at least two objects"},
    {R"({"$or": []})", "$or: expected a list of at least two objects"},
    {R"({"$or": [{"a": ["x"]}, {"b": {"prefix": ["y"]}}]})",
     R"($or[1].b.prefix: "prefix" is an operator, not a field name, inside $or)"},
    {R"({"$or": [{"numeric": [">", 0]}, {"b": ["x"]}]})",
     R"($or[0].numeric: "numeric" is an operator, not a field name, inside $or)"},
    {R"({"a": [{"anything-but": {"prefix": ""}}]})", "a[0].anything-but.prefix: an empty prefix is not allowed"},
    {R"({"a": [{"anything-but": {"suffix": ["x", ""]}}]})", "a[0].anything-but.suffix[1]: an empty suffix is not allowed"},
    {R"({"$or": [{"a": ["x"]}, "b"]})", "$or[1]: expected an object"},
    {R"({"$or": [{"a": ["x"]}, {}]})", "$or[1]: empty object"},
    {R"({"detail": {"$or": [{"a": ["x"]}, {"b": [{"prefx": 1}]}]}})", R"(detail.$or[1].b[0]: unknown operator "prefx")"},
    {nested_ors(11), "k10: $or expands to more than 1024 alternatives"},
    {R"({"a": [{"numeric": ["=", 0.30000000000000001]}]})",
     "a[0].numeric[1]: number 0.30000000000000001 is not exactly representable as a double"},
    {R"({"a": [{"numeric": ["<", 9007199254740993]}]})",
     "a[0].numeric[1]: number 9007199254740993 is not exactly representable as a double"},
    {R"({"a": [{"numeric": [">", 0, "<", 1e400]}]})", "a[0].numeric[3]: number 1e400 is not exactly representable as a double"},
    {R"({"a": [{"anything-but": [1, 0.30000000000000001]}]})",
     "a[0].anything-but[1]: number 0.30000000000000001 is not exactly representable as a double"},
    {R"({"a": [{"numeric": [">", 1e-400]}]})", "a[0].numeric[1]: number 1e-400 is not exactly representable as a double"},
    {R"({"a": [{"anything-but": 12345678901234567890}]})",
     "a[0].anything-but: number 12345678901234567890 is not exactly representable as a double"},
    {R"({"a": [1,]})", "not valid JSON (at offset 9)"},
    {R"({"a": ["x"]} x)", "not valid JSON (at offset 13)"},
    {R"({"a": ["x)", "not valid JSON (at offset 9)"},
    {"{\"a\": [\"" + std::string(2100, 'x') + "\"]}", "pattern has 2111 characters, more than the limit of 2048"},
};

class InvalidPattern : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidPattern, IsRefusedWithItsMessage) {
  MatcherBuilder builder;
  const auto error = builder.add(1, GetParam().pattern);
  ASSERT_TRUE(error) << GetParam().pattern;
  EXPECT_EQ(error->message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidPattern, ::testing::ValuesIn(kInvalid),
                         [](const ::testing::TestParamInfo<Invalid>& info) { return "case" + std::to_string(info.index); });

TEST(InvalidPattern, AddsNothing) {
  MatcherBuilder builder;
  ASSERT_TRUE(builder.add(1, R"({"a": ["x"], "b": [{"prefx": "y"}]})"));
  const Matcher matcher = std::move(builder).build();
  EXPECT_TRUE(matcher.empty());
  std::vector<std::uint32_t> out;
  ASSERT_TRUE(matcher.match_json(R"({"a": "x", "b": "y"})", out));
  EXPECT_TRUE(out.empty());
}

TEST(InvalidPattern, ParsedValueWithAnInexactInteger) {
  MatcherBuilder builder;
  const boost::json::value bound = {{"a", {{{"numeric", boost::json::array{">", 9007199254740993LL}}}}}};
  EXPECT_EQ(builder.add(1, bound).value().message(),
            "a[0].numeric[1]: number 9007199254740993 is not exactly representable as a double");
  const boost::json::value spelled = {{"a", boost::json::array{9007199254740993LL, 2.5}}};
  EXPECT_FALSE(builder.add(1, spelled));
}

TEST(InvalidPattern, ParsedValueOverTheLimit) {
  MatcherBuilder builder(Limits{.max_pattern_chars = 10});
  const boost::json::value pattern = {{"abc", boost::json::array{"defg"}}};
  EXPECT_EQ(builder.add(1, pattern).value().message(), "pattern has 16 characters, more than the limit of 10");
}

TEST(InvalidPattern, LimitsAreConfigurable) {
  MatcherBuilder builder(Limits{.max_pattern_chars = 4096, .max_wildcard_stars = 2, .max_alternatives = 2});
  EXPECT_FALSE(builder.add(1, "{\"a\": [\"" + std::string(3000, 'x') + "\"]}"));
  EXPECT_EQ(builder.add(1, R"({"a": [{"wildcard": "*a*b*"}]})").value().message(), R"(a[0].wildcard: more than 2 "*" in one wildcard)");
  EXPECT_EQ(builder.add(1, nested_ors(2)).value().message(), "k1: $or expands to more than 2 alternatives");
}

}  // namespace
}  // namespace relay::pattern
