#include "relay/pattern/pattern_parser.hpp"

#include "relay/pattern/number_spelling.hpp"
#include "relay/pattern/pattern_path.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace relay::pattern {
namespace {

namespace json = boost::json;

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Keys that cannot name a field inside a `$or` member (event-ruler's
// RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP, Constants.java).
bool reserved_in_or(std::string_view key) {
  static constexpr std::string_view kReserved[] = {
      "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
      "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
      "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
      "ip-address-not-in-range"};
  return std::find(std::begin(kReserved), std::end(kReserved), key) != std::end(kReserved);
}

// A later condition on a path replaces an earlier one in the same conjunction (event-ruler
// keeps one list of patterns per path and branch, the last one written).
void put(Conjunction& conjunction, const FieldConditions& field) {
  for (FieldConditions& existing : conjunction.fields) {
    if (existing.path == field.path) {
      existing = field;
      return;
    }
  }
  conjunction.fields.push_back(field);
}

std::string number_text(double d) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, d).ptr);
}

class PatternParser {
 public:
  PatternParser(const Limits& limits, const NumberSpellings& spellings, bool or_is_keyword)
      : limits_(limits), spellings_(spellings), or_is_keyword_(or_is_keyword) {}

  std::optional<PatternError> parse(const json::value& pattern, Disjunction& out) {
    if (!pattern.is_object()) return PatternError{"", "a pattern must be a JSON object"};
    if (!parse_object(pattern.get_object(), {}, "", false, out)) return error_;
    return std::nullopt;
  }

 private:
  bool fail(std::string_view where, std::string_view problem) {
    error_ = path_error(where, problem);
    return false;
  }

  // Replaces `into` with every union of one of its conjunctions and one of `with`.
  bool multiply(Disjunction& into, const Disjunction& with, std::string_view where) {
    if (into.size() * with.size() > limits_.max_alternatives) {
      return fail(where, "$or expands to more than " + std::to_string(limits_.max_alternatives) + " alternatives");
    }
    Disjunction product;
    product.reserve(into.size() * with.size());
    for (const auto& left : into) {
      for (const auto& right : with) {
        Conjunction& both = product.emplace_back(left);
        for (const FieldConditions& field : right.fields) put(both, field);
      }
    }
    into = std::move(product);
    return true;
  }

  // `in_or`: inside a `$or` member, where operator names cannot be field names.
  bool parse_object(const json::object& object, const std::vector<std::string>& keys, const std::string& where,
                    bool in_or, Disjunction& out) {
    if (object.empty()) return fail(where, "empty object");
    Disjunction result(1);
    for (const auto& member : object) {
      const std::string key(member.key());
      const std::string member_where = path_key(where, key);
      const json::value& value = member.value();
      if (key == "$or" && or_is_keyword_) {
        if (!parse_or(value, keys, member_where, result)) return false;
      } else if (in_or && reserved_in_or(key)) {
        return fail(member_where, quoted(key) + " is an operator, not a field name, inside $or");
      } else if (value.is_object()) {
        std::vector<std::string> inner = keys;
        inner.push_back(key);
        Disjunction nested;
        if (!parse_object(value.get_object(), inner, member_where, in_or, nested)) return false;
        if (!multiply(result, nested, member_where)) return false;
      } else if (value.is_array()) {
        FieldConditions field{keys, {}};
        field.path.push_back(key);
        if (!parse_leaf(value.get_array(), member_where, field.any_of)) return false;
        for (auto& conjunction : result) put(conjunction, field);
      } else {
        return fail(member_where, "expected a list of values or an object");
      }
    }
    out = std::move(result);
    return true;
  }

  bool parse_or(const json::value& value, const std::vector<std::string>& keys, const std::string& where,
                Disjunction& result) {
    if (!value.is_array() || value.get_array().size() < 2) return fail(where, "expected a list of at least two objects");
    Disjunction alternatives;
    const auto& items = value.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string item_where = path_index(where, i);
      if (!items[i].is_object()) return fail(item_where, "expected an object");
      Disjunction branch;
      if (!parse_object(items[i].get_object(), keys, item_where, true, branch)) return false;
      alternatives.insert(alternatives.end(), branch.begin(), branch.end());
    }
    return multiply(result, alternatives, where);
  }

  bool parse_leaf(const json::array& values, const std::string& where, std::vector<Condition>& out) {
    if (values.empty()) return fail(where, "empty list");
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string item_where = path_index(where, i);
      const json::value& value = values[i];
      if (value.is_array()) return fail(item_where, "a list inside a list is not allowed");
      if (value.is_object()) {
        if (!parse_operator(value.get_object(), item_where, out)) return false;
        continue;
      }
      Scalar scalar;
      if (!parse_scalar(value, item_where, scalar)) return false;
      out.emplace_back(ValueTest{Exact{std::move(scalar)}});
    }
    return true;
  }

  bool parse_scalar(const json::value& value, const std::string& where, Scalar& out) {
    if (value.is_string()) {
      out = std::string(value.get_string());
    } else if (value.is_bool()) {
      out = value.get_bool();
    } else if (value.is_null()) {
      out = Null{};
    } else {
      double d = 0;
      std::string spelling;
      if (!parse_number(value, where, d, spelling)) return false;
      if (spelling.empty()) {
        out = d;
      } else {
        out = NumberSpelling{std::move(spelling)};
      }
    }
    return true;
  }

  // Sets `inexact` to how the number was written when a double cannot hold it, else clears it.
  bool parse_number(const json::value& value, const std::string& where, double& out, std::string& inexact) {
    inexact.clear();
    if (value.is_int64()) {
      const auto i = value.get_int64();
      out = static_cast<double>(i);
      if (!number_is_exact(i)) inexact = std::to_string(i);
    } else if (value.is_uint64()) {
      const auto u = value.get_uint64();
      out = static_cast<double>(u);
      if (!number_is_exact(u)) inexact = std::to_string(u);
    } else if (value.is_double()) {
      out = value.get_double();
      if (!std::isfinite(out)) inexact = number_text(out);
    } else {
      return fail(where, "expected a number");
    }
    if (const auto spelled = spellings_.find(where); spelled != spellings_.end()) inexact = spelled->second;
    if (out == 0) out = 0;  // -0 and 0 are one value
    return true;
  }

  // Where only a number a double holds will do: numeric bounds and anything-but.
  bool parse_exact_number(const json::value& value, const std::string& where, double& out) {
    std::string inexact;
    if (!parse_number(value, where, out, inexact)) return false;
    if (!inexact.empty()) return fail(where, "number " + inexact + " is not exactly representable as a double");
    return true;
  }

  bool parse_excluded_scalar(const json::value& value, const std::string& where, Scalar& out) {
    if (value.is_string()) {
      out = std::string(value.get_string());
      return true;
    }
    double d = 0;
    if (!parse_exact_number(value, where, d)) return false;
    out = d;
    return true;
  }

  bool parse_operator(const json::object& object, const std::string& where, std::vector<Condition>& out) {
    if (object.size() != 1) {
      if (object.empty()) return fail(where, "empty object");
      return fail(where, "expected exactly one operator, found " + std::to_string(object.size()));
    }
    const auto& member = *object.begin();
    const std::string_view name = member.key();
    const json::value& arg = member.value();
    const std::string arg_where = path_key(where, name);
    if (name == "prefix" || name == "suffix") {
      std::string text;
      bool ignore_case = false;
      if (!parse_affix(arg, arg_where, text, ignore_case)) return false;
      if (name == "prefix") {
        out.emplace_back(ValueTest{Prefix{std::move(text), ignore_case}});
      } else {
        out.emplace_back(ValueTest{Suffix{std::move(text), ignore_case}});
      }
    } else if (name == "exactly") {
      if (!arg.is_string()) return fail(arg_where, "expected a string");
      out.emplace_back(ValueTest{Exact{std::string(arg.get_string())}});
    } else if (name == "equals-ignore-case") {
      if (!arg.is_string()) return fail(arg_where, "expected a string");
      out.emplace_back(ValueTest{EqualsIgnoreCase{std::string(arg.get_string())}});
    } else if (name == "wildcard") {
      ValueTest test;
      if (!parse_wildcard(arg, arg_where, test)) return false;
      out.emplace_back(std::move(test));
    } else if (name == "anything-but") {
      AnythingBut anything_but;
      if (!parse_anything_but(arg, arg_where, anything_but)) return false;
      out.emplace_back(std::move(anything_but));
    } else if (name == "numeric") {
      NumericRange range{};
      if (!parse_numeric(arg, arg_where, range)) return false;
      out.emplace_back(ValueTest{range});
    } else if (name == "exists") {
      if (!arg.is_bool()) return fail(arg_where, "expected true or false");
      out.emplace_back(Exists{arg.get_bool()});
    } else if (name == "cidr") {
      if (!arg.is_string()) return fail(arg_where, "expected a string");
      const auto block = parse_cidr(arg.get_string());
      if (!block) return fail(arg_where, "malformed CIDR " + quoted(arg.get_string()));
      out.emplace_back(ValueTest{Cidr{*block}});
    } else {
      return fail(where, "unknown operator " + quoted(name));
    }
    return true;
  }

  // `"text"` or `{"equals-ignore-case": "text"}`.
  bool parse_affix(const json::value& arg, const std::string& where, std::string& text, bool& ignore_case) {
    if (arg.is_string()) {
      text = arg.get_string();
      return true;
    }
    const json::object* object = arg.if_object();
    if (object && object->size() == 1 && object->contains("equals-ignore-case")) {
      const json::value& inner = object->at("equals-ignore-case");
      if (!inner.is_string()) return fail(path_key(where, "equals-ignore-case"), "expected a string");
      text = inner.get_string();
      ignore_case = true;
      return true;
    }
    return fail(where, R"(expected a string or {"equals-ignore-case": string})");
  }

  bool parse_wildcard(const json::value& arg, const std::string& where, ValueTest& out) {
    if (!arg.is_string()) return fail(where, "expected a string");
    Glob glob;
    if (auto problem = parse_glob(arg.get_string(), limits_.max_wildcard_stars, glob)) return fail(where, *problem);
    out = Wildcard{std::move(glob)};
    return true;
  }

  bool parse_anything_but(const json::value& arg, const std::string& where, AnythingBut& out) {
    if (arg.is_string() || arg.is_number()) {
      Scalar scalar;
      if (!parse_excluded_scalar(arg, where, scalar)) return false;
      out.excluded.emplace_back(Exact{std::move(scalar)});
      return true;
    }
    if (const json::array* list = arg.if_array()) {
      if (list->empty()) return fail(where, "empty list");
      for (std::size_t i = 0; i < list->size(); ++i) {
        const json::value& item = (*list)[i];
        const std::string item_where = path_index(where, i);
        if (!item.is_string() && !item.is_number()) return fail(item_where, "expected a string or a number");
        if (item.is_string() != (*list)[0].is_string()) return fail(where, "a list mixes strings and numbers");
        Scalar scalar;
        if (!parse_excluded_scalar(item, item_where, scalar)) return false;
        out.excluded.emplace_back(Exact{std::move(scalar)});
      }
      return true;
    }
    if (const json::object* object = arg.if_object()) return parse_anything_but_operator(*object, where, out);
    return fail(where, "expected a string, a number, a list of them, or an object");
  }

  // {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": a string or a list of strings}
  bool parse_anything_but_operator(const json::object& object, const std::string& where, AnythingBut& out) {
    if (object.size() != 1) {
      if (object.empty()) return fail(where, "empty object");
      return fail(where, "expected exactly one operator, found " + std::to_string(object.size()));
    }
    const std::string_view name = object.begin()->key();
    const json::value& arg = object.begin()->value();
    const std::string arg_where = path_key(where, name);
    if (name != "prefix" && name != "suffix" && name != "equals-ignore-case" && name != "wildcard") {
      return fail(where, "unknown operator " + quoted(name));
    }
    std::vector<std::pair<const json::value*, std::string>> items;  // each value with its path
    if (const json::array* list = arg.if_array()) {
      if (list->empty()) return fail(arg_where, "empty list");
      for (std::size_t i = 0; i < list->size(); ++i) items.emplace_back(&(*list)[i], path_index(arg_where, i));
    } else if (arg.is_string()) {
      items.emplace_back(&arg, arg_where);
    } else {
      return fail(arg_where, "expected a string or a list of strings");
    }
    for (const auto& [item, item_where] : items) {
      if (!item->is_string()) return fail(item_where, "expected a string");
      const std::string_view text = item->get_string();
      if (text.empty() && (name == "prefix" || name == "suffix")) return fail(item_where, "an empty " + std::string(name) + " is not allowed");
      if (name == "prefix") {
        out.excluded.emplace_back(Prefix{std::string(text), false});
      } else if (name == "suffix") {
        out.excluded.emplace_back(Suffix{std::string(text), false});
      } else if (name == "equals-ignore-case") {
        out.excluded.emplace_back(EqualsIgnoreCase{std::string(text)});
      } else {
        ValueTest test;
        if (!parse_wildcard(*item, item_where, test)) return false;
        out.excluded.push_back(std::move(test));
      }
    }
    return true;
  }

  bool parse_numeric(const json::value& arg, const std::string& where, NumericRange& out) {
    const json::array* list = arg.if_array();
    if (!list || (list->size() != 2 && list->size() != 4)) {
      return fail(where, R"(expected a comparison and a number, or two of each, e.g. [">", 0, "<=", 5])");
    }
    constexpr double inf = std::numeric_limits<double>::infinity();
    out = NumericRange{-inf, inf, false, false};
    bool has_low = false;
    bool has_high = false;
    for (std::size_t i = 0; i < list->size(); i += 2) {
      const json::value& op_value = (*list)[i];
      const std::string op_where = path_index(where, i);
      if (!op_value.is_string()) return fail(op_where, "expected a comparison (=, <, <=, >, >=)");
      const std::string_view op = op_value.get_string();
      double bound = 0;
      if (!parse_exact_number((*list)[i + 1], path_index(where, i + 1), bound)) return false;
      if (op == "=") {
        if (list->size() != 2) return fail(op_where, "\"=\" cannot be combined with another comparison");
        out = NumericRange{bound, bound, true, true};
        return true;
      }
      if (op == ">" || op == ">=") {
        if (i != 0) return fail(op_where, "the lower bound (> or >=) must come first");
        out.low = bound;
        out.low_inclusive = op == ">=";
        has_low = true;
      } else if (op == "<" || op == "<=") {
        if (has_high) return fail(op_where, "two upper bounds");
        out.high = bound;
        out.high_inclusive = op == "<=";
        has_high = true;
      } else {
        return fail(op_where, "unknown comparison " + quoted(op));
      }
    }
    if (list->size() == 4 && !(has_low && has_high)) return fail(where, "a range needs a lower and an upper bound");
    if (has_low && has_high && !(out.low < out.high)) {
      return fail(where, "range bottom " + number_text(out.low) + " is not below its top " + number_text(out.high));
    }
    return true;
  }

  const Limits& limits_;
  const NumberSpellings& spellings_;
  const bool or_is_keyword_;
  PatternError error_;
};

}  // namespace

std::optional<PatternError> parse_pattern(const json::value& pattern, const NumberSpellings& spellings,
                                          const Limits& limits, Disjunction& out) {
  auto error = PatternParser(limits, spellings, true).parse(pattern, out);
  if (error && !PatternParser(limits, spellings, false).parse(pattern, out)) return std::nullopt;
  return error;
}

}  // namespace relay::pattern
