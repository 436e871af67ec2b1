#include "relay/core/object_reader.hpp"

#include "relay/core/json_writer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>

namespace relay::core {

namespace json = boost::json;

namespace {

std::string join(std::initializer_list<std::string_view> items) {
  std::string s;
  for (auto a : items) {
    if (!s.empty()) s.append(", ");
    s.append(a);
  }
  return s;
}

const std::string_view* find_in(std::initializer_list<std::string_view> allowed, std::string_view v) {
  auto it = std::find(allowed.begin(), allowed.end(), v);
  return it == allowed.end() ? nullptr : it;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  else return std::nullopt;
  if (n > INT64_MAX / scale) return std::nullopt;
  return std::chrono::milliseconds(n * scale);
}

ObjectReader::ObjectReader(const json::object& object, std::string path, std::vector<std::string>& errors)
    : object_(object), path_(std::move(path)), errors_(errors) {}

std::string ObjectReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ObjectReader::error(std::string_view key, std::string_view what) {
  errors_.push_back(path_of(key) + ": " + std::string(what));
}

const json::value* ObjectReader::value(std::string_view key, bool required) {
  known_.emplace_back(key);
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) error(key, "missing");
    return nullptr;
  }
  return &it->value();
}

bool ObjectReader::boolean(std::string_view key, bool fallback) {
  auto* v = value(key);
  if (!v) return fallback;
  if (!v->is_bool()) {
    error(key, "expected true or false");
    return fallback;
  }
  return v->get_bool();
}

std::string ObjectReader::string(std::string_view key, std::string fallback, bool required) {
  auto* v = value(key, required);
  if (!v) return fallback;
  if (!v->is_string() || v->get_string().empty()) {
    error(key, "expected a non-empty string");
    return fallback;
  }
  return std::string(v->get_string());
}

std::int64_t ObjectReader::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto* v = value(key);
  if (!v) return fallback;
  if (!v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
    error(key, "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return fallback;
  }
  return v->get_int64();
}

double ObjectReader::number(std::string_view key, double fallback, double min, double max) {
  auto* v = value(key);
  if (!v) return fallback;
  const bool numeric = v->is_number();
  const double d = v->is_double() ? v->get_double() : v->is_int64() ? static_cast<double>(v->get_int64()) : 0.0;
  if (!numeric || d < min || d > max) {
    std::string what = "expected a number from ";
    append_python_float(what, min);
    what += " to ";
    append_python_float(what, max);
    error(key, what);
    return fallback;
  }
  return d;
}

std::chrono::milliseconds ObjectReader::duration(std::string_view key, std::chrono::milliseconds fallback) {
  auto* v = value(key);
  if (!v) return fallback;
  std::optional<std::chrono::milliseconds> d;
  if (v->is_string()) d = parse_duration(v->get_string());
  if (!d) {
    error(key, "expected a duration such as 250ms, 5s, 30m or 2h");
    return fallback;
  }
  return *d;
}

std::string_view ObjectReader::choice(std::string_view key, std::string_view fallback,
                                      std::initializer_list<std::string_view> allowed) {
  auto* v = value(key);
  if (!v) return fallback;
  const std::string_view* hit = v->is_string() ? find_in(allowed, v->get_string()) : nullptr;
  if (!hit) {
    error(key, "expected one of " + join(allowed));
    return fallback;
  }
  return *hit;
}

std::vector<std::string> ObjectReader::choices(std::string_view key, std::vector<std::string> fallback,
                                               std::initializer_list<std::string_view> allowed) {
  auto* v = value(key);
  if (!v) return fallback;
  if (!v->is_array() || v->get_array().empty()) {
    error(key, "expected a non-empty list of " + join(allowed));
    return fallback;
  }
  std::vector<std::string> out;
  const auto& items = v->get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string() || !find_in(allowed, items[i].get_string())) {
      error(std::string(key) + "[" + std::to_string(i) + "]", "expected one of " + join(allowed));
      return fallback;
    }
    out.emplace_back(items[i].get_string());
  }
  return out;
}

const json::object* ObjectReader::object(std::string_view key, bool required) {
  auto* v = value(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    error(key, "expected a mapping");
    return nullptr;
  }
  return &v->get_object();
}

void ObjectReader::reject_unknown() {
  std::string known;
  for (const auto& k : known_) known += (known.empty() ? "" : ", ") + k;
  for (const auto& kv : object_)
    if (std::find(known_.begin(), known_.end(), kv.key()) == known_.end())
      error(kv.key(), "unknown key (known: " + known + ")");
}

}  // namespace relay::core
