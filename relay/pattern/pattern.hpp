#pragma once
// A validated pattern in disjunctive normal form: the matcher's input.
#include "relay/pattern/ip_address.hpp"
#include "relay/pattern/wildcard.hpp"

#include <string>
#include <variant>
#include <vector>

namespace relay::pattern {

struct Null {
  bool operator==(const Null&) const = default;
};

// A pattern number a double cannot hold exactly (12345678901234567890, 0.30000000000000001,
// 1e400): like event-ruler, it matches only an event number written the same way.
struct NumberSpelling {
  std::string text;
};

// A JSON scalar of a pattern; numbers a double holds are compared as doubles.
using Scalar = std::variant<Null, bool, double, std::string, NumberSpelling>;

struct Exact {
  Scalar value;
};
struct Prefix {
  std::string text;
  bool ignore_case = false;
};
struct Suffix {
  std::string text;
  bool ignore_case = false;
};
struct EqualsIgnoreCase {
  std::string text;
};
struct Wildcard {
  Glob glob;
};
struct NumericRange {
  double low;  // -infinity when open below
  double high;  // +infinity when open above
  bool low_inclusive = false;
  bool high_inclusive = false;
};
struct Cidr {
  CidrBlock block;
};

// A test one event value passes or fails on its own.
using ValueTest = std::variant<Exact, Prefix, Suffix, EqualsIgnoreCase, Wildcard, NumericRange, Cidr>;

struct Exists {
  bool present;
};
// Passes for a value that fails every excluded test.
struct AnythingBut {
  std::vector<ValueTest> excluded;
};

using Condition = std::variant<ValueTest, Exists, AnythingBut>;

// One pattern field: holds when any of its conditions holds for the values at `path`.
struct FieldConditions {
  std::vector<std::string> path;  // object keys from the event's root
  std::vector<Condition> any_of;
};

// Holds when every field holds, each satisfied by values in the same element of any array
// they share.
struct Conjunction {
  std::vector<FieldConditions> fields;
};

// A pattern matches when any of its conjunctions does.
using Disjunction = std::vector<Conjunction>;

}  // namespace relay::pattern
