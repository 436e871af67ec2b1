#include "handlers/options.hpp"

#include "payloads/incident.hpp"

#include <algorithm>

namespace relay::handlers {

namespace {

std::string allowed_list(std::initializer_list<std::string_view> allowed) {
  std::string s;
  for (auto a : allowed) {
    if (!s.empty()) s.append(", ");
    s.append(a);
  }
  return s;
}

bool contains(std::initializer_list<std::string_view> allowed, std::string_view v) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

}  // namespace

Options::Options(const boost::json::object& options, std::vector<std::string>& errors)
    : options_(options), errors_(errors) {}

const boost::json::value* Options::take(std::string_view key) {
  known_.emplace_back(key);
  auto it = options_.find(key);
  return it == options_.end() ? nullptr : &it->value();
}

void Options::error(std::string_view key, std::string what) {
  errors_.push_back(std::string(key) + ": " + std::move(what));
}

bool Options::boolean(std::string_view key, bool fallback) {
  auto* v = take(key);
  if (!v) return fallback;
  if (!v->is_bool()) {
    error(key, "expected true or false");
    return fallback;
  }
  return v->get_bool();
}

std::string_view Options::choice(std::string_view key, std::string_view fallback,
                                 std::initializer_list<std::string_view> allowed) {
  auto* v = take(key);
  if (!v) return fallback;
  if (!v->is_string() || !contains(allowed, v->get_string())) {
    error(key, "expected one of " + allowed_list(allowed));
    return fallback;
  }
  // Return the allowed entry itself: it outlives the options object.
  return *std::find(allowed.begin(), allowed.end(), std::string_view(v->get_string()));
}

std::vector<std::string> Options::choices(std::string_view key, std::vector<std::string> fallback,
                                          std::initializer_list<std::string_view> allowed) {
  auto* v = take(key);
  if (!v) return fallback;
  const std::string expected = "expected a non-empty list of " + allowed_list(allowed);
  if (!v->is_array() || v->get_array().empty()) {
    error(key, expected);
    return fallback;
  }
  std::vector<std::string> out;
  const auto& items = v->get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string() || !contains(allowed, items[i].get_string())) {
      error(std::string(key) + "[" + std::to_string(i) + "]", "expected one of " + allowed_list(allowed));
      return fallback;
    }
    out.emplace_back(items[i].get_string());
  }
  return out;
}

void Options::reject_unknown() {
  for (const auto& kv : options_)
    if (std::find(known_.begin(), known_.end(), kv.key()) == known_.end())
      error(kv.key(), "unknown option (known: " + [&] {
        std::string s;
        for (const auto& k : known_) s += (s.empty() ? "" : ", ") + k;
        return s;
      }() + ")");
}

std::string_view priority_option(Options& options) {
  return options.choice("priority", "HIGH", {"CRITICAL", "HIGH", "MEDIUM", "LOW", "MINIMAL"});
}

}  // namespace relay::handlers
