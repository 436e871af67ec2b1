#include "relay/pattern/value_index.hpp"


#include <algorithm>

namespace relay::pattern {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

void append(const Ids& ids, Ids& out) { out.insert(out.end(), ids.begin(), ids.end()); }

template <class Map, class Key>
void append_found(const Map& map, const Key& key, Ids& out) {
  if (map.empty()) return;
  const auto it = map.find(key);
  if (it != map.end()) append(it->second, out);
}

// The map for `length` in a vector of (length, map) kept in ascending order.
StringMap<Ids>& map_for(std::vector<std::pair<std::size_t, StringMap<Ids>>>& maps, std::size_t length) {
  auto it = std::lower_bound(maps.begin(), maps.end(), length,
                             [](const auto& entry, std::size_t l) { return entry.first < l; });
  if (it == maps.end() || it->first != length) it = maps.insert(it, {length, {}});
  return it->second;
}

std::string address_key(const IpAddress& address) {
  return std::string(reinterpret_cast<const char*>(address.bytes.data()), address.size());
}

}  // namespace

void KeysByLength::add(std::string key, std::uint32_t id) {
  map_for(maps_, key.size())[std::move(key)].push_back(id);
}

void KeysByLength::find_prefixes(std::string_view value, Ids& out) const {
  for (const auto& [length, map] : maps_) {
    if (length > value.size()) break;
    append_found(map, value.substr(0, length), out);
  }
}

void KeysByLength::find_suffixes(std::string_view value, Ids& out) const {
  for (const auto& [length, map] : maps_) {
    if (length > value.size()) break;
    append_found(map, value.substr(value.size() - length), out);
  }
}

void CidrIndex::add(const CidrBlock& block, std::uint32_t id) {
  map_for(blocks_[block.network.v6], block.prefix_bits)[address_key(block.network)].push_back(id);
}

void CidrIndex::find(std::string_view value, Ids& out) const {
  const auto address = parse_ip(value);
  if (!address) return;
  for (const auto& [bits, map] : blocks_[address->v6]) append_found(map, address_key(masked(*address, bits)), out);
}

void ValueIndex::add(const ValueTest& test, std::uint32_t id) {
  std::visit(Overloaded{
                 [&](const Exact& t) {
                   std::visit(Overloaded{
                                  [&](Null) { nulls_.push_back(id); },
                                  [&](bool b) { (b ? trues_ : falses_).push_back(id); },
                                  [&](double d) { numbers_[d].push_back(id); },
                                  [&](const std::string& s) { strings_[s].push_back(id); },
                                  [&](const NumberSpelling& n) { spelled_numbers_[n.text].push_back(id); },
                              },
                              t.value);
                 },
                 [&](const Prefix& t) {
                   if (t.ignore_case) {
                     add_caseless(t.text, Anchor::start, id);
                   } else {
                     prefixes_.add(t.text, id);
                   }
                 },
                 [&](const Suffix& t) {
                   if (t.ignore_case) {
                     add_caseless(t.text, Anchor::end, id);
                   } else {
                     suffixes_.add(t.text, id);
                   }
                 },
                 [&](const EqualsIgnoreCase& t) { add_caseless(t.text, Anchor::whole, id); },
                 [&](const NumericRange& t) { numeric_.add(t, id); },
                 [&](const Cidr& t) { cidrs_.add(t.block, id); },
                 [&](const Wildcard& t) {
                   const auto glob_id = static_cast<std::uint32_t>(globs_.size());
                   globs_.emplace_back(t.glob, id);
                   if (!t.glob.pieces.front().empty()) {
                     globs_by_start_.add(t.glob.pieces.front(), glob_id);
                   } else if (!t.glob.pieces.back().empty()) {
                     globs_by_end_.add(t.glob.pieces.back(), glob_id);
                   } else {
                     unanchored_globs_.push_back(glob_id);
                   }
                 },
             },
             test);
}

void ValueIndex::find(const FieldValue& value, Ids& out, std::string& scratch) const {
  switch (value.kind) {
    case ValueKind::string: find_string(value.text, out, scratch); break;
    case ValueKind::number:
      append_found(numbers_, value.number, out);
      numeric_.find(value.number, out);
      break;
    case ValueKind::spelled_number: append_found(spelled_numbers_, value.text, out); break;
    case ValueKind::true_value: append(trues_, out); break;
    case ValueKind::false_value: append(falses_, out); break;
    case ValueKind::null: append(nulls_, out); break;
  }
}

void ValueIndex::find_string(std::string_view s, Ids& out, std::string& scratch) const {
  append_found(strings_, s, out);
  prefixes_.find_prefixes(s, out);
  suffixes_.find_suffixes(s, out);
  if (!caseless_.empty()) find_caseless(s, out, scratch);
  if (!globs_.empty()) find_globs(s, out);
  if (!cidrs_.empty()) cidrs_.find(s, out);
}

void ValueIndex::add_caseless(std::string_view text, Anchor anchor, std::uint32_t id) {
  const auto at = static_cast<std::uint32_t>(caseless_.size());
  caseless_.push_back({CaseInsensitiveText(text), anchor, id});
  const std::string& key = caseless_.back().text.key();
  switch (anchor) {
    case Anchor::whole: caseless_whole_[key].push_back(at); break;
    case Anchor::start: caseless_starts_.add(key, at); break;
    case Anchor::end: caseless_ends_.add(key, at); break;
  }
}

void ValueIndex::find_caseless(std::string_view s, Ids& out, std::string& scratch) const {
  // Candidates are appended to `out`, then replaced in place by the ids of those that match.
  const std::size_t first = out.size();
  case_key(s, scratch);
  append_found(caseless_whole_, std::string_view(scratch), out);
  caseless_starts_.find_prefixes(scratch, out);
  caseless_ends_.find_suffixes(scratch, out);
  std::size_t kept = first;
  for (std::size_t i = first; i < out.size(); ++i) {
    const Caseless& test = caseless_[out[i]];
    const bool holds = test.anchor == Anchor::whole   ? test.text.matches(s)
                       : test.anchor == Anchor::start ? test.text.is_prefix_of(s)
                                                      : test.text.is_suffix_of(s);
    if (holds) out[kept++] = test.id;
  }
  out.resize(kept);
}

void ValueIndex::find_globs(std::string_view s, Ids& out) const {
  // Candidates are appended to `out`, then replaced in place by the ids of those that match.
  const std::size_t first = out.size();
  append(unanchored_globs_, out);
  globs_by_start_.find_prefixes(s, out);
  globs_by_end_.find_suffixes(s, out);
  std::size_t kept = first;
  for (std::size_t i = first; i < out.size(); ++i) {
    const auto& [glob, id] = globs_[out[i]];
    if (glob_matches(glob, s)) out[kept++] = id;
  }
  out.resize(kept);
}

}  // namespace relay::pattern
