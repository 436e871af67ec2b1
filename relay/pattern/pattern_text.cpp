#include "relay/pattern/pattern_text.hpp"

#include "relay/pattern/json_scanner.hpp"
#include "relay/pattern/pattern_path.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace relay::pattern {
namespace {

// A decimal number as 0.DIGITS x 10^exponent with no leading or trailing zeros in DIGITS, so
// that two spellings of one value compare equal ("300", "3e2", "300.0" -> "3", 3).
struct Decimal {
  bool negative = false;
  std::string digits;
  long exponent = 0;
  bool operator==(const Decimal&) const = default;
};

Decimal decimal_of(std::string_view token) {
  Decimal d;
  std::size_t i = 0;
  if (token[i] == '-') {
    d.negative = true;
    ++i;
  }
  long integer_digits = 0;
  bool after_point = false;
  for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
    if (token[i] == '.') {
      after_point = true;
    } else {
      d.digits += token[i];
      if (!after_point) ++integer_digits;
    }
  }
  long exponent = 0;
  if (i < token.size()) {
    std::string_view e = token.substr(i + 1);
    if (e.front() == '+') e.remove_prefix(1);
    // Exponents beyond a long's range are absurd for a double; clamp instead of failing.
    if (std::from_chars(e.data(), e.data() + e.size(), exponent).ec != std::errc{}) {
      exponent = e.front() == '-' ? -100000 : 100000;
    }
  }
  const auto first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // every zero is the same zero
  d.digits.erase(0, first);
  d.digits.erase(d.digits.find_last_not_of('0') + 1);
  d.exponent = integer_digits - static_cast<long>(first) + exponent;
  return d;
}

class PatternTextReader {
 public:
  explicit PatternTextReader(std::string_view text) : scanner_(text) {}

  std::optional<PatternError> read(boost::json::value& out) {
    if (!read_value(out, "")) return error_;
    if (!scanner_.at_end()) return PatternError{"", syntax_error()};
    return std::nullopt;
  }

 private:
  bool read_value(boost::json::value& out, const std::string& path) {
    switch (scanner_.peek()) {
      case '{': return read_object(out, path);
      case '[': return read_array(out, path);
      case '"': {
        std::string_view s;
        if (!scanner_.read_string(s, scratch_)) return fail_syntax();
        out = boost::json::string(s);
        return true;
      }
      case 't': out = true; return scanner_.read_literal("true") || fail_syntax();
      case 'f': out = false; return scanner_.read_literal("false") || fail_syntax();
      case 'n': out = nullptr; return scanner_.read_literal("null") || fail_syntax();
      default: {
        std::string_view token;
        if (!scanner_.read_number(token)) return fail_syntax();
        if (!number_is_exact(token)) {
          error_ = path_error(path, "number " + std::string(token) + " is not exactly representable as a double");
          return false;
        }
        out = number_value(token);
        return true;
      }
    }
  }

  bool read_object(boost::json::value& out, const std::string& path) {
    scanner_.consume('{');
    auto& object = out.emplace_object();
    if (scanner_.consume('}')) return true;
    do {
      std::string_view key;
      if (!scanner_.read_string(key, scratch_) || !scanner_.consume(':')) return fail_syntax();
      const std::string owned_key(key);
      boost::json::value member;
      if (!read_value(member, path_key(path, owned_key))) return false;
      object[owned_key] = std::move(member);
    } while (scanner_.consume(','));
    return scanner_.consume('}') || fail_syntax();
  }

  bool read_array(boost::json::value& out, const std::string& path) {
    scanner_.consume('[');
    auto& array = out.emplace_array();
    if (scanner_.consume(']')) return true;
    do {
      const std::string element_path = path_index(path, array.size());
      if (!read_value(array.emplace_back(nullptr), element_path)) return false;
    } while (scanner_.consume(','));
    return scanner_.consume(']') || fail_syntax();
  }

  bool fail_syntax() {
    error_ = PatternError{"", syntax_error()};
    return false;
  }
  std::string syntax_error() const { return "not valid JSON (at offset " + std::to_string(scanner_.offset()) + ")"; }

  JsonScanner scanner_;
  std::string scratch_;
  PatternError error_;
};

}  // namespace

bool number_is_exact(std::string_view token) {
  const double value = number_value(token);
  if (!std::isfinite(value)) return false;
  char shortest[32];
  const auto end = std::to_chars(shortest, shortest + sizeof shortest, value).ptr;
  Decimal written = decimal_of(token);
  Decimal held = decimal_of(std::string_view(shortest, static_cast<std::size_t>(end - shortest)));
  return written == held;
}

std::optional<PatternError> read_pattern_text(std::string_view text, boost::json::value& out) {
  return PatternTextReader(text).read(out);
}

}  // namespace relay::pattern
