#include "relay/store/filter_text.hpp"

#include "relay/core/object_reader.hpp"
#include "relay/core/utc_time.hpp"

#include <charconv>

namespace relay::store {

namespace {

template <class Int>
std::optional<Int> positive(const std::string& text) {
  Int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

std::optional<TimePoint> time_or_age(const std::string& text, TimePoint now) {
  if (auto age = core::parse_duration(text)) return now - *age;
  return core::parse_utc(text);
}

}  // namespace

std::variant<Filter, FilterProblem> parse_filter(const FilterText& text, TimePoint now) {
  Filter f;
  if (!text.id.empty() && !(f.id = positive<std::int64_t>(text.id)))
    return FilterProblem{"id", "expected a delivery id (a positive whole number)"};
  if (!text.status.empty() && !(f.state = parse_state(text.status)))
    return FilterProblem{"status", "expected pending, in_flight, delivered or dead"};
  if (!text.limit.empty()) {
    auto limit = positive<std::size_t>(text.limit);
    if (!limit) return FilterProblem{"limit", "expected a positive whole number"};
    f.limit = *limit;
  }
  if (!text.destination.empty()) f.destination = text.destination;
  if (!text.route.empty()) f.route = text.route;
  if (!text.event_id.empty()) f.event_id = text.event_id;
  const auto bad_time = [](const char* field) {
    return FilterProblem{field, "expected a time such as 2025-01-01T00:00:00Z or an age such as 2h"};
  };
  if (!text.since.empty() && !(f.since = time_or_age(text.since, now))) return bad_time("since");
  if (!text.until.empty() && !(f.until = time_or_age(text.until, now))) return bad_time("until");
  return f;
}

bool narrows(const FilterText& t) {
  return !t.id.empty() || !t.destination.empty() || !t.route.empty() || !t.event_id.empty() || !t.since.empty() ||
         !t.until.empty();
}

}  // namespace relay::store
