#pragma once
// A validating cursor over JSON text (RFC 8259, UTF-8 checked) that lets the caller read the
// parts it wants and skip the rest without building anything. Every read returns false on a
// syntax error; after one the scanner's position is unspecified.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relay::pattern {

// The first byte at or after `p` that is not JSON whitespace.
inline const char* skip_json_whitespace(const char* p, const char* end) {
  constexpr std::uint64_t kSpaces = 1ULL << ' ' | 1ULL << '\n' | 1ULL << '\r' | 1ULL << '\t';
  while (p != end && static_cast<unsigned char>(*p) <= ' ' && (kSpaces >> *p & 1)) ++p;
  return p;
}

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  void skip_whitespace() { p_ = skip_json_whitespace(p_, end_); }
  // The next character after whitespace, or '\0' at the end.
  char peek() {
    skip_whitespace();
    return p_ == end_ ? '\0' : *p_;
  }
  // Consumes `c` (after whitespace) when it comes next.
  bool consume(char c) {
    if (peek() != c) return false;
    ++p_;
    return true;
  }
  bool at_end() {
    skip_whitespace();
    return p_ == end_;
  }
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

  // Reads a string; `out` views the text itself when the string has no escapes, else the
  // decoded copy in `scratch`.
  bool read_string(std::string_view& out, std::string& scratch);
  // Reads a number and returns its text.
  bool read_number(std::string_view& token);
  // Reads `true`, `false` or `null`, whichever `word` names.
  bool read_literal(std::string_view word);
  // Skips one value of any kind, nested to any depth.
  bool skip_value();

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
};

// The value of a JSON number token as a double; out of range gives +-infinity or +-0.
double number_value(std::string_view token);

}  // namespace relay::pattern
