#include "relay/pattern/number_spelling.hpp"

#include "relay/pattern/json_scanner.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>

namespace relay::pattern {
namespace {

// A decimal as 0.DIGITS x 10^exponent, DIGITS without leading or trailing zeros (at most
// kMaxDigits kept; `count` says how many there were), so that two spellings of one value
// compare equal: "300", "3e2" and "300.0" are all digits "3", exponent 3.
struct Decimal {
  static constexpr int kMaxDigits = 17;  // a double's shortest form never needs more
  bool negative = false;
  char digits[kMaxDigits] = {};
  int count = 0;
  long exponent = 0;
};

Decimal decimal_of(std::string_view token) {
  Decimal d;
  std::size_t i = 0;
  if (token[i] == '-') {
    d.negative = true;
    ++i;
  }
  long integer_digits = 0;
  long leading_zeros = 0;
  int zeros_pending = 0;  // zeros after the last nonzero digit: trailing unless more follow
  bool after_point = false;
  for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
    const char c = token[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (!after_point) ++integer_digits;
    if (c == '0') {
      if (d.count == 0) {
        ++leading_zeros;
      } else {
        ++zeros_pending;
      }
      continue;
    }
    for (; zeros_pending > 0; --zeros_pending) {
      if (d.count < Decimal::kMaxDigits) d.digits[d.count] = '0';
      ++d.count;
    }
    if (d.count < Decimal::kMaxDigits) d.digits[d.count] = c;
    ++d.count;
  }
  if (d.count == 0) return Decimal{};  // every zero is the same zero
  long exponent = 0;
  if (i < token.size()) {
    std::string_view e = token.substr(i + 1);
    if (e.front() == '+') e.remove_prefix(1);
    // Exponents beyond a long's range are absurd for a double; clamp instead of failing.
    if (std::from_chars(e.data(), e.data() + e.size(), exponent).ec != std::errc{}) {
      exponent = e.front() == '-' ? -100000 : 100000;
    }
  }
  d.exponent = integer_digits - leading_zeros + exponent;
  return d;
}

bool same_value(const Decimal& a, const Decimal& b) {
  if (a.count != b.count || a.negative != b.negative || a.exponent != b.exponent) return false;
  return std::string_view(a.digits, static_cast<std::size_t>(a.count)) ==
         std::string_view(b.digits, static_cast<std::size_t>(b.count));
}

}  // namespace

bool number_is_exact(std::string_view token, double value) {
  if (!std::isfinite(value)) return false;
  const Decimal written = decimal_of(token);
  if (written.count > Decimal::kMaxDigits) return false;
  if (written.count == 0) return true;
  // A decimal of at most 15 significant digits survives a trip through a normal double
  // (DBL_DIG), so it is also the double's shortest form.
  if (written.count <= std::numeric_limits<double>::digits10 && std::fabs(value) >= std::numeric_limits<double>::min()) {
    return true;
  }
  char shortest[32];
  // Scientific: the fixed form of a large double spells every digit of its exact value.
  const auto end = std::to_chars(shortest, shortest + sizeof shortest, value, std::chars_format::scientific).ptr;
  return same_value(written, decimal_of(std::string_view(shortest, static_cast<std::size_t>(end - shortest))));
}

bool number_is_exact(std::string_view token) { return number_is_exact(token, number_value(token)); }

namespace {

template <class Integer>
bool integer_is_exact(Integer i) {
  constexpr Integer kEveryIntegerHeld = Integer{1} << 53;
  if (i <= kEveryIntegerHeld && (std::is_unsigned_v<Integer> || i >= -kEveryIntegerHeld)) return true;
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
  // The integer's own conversion, correctly rounded: a reading of the digits could be a unit off.
  return number_is_exact(std::string_view(digits, static_cast<std::size_t>(end - digits)), static_cast<double>(i));
}

}  // namespace

bool number_is_exact(std::int64_t i) { return integer_is_exact(i); }
bool number_is_exact(std::uint64_t u) { return integer_is_exact(u); }

}  // namespace relay::pattern
