#include "relay/pattern/matcher.hpp"

#include "relay/pattern/array_consistency.hpp"
#include "relay/pattern/event_reader.hpp"
#include "relay/pattern/field_tree.hpp"
#include "relay/pattern/pattern_parser.hpp"
#include "relay/pattern/pattern_text.hpp"
#include "relay/pattern/value_index.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace relay::pattern {
namespace {

constexpr std::uint32_t kNoHit = UINT32_MAX;

// Per-thread working memory of Matcher::match. Entries are valid only when their epoch
// equals the current one, so nothing is cleared between events.
struct MatchState {
  struct Hit {
    std::uint32_t value;  // index into event.values
    std::uint32_t group;
    std::uint32_t next;   // the branch's previous hit, or kNoHit
  };

  EventFields event;
  Ids found;
  Ids excluded;
  std::string folded;
  std::vector<Hit> hits;
  Ids touched_branches;
  ArrayConsistency consistency;

  std::uint32_t epoch = 0;
  std::vector<std::uint32_t> group_epoch, group_last_hit;
  std::vector<std::uint32_t> branch_epoch, branch_satisfied, branch_last_hit;
  std::vector<std::uint32_t> field_epoch;
  std::uint32_t value_serial = 0;
  std::vector<std::uint32_t> excluded_serial;  // per anything-but: the value that excluded it

  void begin(std::size_t groups, std::size_t branches, std::size_t fields, std::size_t anything_buts) {
    if (group_epoch.size() < groups) {
      group_epoch.resize(groups);
      group_last_hit.resize(groups);
    }
    if (branch_epoch.size() < branches) {
      branch_epoch.resize(branches);
      branch_satisfied.resize(branches);
      branch_last_hit.resize(branches);
    }
    if (field_epoch.size() < fields) field_epoch.resize(fields);
    if (excluded_serial.size() < anything_buts) excluded_serial.resize(anything_buts);
    if (++epoch == UINT32_MAX) {
      std::fill(group_epoch.begin(), group_epoch.end(), 0);
      std::fill(branch_epoch.begin(), branch_epoch.end(), 0);
      std::fill(field_epoch.begin(), field_epoch.end(), 0);
      epoch = 1;
    }
    hits.clear();
    touched_branches.clear();
  }

  std::uint32_t next_value_serial() {
    if (++value_serial == UINT32_MAX) {
      std::fill(excluded_serial.begin(), excluded_serial.end(), 0);
      value_serial = 1;
    }
    return value_serial;
  }
};

MatchState& thread_state() {
  thread_local MatchState state;
  return state;
}

}  // namespace

struct Matcher::Impl {
  struct Field {
    ValueIndex tests;       // ids are groups
    ValueIndex exclusions;  // ids are anything-buts
    Ids exists;             // groups passed by any value
    std::vector<std::pair<std::uint32_t, std::uint32_t>> anything_buts;  // (anything-but, group)
  };

  FieldTree tree;
  std::vector<Field> fields;
  // A group is one FieldConditions of one conjunction; a branch is one conjunction. A
  // branch's groups are numbered consecutively.
  std::vector<std::uint32_t> group_field;
  std::vector<std::uint32_t> group_branch;
  std::vector<std::uint8_t> group_absent_ok;  // holds when the field has no value
  std::vector<std::uint32_t> branch_groups_begin{0};
  std::vector<std::uint32_t> branch_pattern;
  Ids absence_only_branches;  // branches that can hold without any value
  std::uint32_t anything_buts = 0;

  void add(std::uint32_t id, const Disjunction& pattern);
  void build();
  MatchState& prepared_state() const;
  void match(MatchState& state, std::vector<std::uint32_t>& out) const;

 private:
  void collect_hits(MatchState& state) const;
  void record_hit(MatchState& state, std::uint32_t group, std::uint32_t value, bool keep_hits) const;
  bool branch_holds(MatchState& state, std::uint32_t branch, bool has_arrays) const;
  bool values_consistent(MatchState& state, std::uint32_t branch) const;
};

void Matcher::Impl::add(std::uint32_t id, const Disjunction& pattern) {
  for (const Conjunction& conjunction : pattern) {
    const auto branch = static_cast<std::uint32_t>(branch_pattern.size());
    branch_pattern.push_back(id);
    bool absence_only = true;
    for (const FieldConditions& conditions : conjunction.fields) {
      const auto group = static_cast<std::uint32_t>(group_field.size());
      const std::uint32_t field_id = tree.field_of(conditions.path);
      if (fields.size() <= field_id) fields.resize(field_id + 1);
      Field& field = fields[field_id];
      bool absent_ok = false;
      for (const Condition& condition : conditions.any_of) {
        if (const auto* test = std::get_if<ValueTest>(&condition)) {
          field.tests.add(*test, group);
        } else if (const auto* exists = std::get_if<Exists>(&condition)) {
          if (exists->present) {
            field.exists.push_back(group);
          } else {
            absent_ok = true;
          }
        } else {
          const std::uint32_t anything_but = anything_buts++;
          field.anything_buts.emplace_back(anything_but, group);
          for (const ValueTest& excluded : std::get<AnythingBut>(condition).excluded) {
            field.exclusions.add(excluded, anything_but);
          }
        }
      }
      group_field.push_back(field_id);
      group_branch.push_back(branch);
      group_absent_ok.push_back(absent_ok);
      absence_only = absence_only && absent_ok;
    }
    branch_groups_begin.push_back(static_cast<std::uint32_t>(group_field.size()));
    if (absence_only) absence_only_branches.push_back(branch);
  }
}

void Matcher::Impl::build() {
  for (Field& field : fields) {
    field.tests.build();
    field.exclusions.build();
  }
}

void Matcher::Impl::record_hit(MatchState& state, std::uint32_t group, std::uint32_t value, bool keep_hits) const {
  if (state.group_epoch[group] != state.epoch) {
    state.group_epoch[group] = state.epoch;
    state.group_last_hit[group] = kNoHit;
    const std::uint32_t branch = group_branch[group];
    if (state.branch_epoch[branch] != state.epoch) {
      state.branch_epoch[branch] = state.epoch;
      state.branch_satisfied[branch] = 0;
      state.branch_last_hit[branch] = kNoHit;
      state.touched_branches.push_back(branch);
    }
    ++state.branch_satisfied[branch];
  } else if (!keep_hits || state.hits[state.group_last_hit[group]].value == value) {
    return;
  }
  if (keep_hits) {
    const std::uint32_t branch = group_branch[group];
    state.hits.push_back({value, group, state.branch_last_hit[branch]});
    state.group_last_hit[group] = state.branch_last_hit[branch] = static_cast<std::uint32_t>(state.hits.size() - 1);
  }
}

void Matcher::Impl::collect_hits(MatchState& state) const {
  const auto& values = state.event.values;
  // Which values satisfy a group only matters when arrays may make two values incompatible.
  const bool keep_hits = !state.event.positions.empty();
  for (std::uint32_t v = 0; v < values.size(); ++v) {
    const FieldValue& value = values[v];
    const Field& field = fields[value.field];
    state.field_epoch[value.field] = state.epoch;
    state.found.clear();
    field.tests.find(value, state.found, state.folded);
    state.found.insert(state.found.end(), field.exists.begin(), field.exists.end());
    if (!field.anything_buts.empty()) {
      const std::uint32_t serial = state.next_value_serial();
      state.excluded.clear();
      field.exclusions.find(value, state.excluded, state.folded);
      for (const std::uint32_t anything_but : state.excluded) state.excluded_serial[anything_but] = serial;
      for (const auto& [anything_but, group] : field.anything_buts) {
        if (state.excluded_serial[anything_but] != serial) state.found.push_back(group);
      }
    }
    for (const std::uint32_t group : state.found) record_hit(state, group, v, keep_hits);
  }
}

bool Matcher::Impl::branch_holds(MatchState& state, std::uint32_t branch, bool has_arrays) const {
  const std::uint32_t begin = branch_groups_begin[branch];
  const std::uint32_t end = branch_groups_begin[branch + 1];
  std::uint32_t satisfied = state.branch_epoch[branch] == state.epoch ? state.branch_satisfied[branch] : 0;
  for (std::uint32_t g = begin; g < end && satisfied < end - begin; ++g) {
    if (group_absent_ok[g] && state.group_epoch[g] != state.epoch && state.field_epoch[group_field[g]] != state.epoch) {
      ++satisfied;
    }
  }
  if (satisfied != end - begin) return false;
  // One group with hits can always take one of them.
  const bool constrained =
      has_arrays && state.branch_epoch[branch] == state.epoch && state.branch_satisfied[branch] > 1;
  return !constrained || values_consistent(state, branch);
}

// Whether each group with hits can take one of them with event-ruler's array consistency
// (groups held by absence have no hits and constrain nothing). Hits come newest first.
bool Matcher::Impl::values_consistent(MatchState& state, std::uint32_t branch) const {
  const std::uint32_t begin = branch_groups_begin[branch];
  const EventFields& event = state.event;
  ArrayConsistency& consistency = state.consistency;
  consistency.begin(branch_groups_begin[branch + 1] - begin);
  for (std::uint32_t h = state.branch_last_hit[branch]; h != kNoHit; h = state.hits[h].next) {
    const FieldValue& value = event.values[state.hits[h].value];
    const std::span<const ArrayPosition> path(event.positions.data() + value.positions_begin,
                                              value.positions_end - value.positions_begin);
    if (!consistency.add(path, state.hits[h].group - begin)) return false;
  }
  return consistency.holds();
}

void Matcher::Impl::match(MatchState& state, std::vector<std::uint32_t>& out) const {
  out.clear();
  collect_hits(state);
  const bool has_arrays = !state.event.positions.empty();
  for (const std::uint32_t branch : state.touched_branches) {
    if (branch_holds(state, branch, has_arrays)) out.push_back(branch_pattern[branch]);
  }
  for (const std::uint32_t branch : absence_only_branches) {
    if (state.branch_epoch[branch] != state.epoch && branch_holds(state, branch, has_arrays)) {
      out.push_back(branch_pattern[branch]);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

struct MatcherBuilder::Impl {
  Limits limits;
  Matcher::Impl compiled;

  std::optional<PatternError> add(std::uint32_t id, const boost::json::value& pattern,
                                  const NumberSpellings& spellings = {}) {
    Disjunction parsed;
    if (auto error = parse_pattern(pattern, spellings, limits, parsed)) return error;
    compiled.add(id, parsed);
    return std::nullopt;
  }
};

namespace {

std::optional<PatternError> too_long(std::size_t chars, const Limits& limits) {
  if (chars <= limits.max_pattern_chars) return std::nullopt;
  return PatternError{"", "pattern has " + std::to_string(chars) + " characters, more than the limit of " +
         std::to_string(limits.max_pattern_chars)};
}

}  // namespace

MatcherBuilder::MatcherBuilder(Limits limits) : impl_(std::make_unique<Impl>()) { impl_->limits = limits; }
MatcherBuilder::~MatcherBuilder() = default;
MatcherBuilder::MatcherBuilder(MatcherBuilder&&) noexcept = default;
MatcherBuilder& MatcherBuilder::operator=(MatcherBuilder&&) noexcept = default;

std::optional<PatternError> MatcherBuilder::add(std::uint32_t id, std::string_view pattern_json) {
  if (auto error = too_long(pattern_json.size(), impl_->limits)) return error;
  boost::json::value pattern;
  NumberSpellings spellings;
  if (auto error = read_pattern_text(pattern_json, pattern, spellings)) return error;
  return impl_->add(id, pattern, spellings);
}

std::optional<PatternError> MatcherBuilder::add(std::uint32_t id, const boost::json::value& pattern) {
  if (auto error = too_long(boost::json::serialize(pattern).size(), impl_->limits)) return error;
  return impl_->add(id, pattern);
}

Matcher MatcherBuilder::build() && {
  Matcher matcher;
  *matcher.impl_ = std::move(impl_->compiled);
  matcher.impl_->build();
  impl_ = std::make_unique<Impl>();
  return matcher;
}

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

MatchState& Matcher::Impl::prepared_state() const {
  MatchState& state = thread_state();
  state.begin(group_field.size(), branch_pattern.size(), fields.size(), anything_buts);
  return state;
}

void Matcher::match(const boost::json::value& event, std::vector<std::uint32_t>& out) const {
  MatchState& state = impl_->prepared_state();
  read_event(event, impl_->tree, state.event);
  impl_->match(state, out);
}

bool Matcher::match_json(std::string_view event_json, std::vector<std::uint32_t>& out) const {
  MatchState& state = impl_->prepared_state();
  if (!read_event(event_json, impl_->tree, state.event)) {
    out.clear();
    return false;
  }
  impl_->match(state, out);
  return true;
}

bool Matcher::empty() const { return impl_->branch_pattern.empty(); }

}  // namespace relay::pattern
