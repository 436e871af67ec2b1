#include "relay/core/json_writer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace relay::core {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, unsigned code) {
  char buf[6] = {'\\', 'u', kHex[(code >> 12) & 0xF], kHex[(code >> 8) & 0xF],
                 kHex[(code >> 4) & 0xF], kHex[code & 0xF]};
  out.append(buf, 6);
}

// Where the run of bytes from `i` that need no escaping ends: the first control byte, '"',
// '\\', DEL or non-ASCII byte (the compact style keeps the last two; its caller decides).
#if defined(__SSE2__)
// Sixteen bytes at a time. A string shorter than 16 is copied into a block of spaces; a longer
// one's last partial block is read as the string's last 16 bytes, skipping those already seen.
unsigned escape_marks(__m128i v) {
  const __m128i quote_or_backslash =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  // A signed compare: bytes of 0x80 and above are negative, so they fall below space too.
  const __m128i control_del_or_non_ascii =
      _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(quote_or_backslash, control_del_or_non_ascii)));
}

std::size_t plain_run_end(std::string_view s, std::size_t i) {
  const char* p = s.data();
  const std::size_t n = s.size();
  for (; i + 16 <= n; i += 16)
    if (const unsigned marks = escape_marks(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))))
      return i + static_cast<std::size_t>(std::countr_zero(marks));
  if (i == n) return n;
  unsigned marks;
  if (n >= 16) {
    marks = escape_marks(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16))) >> (16 - (n - i));
  } else {
    alignas(16) char block[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(block), _mm_set1_epi8(' '));
    std::memcpy(block, p + i, n - i);
    marks = escape_marks(_mm_load_si128(reinterpret_cast<const __m128i*>(block)));
  }
  return marks ? i + static_cast<std::size_t>(std::countr_zero(marks)) : n;
}
#else
// SWAR over 8 bytes: the high bit of each byte that needs escaping is set. Bytes above one
// that needs escaping may be marked too (a borrow carries upward), so only the lowest mark is
// exact.
std::uint64_t escape_marks(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto zero_bytes = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
  return (w & highs) | below_space | zero_bytes(w ^ (ones * '"')) | zero_bytes(w ^ (ones * '\\')) |
         zero_bytes(w ^ (ones * 0x7F));
}

static_assert(std::endian::native == std::endian::little, "the first byte of a loaded word is its lowest");

// Eight bytes at a time; the last few are read into a word of spaces, which need no escaping.
std::size_t plain_run_end(std::string_view s, std::size_t i) {
  for (;; i += 8) {
    std::uint64_t w = 0x2020202020202020ULL;
    std::memcpy(&w, s.data() + i, std::min<std::size_t>(8, s.size() - i));
    if (const std::uint64_t marks = escape_marks(w))
      return std::min(s.size(), i + static_cast<std::size_t>(std::countr_zero(marks)) / 8);
    if (i + 8 >= s.size()) return s.size();
  }
}
#endif

// Decodes one UTF-8 sequence at s[i]; input strings come from a validating parser, but a
// malformed byte still yields U+FFFD rather than reading past the end.
unsigned decode_utf8(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  unsigned cp = b0 & (0x3F >> (len - 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s, JsonStyle style) {
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  append_json_string_content(out, s, style);
  out.push_back('"');
}

void append_json_string_content(std::string& out, std::string_view s, JsonStyle style) {
  const bool ascii_only = style == JsonStyle::python;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t run = plain_run_end(s, i);
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out.append("\\\""); ++i; continue;
      case '\\': out.append("\\\\"); ++i; continue;
      case '\n': out.append("\\n"); ++i; continue;
      case '\r': out.append("\\r"); ++i; continue;
      case '\t': out.append("\\t"); ++i; continue;
      case '\b': out.append("\\b"); ++i; continue;
      case '\f': out.append("\\f"); ++i; continue;
      default: break;
    }
    if (c < 0x20 || (c == 0x7F && ascii_only)) {
      append_u_escape(out, c);
      ++i;
      continue;
    }
    if (!ascii_only) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    unsigned cp = decode_utf8(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_u_escape(out, cp);
    }
  }
}

void append_python_float(std::string& out, double d) {
  if (!std::isfinite(d)) {  // not valid JSON; a parser never produces it
    out.append("null");
    return;
  }
  char sci[32];
  auto [end, ec] = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
  (void)ec;
  // sci is "[-]D[.DDD]e[+-]XX": split into sign, digits and decimal exponent.
  std::string_view text(sci, end - sci);
  bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exp);
  if (negative) out.push_back('-');
  const int n = static_cast<int>(digits.size());
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out.append("0.");
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out.append(digits);
    } else if (exp + 1 >= n) {
      out.append(digits);
      out.append(static_cast<std::size_t>(exp + 1 - n), '0');
      out.append(".0");
    } else {
      out.append(digits, 0, exp + 1);
      out.push_back('.');
      out.append(digits, exp + 1);
    }
    return;
  }
  out.push_back(digits[0]);
  if (n > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out.push_back('e');
  out.push_back(exp < 0 ? '-' : '+');
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out.push_back('0');
  out.append(std::to_string(a));
}

void JsonWriter::separate() {
  if (!first_) out_.append(style_ == JsonStyle::python ? ", " : ",");
  first_ = false;
}

void JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  first_ = true;
}

void JsonWriter::end_object() {
  out_.push_back('}');
  first_ = false;
}

void JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  first_ = true;
}

void JsonWriter::end_array() {
  out_.push_back(']');
  first_ = false;
}

void JsonWriter::key(std::string_view k) {
  separate();
  append_json_string(out_, k, style_);
  out_.append(style_ == JsonStyle::python ? ": " : ":");
  first_ = true;  // the value that follows takes no separator
}

void JsonWriter::string(std::string_view s) {
  separate();
  append_json_string(out_, s, style_);
}

void JsonWriter::number(std::int64_t n) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  (void)ec;
  out_.append(buf, end);
}

void JsonWriter::number(double d) {
  separate();
  append_python_float(out_, d);
}

void JsonWriter::boolean(bool b) {
  separate();
  out_.append(b ? "true" : "false");
}

void JsonWriter::null() {
  separate();
  out_.append("null");
}

void JsonWriter::value(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: null(); return;
    case boost::json::kind::bool_: boolean(v.get_bool()); return;
    case boost::json::kind::int64: number(v.get_int64()); return;
    case boost::json::kind::uint64: {
      separate();
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      (void)ec;
      out_.append(buf, end);
      return;
    }
    case boost::json::kind::double_: number(v.get_double()); return;
    case boost::json::kind::string: string(v.get_string()); return;
    case boost::json::kind::array: value(v.get_array()); return;
    case boost::json::kind::object: value(v.get_object()); return;
  }
}

void JsonWriter::value(const boost::json::object& o) {
  begin_object();
  for (const auto& kv : o) {
    key(kv.key());
    value(kv.value());
  }
  end_object();
}

void JsonWriter::value(const boost::json::array& a) {
  begin_array();
  for (const auto& e : a) value(e);
  end_array();
}

}  // namespace relay::core
