#include "relay/pattern/json_scanner.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace relay::pattern {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Bit 7 of byte i is set when byte i of `w` is '"', '\\', a control character or not ASCII.
// Borrows only carry into bytes above a set one, so the lowest set bit is exact.
std::uint64_t string_stops(std::uint64_t w) {
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  return (has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | ((w - kOnes * 0x20) & ~w) | w) & kHighs;
}

// Bit 7 of byte i is set when byte i of `w` is not a digit; as above, the lowest is exact.
std::uint64_t non_digits(std::uint64_t w) {
  const std::uint64_t x = w ^ (kOnes * '0');  // digits become 0..9
  return ((x + kOnes * (0x80 - 10)) | x) & kHighs;
}

std::uint64_t load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

static_assert(std::endian::native == std::endian::little, "the 8-byte scans assume little-endian loads");

// How many bytes precede the lowest flagged one.
std::size_t first_flagged(std::uint64_t flags) { return static_cast<std::size_t>(std::countr_zero(flags)) / 8; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(const char* p, unsigned& out) {
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit(p[i]);
    if (d < 0) return false;
    out = out << 4 | static_cast<unsigned>(d);
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Decodes a string body already validated by scan_string (without its quotes).
void decode_string(std::string_view body, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = body[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        unsigned unit = 0;
        read_hex4(body.data() + i + 1, unit);
        i += 4;
        char32_t code = unit;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          unsigned low = 0;
          read_hex4(body.data() + i + 3, low);
          i += 6;
          code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, code);
        break;
      }
      default: out += e;  // '"', '\\' and '/'
    }
  }
}

// The scanning primitives work on a cursor the caller keeps in a local, so that inlined
// into the skip loop it stays in registers. Each returns false on a syntax error.
struct Cursor {
  const char* p;
  const char* end;
};

#define RELAY_HOT [[gnu::always_inline]] inline

RELAY_HOT void skip_ws(Cursor& c) { c.p = skip_json_whitespace(c.p, c.end); }

// The rare paths take and return plain pointers (nullptr for an error) so that the hot
// loops' cursor never has its address taken and can stay in registers.

// From a backslash inside a string to just after the escape.
const char* scan_escape(const char* p, const char* end) {
  if (end - p < 2) return nullptr;
  const char e = p[1];
  if (e != 'u') {
    if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return nullptr;
    return p + 2;
  }
  unsigned unit = 0;
  if (end - p < 6 || !read_hex4(p + 2, unit)) return nullptr;
  p += 6;
  if (unit >= 0xDC00 && unit <= 0xDFFF) return nullptr;  // a lone trailing surrogate
  if (unit < 0xD800 || unit > 0xDBFF) return p;
  unsigned low = 0;
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4(p + 2, low)) return nullptr;
  if (low < 0xDC00 || low > 0xDFFF) return nullptr;
  return p + 6;
}

// From the first byte of a multi-byte UTF-8 character to just after it.
const char* scan_utf8(const char* p, const char* end) {
  const auto* s = reinterpret_cast<const unsigned char*>(p);
  const auto left = end - p;
  const unsigned char b = s[0];
  int length = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    if (left < 2) return nullptr;
    if ((b == 0xE0 && s[1] < 0xA0) || (b == 0xED && s[1] > 0x9F)) return nullptr;
    length = 3;
  } else if (b >= 0xF0 && b <= 0xF4) {
    if (left < 2) return nullptr;
    if ((b == 0xF0 && s[1] < 0x90) || (b == 0xF4 && s[1] > 0x8F)) return nullptr;
    length = 4;
  } else {
    return nullptr;
  }
  if (left < length) return nullptr;
  for (int i = 1; i < length; ++i) {
    if ((s[i] & 0xC0) != 0x80) return nullptr;
  }
  return p + length;
}

// From just after an opening quote to just after the closing one.
RELAY_HOT bool scan_string(Cursor& c, bool& escaped) {
  for (;;) {
    while (c.end - c.p >= 8) {
      if (const std::uint64_t stops = string_stops(load8(c.p))) {
        c.p += first_flagged(stops);
        break;
      }
      c.p += 8;
    }
    if (c.p == c.end) return false;
    const auto b = static_cast<unsigned char>(*c.p);
    if (b == '"') {
      ++c.p;
      return true;
    }
    if (b < 0x20) return false;
    if (b < 0x80 && b != '\\') {
      ++c.p;
      continue;
    }
    escaped = escaped || b == '\\';
    const char* next = b == '\\' ? scan_escape(c.p, c.end) : scan_utf8(c.p, c.end);
    if (!next) return false;
    c.p = next;
  }
}

RELAY_HOT bool scan_digits(Cursor& c) {
  const char* start = c.p;
  while (c.end - c.p >= 8) {
    if (const std::uint64_t stops = non_digits(load8(c.p))) {
      c.p += first_flagged(stops);
      return c.p != start;
    }
    c.p += 8;
  }
  while (c.p != c.end && *c.p >= '0' && *c.p <= '9') ++c.p;
  return c.p != start;
}

RELAY_HOT bool scan_number(Cursor& c) {
  if (c.p != c.end && *c.p == '-') ++c.p;
  if (c.p != c.end && *c.p == '0') {
    ++c.p;
  } else if (!scan_digits(c)) {
    return false;
  }
  if (c.p != c.end && *c.p == '.') {
    ++c.p;
    if (!scan_digits(c)) return false;
  }
  if (c.p != c.end && (*c.p == 'e' || *c.p == 'E')) {
    ++c.p;
    if (c.p != c.end && (*c.p == '+' || *c.p == '-')) ++c.p;
    if (!scan_digits(c)) return false;
  }
  return true;
}

RELAY_HOT bool scan_literal(Cursor& c, std::string_view word) {
  if (static_cast<std::size_t>(c.end - c.p) < word.size() || std::memcmp(c.p, word.data(), word.size()) != 0) {
    return false;
  }
  c.p += word.size();
  return true;
}

// A string, number or literal, after whitespace.
RELAY_HOT bool scan_scalar(Cursor& c) {
  bool escaped = false;
  switch (c.p == c.end ? '\0' : *c.p) {
    case '"': ++c.p; return scan_string(c, escaped);
    case 't': return scan_literal(c, "true");
    case 'f': return scan_literal(c, "false");
    case 'n': return scan_literal(c, "null");
    default: return scan_number(c);
  }
}

// `"name" :` and the whitespace after it.
RELAY_HOT bool scan_member_name(Cursor& c) {
  bool escaped = false;
  skip_ws(c);
  if (c.p == c.end || *c.p != '"') return false;
  ++c.p;
  if (!scan_string(c, escaped)) return false;
  skip_ws(c);
  if (c.p == c.end || *c.p != ':') return false;
  ++c.p;
  return true;
}

bool skip_any(Cursor& c) {
  skip_ws(c);
  if (c.p != c.end && *c.p != '{' && *c.p != '[') return scan_scalar(c);  // the common case
  // The containers we are inside, innermost last: one bit each, set for an object. The
  // innermost 64 stay in a register; deeper ones spill to memory.
  std::uint64_t open = 0;
  std::size_t depth = 0;
  std::string spilled;
  const auto push = [&](bool object) {
    if (depth++ >= 64) spilled += static_cast<char>(open >> 63);
    open = open << 1 | static_cast<std::uint64_t>(object);
  };
  const auto pop = [&] {
    open >>= 1;
    if (--depth >= 64) {
      open |= static_cast<std::uint64_t>(spilled.back()) << 63;
      spilled.pop_back();
    }
  };
  const auto in_object = [&] { return (open & 1) != 0; };
  for (;;) {
    // One value: a scalar, an empty container, or the opening of a container.
    skip_ws(c);
    if (c.p == c.end) return false;
    const char first = *c.p;
    if (first == '{' || first == '[') {
      ++c.p;
      skip_ws(c);
      if (c.p == c.end) return false;
      if (*c.p != (first == '{' ? '}' : ']')) {
        push(first == '{');
        if (first == '{' && !scan_member_name(c)) return false;
        continue;
      }
      ++c.p;
    } else if (!scan_scalar(c)) {
      return false;
    }
    // After a complete value: close containers until a comma asks for the next value.
    for (;;) {
      if (depth == 0) return true;
      skip_ws(c);
      if (c.p == c.end) return false;
      const char next = *c.p++;
      if (next == ',') {
        if (in_object() && !scan_member_name(c)) return false;
        break;
      }
      if (next != (in_object() ? '}' : ']')) return false;
      pop();
    }
  }
}

#undef RELAY_HOT

}  // namespace

bool JsonScanner::read_string(std::string_view& out, std::string& scratch) {
  if (!consume('"')) return false;
  Cursor c{p_, end_};
  bool escaped = false;
  const bool ok = scan_string(c, escaped);
  const std::string_view body(p_, static_cast<std::size_t>(c.p - 1 - p_));
  p_ = c.p;
  if (!ok) return false;
  if (!escaped) {
    out = body;
    return true;
  }
  decode_string(body, scratch);
  out = scratch;
  return true;
}

bool JsonScanner::read_number(std::string_view& token) {
  skip_whitespace();
  Cursor c{p_, end_};
  const bool ok = scan_number(c);
  token = std::string_view(p_, static_cast<std::size_t>(c.p - p_));
  p_ = c.p;
  return ok;
}

bool JsonScanner::read_literal(std::string_view word) {
  skip_whitespace();
  Cursor c{p_, end_};
  const bool ok = scan_literal(c, word);
  p_ = c.p;
  return ok;
}

bool JsonScanner::skip_value() {
  Cursor c{p_, end_};
  const bool ok = skip_any(c);
  p_ = c.p;
  return ok;
}

double number_value(std::string_view token) {
  double value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec == std::errc::result_out_of_range) {
    const bool negative = token.front() == '-';
    const auto e = token.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && token[e + 1] == '-';
    const double magnitude = tiny ? 0.0 : HUGE_VAL;
    return negative ? -magnitude : magnitude;
  }
  return value;
}

}  // namespace relay::pattern
