#pragma once
// Appends JSON text to a caller-owned string in the exact style of Python's
// `json.dumps(obj)` (separators ", " and ": ", ASCII-only with \uXXXX escapes, floats as
// Python's repr), so that relay's bodies equal the seed Lambda's byte for byte.
#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace relay::core {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

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
  bool first_ = true;  // no element written yet at the current nesting level
};

// Python's repr() of a float: shortest round-trip digits, ".0" for whole numbers,
// exponent form outside 1e-4 <= |d| < 1e16 ("1e+16", "1e-05").
void append_python_float(std::string& out, double d);

// Appends `s` as a JSON string literal with Python's ensure_ascii escaping.
void append_json_string(std::string& out, std::string_view s);

}  // namespace relay::core
