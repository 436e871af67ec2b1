#include "reference_matcher.hpp"

#include "relay/pattern/case_fold.hpp"
#include "relay/pattern/ip_address.hpp"

#include <map>
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
  if (p.is_number() && e.is_number()) return number(p) == number(e);
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
  std::string want;
  std::string have = s;
  if (arg.is_string()) {
    want = arg.get_string();
  } else {
    want = fold_case(arg.at("equals-ignore-case").get_string());
    have = fold_case(s);
  }
  return prefix ? have.starts_with(want) : have.ends_with(want);
}

bool cidr(std::string_view block_text, const std::string& s) {
  const auto block = parse_cidr(block_text);
  const auto address = parse_ip(s);
  return address && address->v6 == block->network.v6 && masked(*address, block->prefix_bits) == block->network;
}

// Whether scalar `e` passes `name: arg` (any operator but exists and anything-but).
bool passes(std::string_view name, const json::value& arg, const json::value& e) {
  if (name == "numeric") return e.is_number() && numeric(arg.get_array(), number(e));
  if (!e.is_string()) return false;
  const std::string s(e.get_string());
  if (name == "prefix") return affix(arg, s, true);
  if (name == "suffix") return affix(arg, s, false);
  if (name == "equals-ignore-case") return fold_case(s) == fold_case(arg.get_string());
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

using Patterns = std::vector<const json::object*>;

// Whether `patterns`, all meeting `event` at `path`, hold together: at an event array they
// hold for one element, all the same one, and a `$or` alternative joins the objects beside it.
bool all_hold(Patterns patterns, const json::value* event, const Path& path, const json::value& root) {
  if (event && event->is_array() && !event->get_array().empty()) {
    for (const auto& element : event->get_array()) {
      if (all_hold(patterns, &element, path, root)) return true;
    }
    return false;
  }
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const json::value* alternatives = patterns[i]->if_contains("$or");
    if (!alternatives) continue;
    json::object rest = *patterns[i];
    rest.erase("$or");
    patterns[i] = &rest;
    patterns.push_back(nullptr);
    for (const auto& alternative : alternatives->get_array()) {
      patterns.back() = &alternative.get_object();
      if (all_hold(patterns, event, path, root)) return true;
    }
    return false;
  }
  const json::object* here = event ? event->if_object() : nullptr;
  std::map<std::string, Patterns> nested;
  for (const json::object* pattern : patterns) {
    for (const auto& [key, spec] : *pattern) {
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
    if (!all_hold(inside, here ? here->if_contains(key) : nullptr, inner, root)) return false;
  }
  return true;
}

}  // namespace

bool reference_matches(const json::value& pattern, const json::value& event) {
  return all_hold({&pattern.get_object()}, &event, {}, event);
}

}  // namespace relay::pattern::testing
