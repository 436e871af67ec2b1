#include "reference_matcher.hpp"

#include "relay/pattern/case_fold.hpp"
#include "relay/pattern/ip_address.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace relay::pattern::testing {
namespace {

namespace json = boost::json;
using Path = std::vector<std::string>;

double number(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

std::string without_trailing_zeros(std::string digits) {
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  return digits;
}

// An integer's double holds it when the double's shortest decimal form has the integer's
// value (2000000000000200000 is 2.0000000000002e18; 9007199254740993 reads as ...992).
bool integer_exact(std::string digits, double d) {
  if (digits.front() == '-') digits.erase(0, 1);
  char shortest[40];
  const auto end = std::to_chars(shortest, shortest + sizeof shortest, std::fabs(d), std::chars_format::scientific).ptr;
  const std::string form(shortest, end);
  const auto e = form.find('e');
  std::string mantissa = form.substr(0, e);
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  return without_trailing_zeros(mantissa) == without_trailing_zeros(digits) &&
         std::stoi(form.substr(e + 1)) == static_cast<int>(digits.size()) - 1;
}

// Whether a double holds the parsed number exactly; those it does not match only by spelling.
bool exact(const json::value& v) {
  if (v.is_int64()) return integer_exact(std::to_string(v.get_int64()), number(v));
  if (v.is_uint64()) return integer_exact(std::to_string(v.get_uint64()), number(v));
  return std::isfinite(v.get_double());
}

std::string spelling(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return json::serialize(v);
}

void scalars_in(const json::value* v, std::vector<const json::value*>& out) {
  if (!v || v->is_object()) return;
  if (v->is_array()) {
    for (const auto& element : v->get_array()) scalars_in(&element, out);
    return;
  }
  out.push_back(v);
}

// Every scalar at `path` below `v`, through any arrays.
void scalars_at(const json::value& v, const Path& path, std::size_t depth, std::vector<const json::value*>& out) {
  if (v.is_array()) {
    for (const auto& element : v.get_array()) scalars_at(element, path, depth, out);
    return;
  }
  if (depth == path.size()) {
    scalars_in(&v, out);
    return;
  }
  if (!v.is_object()) return;
  if (const auto* child = v.get_object().if_contains(path[depth])) scalars_at(*child, path, depth + 1, out);
}

// Plain backtracking over the raw wildcard text.
bool wildcard(std::string_view glob, std::string_view s) {
  if (glob.empty()) return s.empty();
  if (glob[0] == '*') {
    for (std::size_t skip = 0; skip <= s.size(); ++skip) {
      if (wildcard(glob.substr(1), s.substr(skip))) return true;
    }
    return false;
  }
  std::size_t width = 1;
  char literal = glob[0];
  if (literal == '\\') {
    literal = glob[1];
    width = 2;
  }
  return !s.empty() && s[0] == literal && wildcard(glob.substr(width), s.substr(1));
}

bool same_scalar(const json::value& p, const json::value& e) {
  if (p.is_number() && e.is_number()) {
    if (exact(p) && exact(e)) return number(p) == number(e);
    return !exact(p) && !exact(e) && spelling(p) == spelling(e);
  }
  if (p.is_string() && e.is_string()) return p.get_string() == e.get_string();
  if (p.is_bool() && e.is_bool()) return p.get_bool() == e.get_bool();
  return p.is_null() && e.is_null();
}

bool numeric(const json::array& spec, double x) {
  for (std::size_t i = 0; i < spec.size(); i += 2) {
    const std::string_view op = spec[i].get_string();
    const double bound = number(spec[i + 1]);
    const bool ok = op == "=" ? x == bound : op == "<" ? x < bound : op == "<=" ? x <= bound : op == ">" ? x > bound : x >= bound;
    if (!ok) return false;
  }
  return true;
}

bool affix(const json::value& arg, const std::string& s, bool prefix) {
  if (arg.is_string()) return prefix ? s.starts_with(arg.get_string()) : s.ends_with(arg.get_string());
  const CaseInsensitiveText want(arg.at("equals-ignore-case").get_string());
  return prefix ? want.is_prefix_of(s) : want.is_suffix_of(s);
}

bool cidr(std::string_view block_text, const std::string& s) {
  const auto block = parse_cidr(block_text);
  const auto address = parse_ip(s);
  return address && address->v6 == block->network.v6 && masked(*address, block->prefix_bits) == block->network;
}

// Whether scalar `e` passes `name: arg` (any operator but exists and anything-but).
bool passes(std::string_view name, const json::value& arg, const json::value& e) {
  if (name == "numeric") return e.is_number() && exact(e) && numeric(arg.get_array(), number(e));
  if (!e.is_string()) return false;
  const std::string s(e.get_string());
  if (name == "exactly") return s == arg.get_string();
  if (name == "prefix") return affix(arg, s, true);
  if (name == "suffix") return affix(arg, s, false);
  if (name == "equals-ignore-case") return CaseInsensitiveText(arg.get_string()).matches(s);
  if (name == "wildcard") return wildcard(arg.get_string(), s);
  return cidr(arg.get_string(), s);
}

bool excluded_by(const json::value& arg, const json::value& e) {
  if (arg.is_array()) {
    for (const auto& item : arg.get_array()) {
      if (excluded_by(item, e)) return true;
    }
    return false;
  }
  if (!arg.is_object()) return same_scalar(arg, e);
  const auto& [name, inner] = *arg.get_object().begin();
  if (inner.is_array()) {
    for (const auto& item : inner.get_array()) {
      if (passes(name, item, e)) return true;
    }
    return false;
  }
  return passes(name, inner, e);
}

bool condition_holds(const json::value& condition, const std::vector<const json::value*>& values, const Path& path,
                     const json::value& root) {
  if (!condition.is_object()) {
    for (const auto* v : values) {
      if (same_scalar(condition, *v)) return true;
    }
    return false;
  }
  const auto& [name, arg] = *condition.get_object().begin();
  if (name == "exists") {
    if (arg.get_bool()) return !values.empty();
    std::vector<const json::value*> anywhere;
    scalars_at(root, path, 0, anywhere);
    return anywhere.empty();
  }
  for (const auto* v : values) {
    if (name == "anything-but" ? !excluded_by(arg, *v) : passes(name, arg, *v)) return true;
  }
  return false;
}

// The key that stands for the one alternative of a `$or` chosen in a branch.
constexpr std::string_view kChosen = "\x01$or";

bool reserved_in_or(std::string_view key) {
  static const std::set<std::string_view> kReserved = {
      "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
      "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
      "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
      "ip-address-not-in-range"};
  return kReserved.contains(key);
}

// Whether event-ruler's $or-aware compiler takes this pattern: every "$or" a list of two or
// more objects, none naming an operator as a field. Otherwise "$or" is an ordinary key.
bool or_is_keyword(const json::object& pattern, bool in_or) {
  for (const auto& [key, spec] : pattern) {
    if (key == "$or") {
      if (!spec.is_array() || spec.get_array().size() < 2) return false;
      for (const auto& alternative : spec.get_array()) {
        if (!alternative.is_object() || !or_is_keyword(alternative.get_object(), true)) return false;
      }
    } else if (in_or && reserved_in_or(key)) {
      return false;
    } else if (spec.is_object() && !or_is_keyword(spec.get_object(), in_or)) {
      return false;
    }
  }
  return true;
}

// The pattern once for each way of choosing one alternative of every `$or` (held under
// kChosen in its place).
std::vector<json::object> branches(const json::object& pattern, bool or_keyword) {
  std::vector<json::object> out(1);
  for (const auto& [key, spec] : pattern) {
    std::vector<json::object> options;
    if (key == "$or" && or_keyword) {
      for (const auto& alternative : spec.get_array()) {
        for (auto& branch : branches(alternative.get_object(), or_keyword)) options.push_back(std::move(branch));
      }
    } else if (spec.is_object()) {
      options = branches(spec.get_object(), or_keyword);
    } else {
      for (auto& branch : out) branch[key] = spec;
      continue;
    }
    std::vector<json::object> product;
    for (const auto& left : out) {
      for (const auto& option : options) {
        json::object both = left;
        both[key == "$or" && or_keyword ? kChosen : std::string_view(key)] = option;
        product.push_back(std::move(both));
      }
    }
    out = std::move(product);
  }
  return out;
}

// Leaves that a later leaf on the same path overrides within a branch (event-ruler keeps
// the last one written), in document order.
void overridden(const json::object& branch, const Path& path, std::map<Path, const json::value*>& last,
                std::set<const json::value*>& dead) {
  for (const auto& [key, spec] : branch) {
    if (key == kChosen) {
      overridden(spec.get_object(), path, last, dead);
      continue;
    }
    Path inner = path;
    inner.emplace_back(key);
    if (spec.is_object()) {
      overridden(spec.get_object(), inner, last, dead);
      continue;
    }
    auto [at, fresh] = last.try_emplace(inner, &spec);
    if (!fresh) {
      dead.insert(at->second);
      at->second = &spec;
    }
  }
}

using Patterns = std::vector<const json::object*>;

// Whether `patterns`, all meeting `event` at `path`, hold together: at an event array they
// hold for one element, all the same one, and a chosen `$or` alternative joins the objects
// beside it (event-ruler flattens it into the rule before it checks arrays).
bool all_hold(Patterns patterns, const json::value* event, const Path& path, const json::value& root,
              const std::set<const json::value*>& dead) {
  if (event && event->is_array() && !event->get_array().empty()) {
    for (const auto& element : event->get_array()) {
      if (all_hold(patterns, &element, path, root, dead)) return true;
    }
    return false;
  }
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (const json::value* chosen = patterns[i]->if_contains(kChosen)) patterns.push_back(&chosen->get_object());
  }
  const json::object* here = event ? event->if_object() : nullptr;
  std::map<std::string_view, Patterns> nested;
  for (const json::object* pattern : patterns) {
    for (const auto& [key, spec] : *pattern) {
      if (key == kChosen || dead.contains(&spec)) continue;
      if (spec.is_object()) {
        nested[key].push_back(&spec.get_object());
        continue;
      }
      Path inner = path;
      inner.emplace_back(key);
      std::vector<const json::value*> values;
      scalars_in(here ? here->if_contains(key) : nullptr, values);
      bool any = false;
      for (const auto& condition : spec.get_array()) any = any || condition_holds(condition, values, inner, root);
      if (!any) return false;
    }
  }
  for (const auto& [key, inside] : nested) {
    Path inner = path;
    inner.emplace_back(key);
    if (!all_hold(inside, here ? here->if_contains(key) : nullptr, inner, root, dead)) return false;
  }
  return true;
}

}  // namespace

bool reference_matches(const json::value& pattern, const json::value& event) {
  const bool or_keyword = or_is_keyword(pattern.get_object(), false);
  for (const json::object& branch : branches(pattern.get_object(), or_keyword)) {
    std::map<Path, const json::value*> last;
    std::set<const json::value*> dead;
    overridden(branch, {}, last, dead);
    if (all_hold({&branch}, &event, {}, event, dead)) return true;
  }
  return false;
}

}  // namespace relay::pattern::testing
