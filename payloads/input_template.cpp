#include "payloads/input_template.hpp"

#include "relay/core/json_access.hpp"
#include "relay/core/json_writer.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <variant>

namespace relay::payloads {

namespace json = boost::json;
using core::JsonStyle;

namespace {

constexpr std::string_view kEvent = "aws.events.event";
constexpr std::string_view kEventJson = "aws.events.event.json";
constexpr std::string_view kRuleName = "aws.events.rule-name";
constexpr std::string_view kIngestionTime = "aws.events.event.ingestion-time";

bool is_predefined(std::string_view name) {
  return name == kEvent || name == kEventJson || name == kRuleName || name == kIngestionTime;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

using PathStep = std::variant<std::string, std::size_t>;  // object key or array index

// "$", "$.a.b", "$.a[0].b-c"; nullopt (with `error`) for anything else.
std::optional<std::vector<PathStep>> parse_path(std::string_view p, std::string& error) {
  if (p.empty() || p[0] != '$') {
    error = "expected a JSON path starting with $, such as $.detail.state";
    return std::nullopt;
  }
  std::vector<PathStep> steps;
  std::size_t i = 1;
  while (i < p.size()) {
    if (p[i] == '.') {
      std::size_t end = ++i;
      while (end < p.size() && p[end] != '.' && p[end] != '[') ++end;
      const auto key = p.substr(i, end - i);
      if (key.empty() || key == "*") {
        error = key.empty() ? "empty name in the path" : "wildcards are not supported";
        return std::nullopt;
      }
      steps.emplace_back(std::string(key));
      i = end;
    } else if (p[i] == '[') {
      const auto close = p.find(']', i);
      std::size_t index = 0;
      const auto digits = p.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1);
      if (close == std::string_view::npos || digits.empty() ||
          digits.find_first_not_of("0123456789") != std::string_view::npos) {
        error = "expected [N] with a whole number N";
        return std::nullopt;
      }
      for (char c : digits) index = index * 10 + static_cast<std::size_t>(c - '0');
      steps.emplace_back(index);
      i = close + 1;
    } else {
      error = "expected . or [ after \"" + std::string(p.substr(0, i)) + "\"";
      return std::nullopt;
    }
  }
  return steps;
}

// The value at a non-empty path from the envelope, or nullptr when it is missing.
const json::value* follow(const json::object& root, const std::vector<PathStep>& steps) {
  const auto* first = std::get_if<std::string>(&steps.front());
  const json::value* v = first ? core::value_at(root, *first) : nullptr;
  for (std::size_t i = 1; v && i < steps.size(); ++i) {
    const auto& step = steps[i];
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!v->is_object()) return nullptr;
      v = core::value_at(v->get_object(), *key);
    } else {
      const auto index = std::get<std::size_t>(step);
      if (!v->is_array() || index >= v->get_array().size()) return nullptr;
      v = &v->get_array()[index];
    }
  }
  return v;
}

struct Placeholder {
  std::string name;
  bool in_string;                 // inside a JSON string literal of the template
  std::vector<PathStep> path;     // for input_paths names
};

using Segment = std::variant<std::string, Placeholder>;

}  // namespace

struct InputTemplate::Impl {
  std::vector<Segment> segments;
  bool json = true;

  void write_value(const json::value* v, bool in_string, std::string& out) const {
    if (!json) {  // text: strings as they are, other values as JSON
      if (v && v->is_string())
        out += v->get_string();
      else if (v)
        core::JsonWriter(out, JsonStyle::compact).value(*v);
      return;
    }
    if (!v) {
      if (!in_string) out += "null";
      return;
    }
    if (!in_string) {
      core::JsonWriter(out, JsonStyle::compact).value(*v);
      return;
    }
    if (v->is_string()) {
      core::append_json_string_content(out, v->get_string(), JsonStyle::compact);
      return;
    }
    std::string text;
    core::JsonWriter(text, JsonStyle::compact).value(*v);
    core::append_json_string_content(out, text, JsonStyle::compact);
  }

  void write_event(const json::object& envelope, bool with_detail, bool in_string, std::string& out) const {
    std::string text;
    core::JsonWriter w(text, JsonStyle::compact);
    w.begin_object();
    for (const auto& kv : envelope) {
      if (!with_detail && kv.key() == "detail") continue;
      w.key(kv.key());
      w.value(kv.value());
    }
    w.end_object();
    if (in_string && json)
      core::append_json_string_content(out, text, JsonStyle::compact);
    else
      out += text;
  }
};

InputTemplate::InputTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputTemplate::InputTemplate(InputTemplate&&) noexcept = default;
InputTemplate::~InputTemplate() = default;

std::optional<InputTemplate> InputTemplate::compile(const json::object* input_paths, std::string_view text, bool json,
                                                    std::vector<std::string>& errors) {
  const std::size_t before = errors.size();
  std::vector<std::pair<std::string, std::vector<PathStep>>> paths;
  if (input_paths) {
    if (input_paths->size() > 100) errors.push_back("input_paths: at most 100 names (the EventBridge limit)");
    for (const auto& kv : *input_paths) {
      const std::string where = "input_paths." + std::string(kv.key());
      std::string error;
      if (is_predefined(kv.key())) {
        errors.push_back(where + ": the name is reserved for the predefined variable");
      } else if (!kv.value().is_string()) {
        errors.push_back(where + ": expected a JSON path such as $.detail.state");
      } else if (auto steps = parse_path(kv.value().get_string(), error)) {
        paths.emplace_back(std::string(kv.key()), std::move(*steps));
      } else {
        errors.push_back(where + ": " + error);
      }
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->json = json;
  bool in_string = false;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (json && c == '\\' && in_string && i + 1 < text.size()) {
      literal += text.substr(i, 2);
      ++i;
      continue;
    }
    if (json && c == '"') in_string = !in_string;
    std::size_t end = i + 1;
    while (c == '<' && end < text.size() && is_name_char(text[end])) ++end;
    if (c != '<' || end == i + 1 || end >= text.size() || text[end] != '>') {
      literal.push_back(c);
      continue;
    }
    std::string name(text.substr(i + 1, end - i - 1));
    Placeholder ph{name, in_string, {}};
    auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& p) { return p.first == name; });
    if (it != paths.end())
      ph.path = it->second;
    else if (!is_predefined(name) && !(input_paths && input_paths->contains(name)))  // a bad path is reported already
      errors.push_back("input_template: <" + name + "> is neither in input_paths nor a predefined variable");
    if (!literal.empty()) impl->segments.emplace_back(std::move(literal));
    literal.clear();
    impl->segments.emplace_back(std::move(ph));
    i = end;
  }
  if (!literal.empty()) impl->segments.emplace_back(std::move(literal));
  if (errors.size() != before) return std::nullopt;

  if (json) {  // the template must be JSON whatever the values turn out to be
    // A value in a string is escaped text: any of it is valid wherever "x" is, which refuses a
    // placeholder inside an unfinished escape such as "\u00<x>" (empty would let it through).
    std::string probe;
    for (const auto& s : impl->segments) {
      if (const auto* lit = std::get_if<std::string>(&s))
        probe += *lit;
      else
        probe += std::get<Placeholder>(s).in_string ? "x" : "null";
    }
    boost::system::error_code ec;
    boost::json::parse(probe, ec);
    if (ec) {
      errors.push_back("input_template: not valid JSON once its placeholders are filled (" + ec.message() +
                       "); set content_type to text/plain for a text body");
      return std::nullopt;
    }
  }
  return InputTemplate(std::move(impl));
}

void InputTemplate::render(const json::object& envelope, std::string_view rule_name, std::string& out) const {
  for (const auto& s : impl_->segments) {
    if (const auto* lit = std::get_if<std::string>(&s)) {
      out += *lit;
      continue;
    }
    const auto& ph = std::get<Placeholder>(s);
    if (ph.name == kEvent || ph.name == kEventJson) {
      impl_->write_event(envelope, ph.name == kEventJson, ph.in_string, out);
    } else if (ph.name == kRuleName || ph.name == kIngestionTime) {
      const json::value v(ph.name == kRuleName ? rule_name : core::string_at(envelope, "time"));
      impl_->write_value(&v, ph.in_string, out);
    } else if (ph.path.empty()) {  // "$": the whole event
      impl_->write_event(envelope, true, ph.in_string, out);
    } else {
      impl_->write_value(follow(envelope, ph.path), ph.in_string, out);
    }
  }
}

}  // namespace relay::payloads
