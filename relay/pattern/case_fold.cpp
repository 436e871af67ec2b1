#include "relay/pattern/case_fold.hpp"

#include <algorithm>

namespace relay::pattern {
namespace {

struct CaseRange {
  char32_t first;
  char32_t last;
  std::uint8_t stride;
  std::int32_t lower;
  std::int32_t upper;
  std::int32_t key;
};

struct CaseSpecial {
  char32_t code;
  const char* lower;
  const char* upper;
  const char* key;
};

#include "relay/pattern/case_table.inc"

struct Mapping {
  std::string_view lower, upper, key;  // for a special
  std::int32_t lower_delta = 0, upper_delta = 0, key_delta = 0;
  bool special = false;
};

Mapping mapping_of(char32_t c) {
  const auto special = std::lower_bound(std::begin(kCaseSpecials), std::end(kCaseSpecials), c,
                                        [](const CaseSpecial& s, char32_t v) { return s.code < v; });
  if (special != std::end(kCaseSpecials) && special->code == c) {
    return Mapping{special->lower, special->upper, special->key, 0, 0, 0, true};
  }
  // Two runs of stride 2 may interleave: the code point is in one of the last two starting at
  // or before it.
  const auto after = std::upper_bound(std::begin(kCaseRanges), std::end(kCaseRanges), c,
                                      [](char32_t v, const CaseRange& r) { return v < r.first; });
  for (auto r = after; r != std::begin(kCaseRanges) && after - r < 2;) {
    --r;
    if (c <= r->last && (c - r->first) % r->stride == 0) return Mapping{{}, {}, {}, r->lower, r->upper, r->key, false};
  }
  return Mapping{};
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | c >> 6);
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | c >> 12);
    out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | c >> 18);
    out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Decodes the well-formed UTF-8 character at `s[i]` into `c` and returns its length, or 0 when
// the bytes there are not UTF-8.
std::size_t decode(std::string_view s, std::size_t i, char32_t& c) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t length = 0;
  char32_t min = 0;
  if (b < 0x80) {
    c = b;
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2, c = b & 0x1F, min = 0x80;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3, c = b & 0x0F, min = 0x800;
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4, c = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    c = c << 6 | (next & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void case_key(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
      ++i;
      continue;
    }
    char32_t c = 0;
    const std::size_t length = decode(s, i, c);
    if (length == 0) {
      out += s[i++];
      continue;
    }
    const Mapping m = mapping_of(c);
    if (m.special) {
      out += m.key;
    } else if (m.key_delta == 0) {
      out.append(s.substr(i, length));
    } else {
      append_utf8(static_cast<char32_t>(static_cast<std::int32_t>(c) + m.key_delta), out);
    }
    i += length;
  }
}

std::string case_key(std::string_view utf8) {
  std::string out;
  case_key(utf8, out);
  return out;
}

CaseInsensitiveText::CaseInsensitiveText(std::string_view pattern) {
  std::string lower_case;
  for (std::size_t i = 0; i < pattern.size();) {
    char32_t c = 0;
    std::size_t length = decode(pattern, i, c);
    const std::size_t at = alternatives_.size();
    std::size_t lower_end = 0;
    if (length == 0) {  // not UTF-8: the byte stands for itself
      length = 1;
      alternatives_.append(2, pattern[i]);
      lower_end = at + 1;
    } else if (const Mapping m = mapping_of(c); m.special) {
      alternatives_ += m.lower;
      lower_end = alternatives_.size();
      alternatives_ += m.upper;
    } else {
      append_utf8(static_cast<char32_t>(static_cast<std::int32_t>(c) + m.lower_delta), alternatives_);
      lower_end = alternatives_.size();
      append_utf8(static_cast<char32_t>(static_cast<std::int32_t>(c) + m.upper_delta), alternatives_);
    }
    units_.push_back({static_cast<std::uint32_t>(at), static_cast<std::uint8_t>(lower_end - at),
                      static_cast<std::uint8_t>(alternatives_.size() - lower_end)});
    lower_case.append(alternatives_, at, lower_end - at);
    i += length;
  }
  key_ = case_key(lower_case);
}

// One case of a character is never a proper prefix of the other (gen_case_table.py checks), so
// at each place at most one of them fits: matching is one pass.
std::size_t CaseInsensitiveText::match_length(std::string_view value, bool backwards) const {
  std::size_t matched = 0;
  for (std::size_t k = 0; k < units_.size(); ++k) {
    const Unit& unit = units_[backwards ? units_.size() - 1 - k : k];
    const std::string_view lower(alternatives_.data() + unit.at, unit.lower_size);
    const std::string_view upper(alternatives_.data() + unit.at + unit.lower_size, unit.upper_size);
    const std::string_view rest = backwards ? value.substr(0, value.size() - matched) : value.substr(matched);
    const auto fits = [&](std::string_view c) { return backwards ? rest.ends_with(c) : rest.starts_with(c); };
    if (fits(lower)) {
      matched += lower.size();
    } else if (fits(upper)) {
      matched += upper.size();
    } else {
      return kNoMatch;
    }
  }
  return matched;
}

bool CaseInsensitiveText::matches(std::string_view value) const { return match_length(value, false) == value.size(); }
bool CaseInsensitiveText::is_prefix_of(std::string_view value) const { return match_length(value, false) != kNoMatch; }
bool CaseInsensitiveText::is_suffix_of(std::string_view value) const { return match_length(value, true) != kNoMatch; }

}  // namespace relay::pattern
