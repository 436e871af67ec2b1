#pragma once
// equals-ignore-case and its prefix/suffix forms, as event-ruler matches them
// (EqualsIgnoreCaseParser): each character of the pattern stands for its lower case or its
// upper case, as Java's String.toLowerCase/toUpperCase(Locale.ROOT) map that one character
// (full mappings included: "ß" stands for "ß" or "SS", "İ" for "i̇" or "İ"); the value's
// characters stand for themselves. The mappings are Unicode 15's (case_table.inc).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pattern {

// Replaces `out` with the case key of `utf8`: every value a CaseInsensitiveText matches (in
// whole, or the part a prefix or suffix covers) has the key of the pattern. Bytes that are
// not UTF-8 are kept as they are.
void case_key(std::string_view utf8, std::string& out);
std::string case_key(std::string_view utf8);

class CaseInsensitiveText {
 public:
  explicit CaseInsensitiveText(std::string_view pattern);

  const std::string& key() const { return key_; }
  bool matches(std::string_view value) const;
  bool is_prefix_of(std::string_view value) const;
  bool is_suffix_of(std::string_view value) const;

 private:
  // One pattern character: its lower case then its upper case, in `alternatives_`.
  struct Unit {
    std::uint32_t at;
    std::uint8_t lower_size;
    std::uint8_t upper_size;
  };

  static constexpr std::size_t kNoMatch = SIZE_MAX;
  // How many bytes at the start (or end) of `value` the units match, or kNoMatch.
  std::size_t match_length(std::string_view value, bool backwards) const;

  std::string alternatives_;
  std::vector<Unit> units_;
  std::string key_;
};

}  // namespace relay::pattern
