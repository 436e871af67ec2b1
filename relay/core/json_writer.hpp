#pragma once
// Appends JSON text to a caller-owned string. The default style is exactly Python's
// `json.dumps(obj)` (separators ", " and ": ", ASCII-only with \uXXXX escapes, floats as
// Python's repr), so that relay's bodies equal the seed Lambda's byte for byte; the compact
// style has no spaces and keeps UTF-8 as it is.
#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace relay::core {

enum class JsonStyle { python, compact };

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out, JsonStyle style = JsonStyle::python) : out_(out), style_(style) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);  // inside an object, before each value

  void string(std::string_view s);
  void number(std::int64_t n);
  void number(double d);
  void boolean(bool b);
  void null();
  void value(const boost::json::value& v);  // any parsed value, written in the same style
  void value(const boost::json::object& o);
  void value(const boost::json::array& a);

  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    write(v);
  }

  std::string& buffer() { return out_; }

 private:
  void write(std::string_view s) { string(s); }
  void write(const std::string& s) { string(s); }
  void write(const char* s) { string(s); }
  void write(const boost::json::value& v) { value(v); }
  void separate();

  std::string& out_;
  JsonStyle style_;
  bool first_ = true;  // no element written yet at the current nesting level
};

// Python's repr() of a float: shortest round-trip digits, ".0" for whole numbers,
// exponent form outside 1e-4 <= |d| < 1e16 ("1e+16", "1e-05").
void append_python_float(std::string& out, double d);

// Appends `s` as a JSON string literal: python style escapes all non-ASCII as \uXXXX
// (ensure_ascii), compact style only what JSON requires.
void append_json_string(std::string& out, std::string_view s, JsonStyle style = JsonStyle::python);

// The same without the surrounding quotes: text to place inside an existing JSON string.
void append_json_string_content(std::string& out, std::string_view s, JsonStyle style = JsonStyle::python);

}  // namespace relay::core
