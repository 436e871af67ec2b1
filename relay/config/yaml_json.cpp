#include "relay/config/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <regex>
#include <vector>

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

// The YAML tree to JSON, expanding aliases. Aliases share nodes, so a small document can
// stand for an enormous tree ("billion laughs"): the values made and the nesting are
// bounded, and the error names the path where a bound was crossed.
class Converter {
 public:
  explicit Converter(std::size_t max_values) : max_values_(max_values), values_left_(max_values) {}

  json::value convert(const YAML::Node& node) {
    if (values_left_-- == 0)
      throw YamlError{node.Mark(), at() + "aliases expand the document beyond " + std::to_string(max_values_) + " values"};
    switch (node.Type()) {
      case YAML::NodeType::Null: return nullptr;
      case YAML::NodeType::Undefined: return nullptr;
      case YAML::NodeType::Scalar:
        // yaml-cpp tags plain scalars "?" and quoted ones "!".
        return node.Tag() == "?" ? plain_scalar(node.Scalar()) : json::value(json::string(node.Scalar()));
      case YAML::NodeType::Sequence: {
        if (path_.size() == kMaxDepth)
          throw YamlError{node.Mark(), at() + "nested deeper than " + std::to_string(kMaxDepth) + " levels"};
        json::array a;
        for (const auto& item : node) {
          path_.push_back("[" + std::to_string(a.size()) + "]");
          a.push_back(convert(item));
          path_.pop_back();
        }
        return a;
      }
      case YAML::NodeType::Map: {
        if (path_.size() == kMaxDepth)
          throw YamlError{node.Mark(), at() + "nested deeper than " + std::to_string(kMaxDepth) + " levels"};
        json::object o;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) throw YamlError{kv.first.Mark(), "a mapping key must be a plain string"};
          const std::string& key = kv.first.Scalar();
          if (o.contains(key)) throw YamlError{kv.first.Mark(), "duplicate key \"" + key + "\""};
          path_.push_back((path_.empty() ? "" : ".") + key);
          o[key] = convert(kv.second);
          path_.pop_back();
        }
        return o;
      }
    }
    return nullptr;
  }

 private:
  static constexpr std::size_t kMaxDepth = 64;

  // "routes[2].pattern: " for the node being converted; empty at the top.
  std::string at() const {
    std::string p;
    for (const auto& part : path_) p += part;
    return p.empty() ? p : p + ": ";
  }

  std::size_t max_values_;
  std::size_t values_left_;
  std::vector<std::string> path_;
};

}  // namespace

std::optional<json::value> yaml_to_json(std::string_view text, std::string& error) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      error = "the configuration must be a mapping of keys (listen, destinations, routes, ...)";
      return std::nullopt;
    }
    // Enough for any document without aliases (a value takes at least a byte to write),
    // and for aliases used as configs use them.
    return Converter(text.size() + 100'000).convert(root);
  } catch (const YamlError& e) {
    error = where(e.mark) + ": " + e.what;
  } catch (const YAML::Exception& e) {
    error = where(e.mark) + ": " + e.msg;
  }
  return std::nullopt;
}

}  // namespace relay::config
