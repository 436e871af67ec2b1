#include "relay/config/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <regex>

namespace relay::config {

namespace json = boost::json;

namespace {

struct YamlError {
  YAML::Mark mark;
  std::string what;
};

std::string where(const YAML::Mark& m) {
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

// YAML 1.2 core schema, for plain (unquoted) scalars only.
json::value plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, integer)) {
    std::int64_t n = 0;
    const char* first = s.data() + (s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(first, s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return n;
  }
  if (std::regex_match(s, floating)) return std::strtod(s.c_str(), nullptr);
  return json::string(s);
}

json::value convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      return node.Tag() == "?" ? plain_scalar(node.Scalar()) : json::value(json::string(node.Scalar()));
    case YAML::NodeType::Sequence: {
      json::array a;
      for (const auto& item : node) a.push_back(convert(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json::object o;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) throw YamlError{kv.first.Mark(), "a mapping key must be a plain string"};
        const std::string& key = kv.first.Scalar();
        if (o.contains(key)) throw YamlError{kv.first.Mark(), "duplicate key \"" + key + "\""};
        o[key] = convert(kv.second);
      }
      return o;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<json::value> yaml_to_json(std::string_view text, std::string& error) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      error = "the configuration must be a mapping of keys (listen, destinations, routes, ...)";
      return std::nullopt;
    }
    return convert(root);
  } catch (const YamlError& e) {
    error = where(e.mark) + ": " + e.what;
  } catch (const YAML::Exception& e) {
    error = where(e.mark) + ": " + e.msg;
  }
  return std::nullopt;
}

}  // namespace relay::config
