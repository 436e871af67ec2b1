#pragma once
// Every ValueTest on one field, indexed so that the tests a value passes are found without
// trying them one by one: hash maps for exact values, hash maps per length for prefixes,
// suffixes and CIDR blocks, a piece table for numeric ranges, and wildcards filed under their
// literal start or end.
#include "relay/pattern/case_fold.hpp"
#include "relay/pattern/event_fields.hpp"
#include "relay/pattern/numeric_index.hpp"
#include "relay/pattern/pattern.hpp"
#include "relay/pattern/string_map.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relay::pattern {

using Ids = std::vector<std::uint32_t>;

// Keys of several lengths, one hash map per length: a value is probed once per length.
class KeysByLength {
 public:
  void add(std::string key, std::uint32_t id);
  bool empty() const { return maps_.empty(); }
  // Appends the ids of every key that is a prefix (or suffix) of `value`.
  void find_prefixes(std::string_view value, Ids& out) const;
  void find_suffixes(std::string_view value, Ids& out) const;

 private:
  std::vector<std::pair<std::size_t, StringMap<Ids>>> maps_;  // by ascending length
};

// CIDR blocks, one hash map of network addresses per family and prefix length.
class CidrIndex {
 public:
  void add(const CidrBlock& block, std::uint32_t id);
  bool empty() const { return blocks_[0].empty() && blocks_[1].empty(); }
  void find(std::string_view value, Ids& out) const;

 private:
  using ByPrefixLength = std::vector<std::pair<std::size_t, StringMap<Ids>>>;
  ByPrefixLength blocks_[2];  // IPv4, IPv6
};

class ValueIndex {
  enum class Anchor : std::uint8_t { whole, start, end };  // of a case-insensitive test

 public:
  // `id` is reported for each value that passes `test`.
  void add(const ValueTest& test, std::uint32_t id);
  // Call once after the last add and before the first find.
  void build() { numeric_.build(); }
  // Appends the ids of the tests `value` passes; `scratch` holds a folded copy.
  void find(const FieldValue& value, Ids& out, std::string& scratch) const;

 private:
  void find_string(std::string_view s, Ids& out, std::string& scratch) const;
  void find_globs(std::string_view s, Ids& out) const;
  void add_caseless(std::string_view text, Anchor anchor, std::uint32_t id);
  void find_caseless(std::string_view s, Ids& out, std::string& scratch) const;

  StringMap<Ids> strings_;
  std::unordered_map<double, Ids> numbers_;
  StringMap<Ids> spelled_numbers_;
  Ids trues_, falses_, nulls_;
  KeysByLength prefixes_, suffixes_;
  // Case-insensitive tests are filed under their case key; the ids found there index
  // caseless_, whose tests then decide.
  struct Caseless {
    CaseInsensitiveText text;
    Anchor anchor;
    std::uint32_t id;
  };
  std::vector<Caseless> caseless_;
  StringMap<Ids> caseless_whole_;
  KeysByLength caseless_starts_, caseless_ends_;
  NumericIndex numeric_;
  // Wildcards are filed under their literal start, else their literal end, else tried on
  // every string; the ids found there index globs_.
  std::vector<std::pair<Glob, std::uint32_t>> globs_;
  KeysByLength globs_by_start_, globs_by_end_;
  Ids unanchored_globs_;
  CidrIndex cidrs_;
};

}  // namespace relay::pattern
