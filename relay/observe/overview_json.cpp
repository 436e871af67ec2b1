#include "relay/observe/overview_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "relay/core/utc_time.hpp"

namespace relay::observe {

namespace json = boost::json;

namespace {

json::array counts(const std::array<std::uint64_t, MinuteSeries::kMinutes>& per_minute) {
  json::array out;
  for (const auto n : per_minute) out.emplace_back(n);
  return out;
}

template <class T, class F>
json::value or_null(const std::optional<T>& v, F to_json) {
  return v ? to_json(*v) : json::value(nullptr);
}

}  // namespace

std::string overview_json(const Activity& activity, std::chrono::system_clock::time_point now,
                          const std::optional<OverviewBacklog>& backlog,
                          const std::vector<OverviewDestination>& destinations) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto series = activity.series(now);
  const auto outcomes = activity.outcomes();
  const OverviewBacklog b = backlog.value_or(OverviewBacklog{});
  const auto age = [now](auto oldest) {
    return json::value(std::max<std::int64_t>(0, duration_cast<seconds>(now - oldest).count()));
  };
  const auto time = [](auto t) { return json::value(core::format_utc_millis(t)); };

  json::array listed;
  for (const auto& d : destinations) {
    const auto health = activity.health(d.name, now);
    listed.push_back(json::object{
        {"name", d.name},
        {"paused", d.paused},
        {"last_status", or_null(health.last_status, [](int s) { return json::value(s); })},
        {"last_attempt", or_null(health.last_attempt, time)},
        {"success_rate", or_null(health.success_rate, [](double r) { return json::value(r); })},
        {"p99_ms", or_null(health.p99, [](auto ms) { return json::value(ms.count()); })},
        {"dead_letters", d.dead_letters}});
  }
  const json::object body{
      {"now", core::format_utc_millis(now)},
      {"series", json::object{{"step_seconds", 60},
                              {"start", core::format_utc_millis(series.start)},
                              {"events", counts(series.counts[MinuteSeries::events])},
                              {"deliveries", counts(series.counts[MinuteSeries::deliveries])},
                              {"failures", counts(series.counts[MinuteSeries::failures])}}},
      {"outcomes", json::object{{"delivered", outcomes.delivered}, {"retry", outcomes.retry}, {"dead", outcomes.dead}}},
      {"backlog", json::object{{"count", b.count},
                               {"bytes", b.bytes},
                               {"oldest_pending_age_seconds", or_null(b.oldest, age)},
                               {"dead", b.dead}}},
      {"destinations", std::move(listed)}};
  return json::serialize(body);
}

}  // namespace relay::observe
