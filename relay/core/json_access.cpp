#include "relay/core/json_access.hpp"

#include "relay/core/json_writer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace relay::core {

namespace json = boost::json;

const json::object& object_at(const json::object& o, std::string_view key) {
  static const json::object empty;
  auto* v = value_at(o, key);
  return v && v->is_object() ? v->get_object() : empty;
}

const json::array& array_at(const json::object& o, std::string_view key) {
  static const json::array empty;
  auto* v = value_at(o, key);
  return v && v->is_array() ? v->get_array() : empty;
}

std::string_view string_at(const json::object& o, std::string_view key, std::string_view fallback) {
  auto* v = value_at(o, key);
  return v && v->is_string() ? std::string_view(v->get_string()) : fallback;
}

const json::value* value_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

namespace {

// Python's repr of a str: single quotes unless the text holds ' and no ".
void append_python_string_repr(std::string& out, std::string_view s) {
  const bool dq = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
  const char quote = dq ? '"' : '\'';
  out.push_back(quote);
  for (char c : s) {
    if (c == quote || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else {
      out.push_back(c);
    }
  }
  out.push_back(quote);
}

void append_python_repr(std::string& out, const json::value& v) {
  if (v.is_string()) {
    append_python_string_repr(out, v.get_string());
  } else if (v.is_object()) {
    out.append(python_dict_repr(v.get_object()));
  } else if (v.is_array()) {
    out.push_back('[');
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out.append(", ");
      first = false;
      append_python_repr(out, e);
    }
    out.push_back(']');
  } else {
    out.append(python_str(v));
  }
}

}  // namespace

std::string python_str(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::null: return "None";
    case json::kind::bool_: return v.get_bool() ? "True" : "False";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      std::string out;
      append_python_float(out, v.get_double());
      return out;
    }
    case json::kind::array:
    case json::kind::object: {
      std::string out;
      append_python_repr(out, v);
      return out;
    }
  }
  return {};
}

std::string python_dict_repr(const json::object& o) {
  std::string out = "{";
  bool first = true;
  for (const auto& kv : o) {
    if (!first) out.append(", ");
    first = false;
    append_python_string_repr(out, kv.key());
    out.append(": ");
    append_python_repr(out, kv.value());
  }
  out.push_back('}');
  return out;
}

}  // namespace relay::core
