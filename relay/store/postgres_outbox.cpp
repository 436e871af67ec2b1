#include "relay/store/postgres_outbox.hpp"

#include "relay/store/pg_connection.hpp"
#include "relay/store/postgres_schema.hpp"
#include "relay/core/utf8.hpp"

#include <algorithm>

namespace relay::store {

namespace {

using std::chrono::milliseconds;

// Size checks cost a catalog query: under max_bytes one is made every this many accepts.
constexpr int kAcceptsPerSizeCheck = 64;

// The WHERE clause and parameters a Filter stands for, numbered from `first`.
struct FilterSql {
  std::string where;
  std::vector<PgParam> params;

  FilterSql(const Filter& f, bool with_state, std::int64_t offset_ms, int first) {
    auto add = [&](const char* column, const char* op, PgParam v) {
      params.push_back(std::move(v));
      where += (where.empty() ? " WHERE " : " AND ") + std::string(column) + " " + op + " $" +
               std::to_string(first + static_cast<int>(params.size()) - 1);
    };
    const auto at = [&](TimePoint t) {
      return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count() + offset_ms;
    };
    if (f.id) add("id", "=", *f.id);
    if (with_state && f.state) add("state", "=", state_name(*f.state));
    if (f.destination) add("destination", "=", *f.destination);
    if (f.route) add("route", "=", *f.route);
    if (f.event_id) add("event_id", "=", *f.event_id);
    if (f.since) add("created_at", ">=", at(*f.since));
    if (f.until) add("created_at", "<", at(*f.until));
  }

  std::string where_and(std::string_view condition) const {
    return (where.empty() ? std::string(" WHERE ") : where + " AND ") + std::string(condition);
  }
};

class PostgresOutbox final : public Outbox {
 public:
  PostgresOutbox(const std::string& url, PostgresOptions options)
      : db_(url, options.statement_timeout), max_bytes_(options.max_bytes) {
    migrate_postgres(db_);
  }

  // One transaction around `work`; each call in it is a savepoint of its own.
  void together(const std::function<void()>& work) override {
    PgTransaction tx(db_);
    work();
    tx.commit();
  }

  std::vector<AcceptResult> accept(std::span<const NewEvent> events, TimePoint now,
                                   milliseconds dedupe_window) override {
    if (max_bytes_ > 0) check_size();
    // A row in relay_seen younger than the window is a duplicate; an older one is taken over.
    // Concurrent accepts of one key serialise on its primary key, so exactly one stores it.
    static constexpr std::string_view kInsert =
        "WITH fresh AS (INSERT INTO relay_seen AS s VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (event_id, route, destination) DO UPDATE SET accepted_at = EXCLUDED.accepted_at"
        " WHERE s.accepted_at <= $5 RETURNING 1)"
        " INSERT INTO relay_deliveries (event_id, source, detail_type, route, destination, content_type, body, state,"
        " next_attempt_at, created_at, updated_at) SELECT $1, $6, $7, $2, $3, $8, $9, 'pending', $4, $4, $4"
        " WHERE EXISTS (SELECT 1 FROM fresh)";
    const std::int64_t at = db_ms(now), window_start = db_ms(now - dedupe_window);
    std::vector<AcceptResult> results(events.size());
    bool stored = false;
    PgTransaction tx(db_);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& ev = events[i];
      for (const auto& d : ev.deliveries) {
        const auto r = db_.exec(kInsert, {ev.event_id, d.route, d.destination, at, window_start, ev.source,
                                          ev.detail_type, d.content_type, PgParam::bytes(d.body)});
        if (r.affected() == 0) {
          ++results[i].duplicates;
          continue;
        }
        ++results[i].stored;
        stored = true;
      }
    }
    if (stored) db_.exec("SELECT pg_notify($1, '')", {kNotifyChannel});
    tx.commit();
    return results;
  }

  std::vector<Claimed> claim(TimePoint now, std::size_t limit, milliseconds lease,
                             std::span<const std::string> skip) override {
    PgTransaction tx(db_, true);
    const auto r = db_.exec(
        "UPDATE relay_deliveries d SET state = 'in_flight', attempts = d.attempts + 1, next_attempt_at = $1,"
        " updated_at = $2 FROM (SELECT id FROM relay_deliveries WHERE state IN ('pending', 'in_flight')"
        " AND next_attempt_at <= $2 AND destination <> ALL($3::text[]) ORDER BY next_attempt_at, id LIMIT $4"
        " FOR UPDATE SKIP LOCKED) due WHERE d.id = due.id"
        " RETURNING d.id, d.attempts, d.event_id, d.route, d.destination, d.content_type, d.body",
        {db_ms(now + lease), db_ms(now), pg_text_array(skip), static_cast<std::int64_t>(limit)});
    std::vector<Claimed> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.integer(i, 0), static_cast<int>(r.integer(i, 1)), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                     r.text(i, 5), r.text(i, 6)});
    std::sort(out.begin(), out.end(), [](const Claimed& a, const Claimed& b) { return a.id < b.id; });
    tx.commit();
    return out;
  }

  // Several relays share this store: every running lease may belong to a live one.
  std::size_t recover_own_leases(TimePoint) override { return 0; }

  std::vector<bool> finish_all(std::span<const Finish> batch) override {
    std::vector<bool> recorded;
    recorded.reserve(batch.size());
    PgTransaction tx(db_);
    for (const Finish& f : batch) {
      const Attempt& a = f.result;
      const bool again = f.verdict == Verdict::retry || f.verdict == Verdict::postpone;
      const State next = f.verdict == Verdict::delivered ? State::delivered : again ? State::pending : State::dead;
      const TimePoint finished = a.started + a.latency;
      const auto r = db_.exec(
          "UPDATE relay_deliveries SET state = $1, next_attempt_at = $2, updated_at = $3, last_status = $4,"
          " last_error = $5, attempts = attempts - $6 WHERE id = $7 AND attempts = $8 AND state = 'in_flight'",
          {state_name(next), db_ms(again ? f.retry_at : finished), db_ms(finished), a.status, valid_text(a.error),
           f.verdict == Verdict::postpone ? 1 : 0, f.id, f.attempt});
      recorded.push_back(r.affected() != 0);
      if (!recorded.back()) continue;
      db_.exec("INSERT INTO relay_attempts VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt)"
               " DO UPDATE SET started_at = EXCLUDED.started_at, latency_ms = EXCLUDED.latency_ms,"
               " status = EXCLUDED.status, error = EXCLUDED.error, response = EXCLUDED.response",
               {f.id, f.attempt, db_ms(a.started), static_cast<std::int64_t>(a.latency.count()), a.status, valid_text(a.error),
                valid_text(a.response)});
    }
    tx.commit();
    return recorded;
  }

  std::vector<DeliveryRow> deliveries(const Filter& filter) override {
    FilterSql f(filter, true, offset(), 1);
    f.params.emplace_back(static_cast<std::int64_t>(filter.limit));
    const auto r = db_.exec(std::string(kSelectRow) + f.where + " ORDER BY id DESC LIMIT $" +
                                std::to_string(f.params.size()),
                            f.params);
    std::vector<DeliveryRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(row(r, i));
    return out;
  }

  std::optional<DeliveryRow> delivery(std::int64_t id) override {
    const auto r = db_.exec(std::string(kSelectRow) + " WHERE id = $1", {id});
    if (r.rows() == 0) return std::nullopt;
    return row(r, 0);
  }

  std::vector<AttemptRow> attempts(std::int64_t delivery_id) override {
    const auto r = db_.exec(
        "SELECT attempt, started_at, latency_ms, status, error, response FROM relay_attempts WHERE delivery_id = $1"
        " ORDER BY attempt",
        {delivery_id});
    std::vector<AttemptRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({static_cast<int>(r.integer(i, 0)), local(r.integer(i, 1)), milliseconds(r.integer(i, 2)),
                     static_cast<int>(r.integer(i, 3)), r.text(i, 4), r.text(i, 5)});
    return out;
  }

  std::size_t replay(const Filter& filter, TimePoint now) override {
    FilterSql f(filter, false, offset(), 2);
    f.params.insert(f.params.begin(), db_ms(now));
    PgTransaction tx(db_);
    const auto r = db_.exec("UPDATE relay_deliveries SET state = 'pending', next_attempt_at = $1, updated_at = $1" +
                                f.where_and("state = 'dead'"),
                            f.params);
    if (r.affected() > 0) db_.exec("SELECT pg_notify($1, '')", {kNotifyChannel});
    tx.commit();
    return static_cast<std::size_t>(r.affected());
  }

  std::size_t prune(TimePoint before, TimePoint seen_before) override {
    PgTransaction tx(db_);
    db_.exec("DELETE FROM relay_attempts WHERE delivery_id IN (SELECT id FROM relay_deliveries WHERE state = 'delivered'"
             " AND updated_at < $1)",
             {db_ms(before)});
    const auto rows = db_.exec("DELETE FROM relay_deliveries WHERE state = 'delivered' AND updated_at < $1", {db_ms(before)});
    db_.exec("DELETE FROM relay_seen WHERE accepted_at < $1", {db_ms(seen_before)});
    tx.commit();
    return static_cast<std::size_t>(rows.affected());
  }

  std::size_t purge_dead(const Filter& filter) override {
    const FilterSql f(filter, false, offset(), 1);
    const std::string where = f.where_and("state = 'dead'");
    PgTransaction tx(db_);
    db_.exec("DELETE FROM relay_attempts WHERE delivery_id IN (SELECT id FROM relay_deliveries" + where + ")", f.params);
    const auto rows = db_.exec("DELETE FROM relay_deliveries" + where, f.params);
    tx.commit();
    return static_cast<std::size_t>(rows.affected());
  }

  Backlog backlog() override {
    const auto r = db_.exec(
        "SELECT count(*) FILTER (WHERE state IN ('pending', 'in_flight')),"
        " coalesce(sum(octet_length(body)) FILTER (WHERE state IN ('pending', 'in_flight')), 0)::bigint,"
        " min(created_at) FILTER (WHERE state IN ('pending', 'in_flight')),"
        " count(*) FILTER (WHERE state = 'dead') FROM relay_deliveries WHERE state <> 'delivered'");
    Backlog b;
    b.count = static_cast<std::size_t>(r.integer(0, 0));
    b.bytes = static_cast<std::size_t>(r.integer(0, 1));
    if (!r.is_null(0, 2)) b.oldest = local(r.integer(0, 2));
    b.dead = static_cast<std::size_t>(r.integer(0, 3));
    return b;
  }

  // PostgreSQL keeps and recycles its own write-ahead log.
  bool checkpoint() override { return true; }

  std::optional<TimePoint> next_due(std::span<const std::string> skip) override {
    const auto r = db_.exec(
        "SELECT min(next_attempt_at) FROM relay_deliveries WHERE state IN ('pending', 'in_flight')"
        " AND destination <> ALL($1::text[])",
        {pg_text_array(skip)});
    if (r.is_null(0, 0)) return std::nullopt;
    return local(r.integer(0, 0));
  }

  std::string kept_value(const std::string& name, const std::string& candidate) override {
    PgTransaction tx(db_, true);
    db_.exec("INSERT INTO relay_kept_values (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
             {name, candidate});
    const auto kept = db_.exec("SELECT value FROM relay_kept_values WHERE name = $1", {name});
    if (kept.rows() == 0) throw StoreError("kept_values: " + name + " vanished");
    tx.commit();
    return kept.text(0, 0);
  }

 private:
  static constexpr std::string_view kSelectRow =
      "SELECT id, event_id, source, detail_type, route, destination, state, attempts, created_at, updated_at,"
      " next_attempt_at, last_status, last_error FROM relay_deliveries";

  DeliveryRow row(const PgResult& r, int i) const {
    DeliveryRow d;
    d.id = r.integer(i, 0);
    d.event_id = r.text(i, 1);
    d.source = r.text(i, 2);
    d.detail_type = r.text(i, 3);
    d.route = r.text(i, 4);
    d.destination = r.text(i, 5);
    d.state = parse_state(r.text(i, 6)).value_or(State::pending);
    d.attempts = static_cast<int>(r.integer(i, 7));
    d.created = local(r.integer(i, 8));
    d.updated = local(r.integer(i, 9));
    d.next_attempt = local(r.integer(i, 10));
    d.last_status = static_cast<int>(r.integer(i, 11));
    d.last_error = r.text(i, 12);
    return d;
  }

  std::int64_t offset() const { return db_.clock_offset_ms(); }
  std::int64_t db_ms(TimePoint t) const {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count() + offset();
  }
  TimePoint local(std::int64_t db_time_ms) const { return TimePoint(milliseconds(db_time_ms - offset())); }

  // A text column holds neither NUL nor invalid UTF-8; a receiver's answer may have both.
  static std::string valid_text(std::string_view s) {
    std::string out = core::valid_utf8(s);
    std::replace(out.begin(), out.end(), '\0', ' ');
    return out;
  }

  void check_size() {
    if (accepts_since_size_check_++ % kAcceptsPerSizeCheck != 0 && !over_size_) return;
    const auto r = db_.exec(
        "SELECT (pg_total_relation_size('relay_deliveries') + pg_total_relation_size('relay_attempts')"
        " + pg_total_relation_size('relay_seen'))::bigint");
    const auto used = static_cast<std::size_t>(r.integer(0, 0));
    over_size_ = used > max_bytes_;
    if (over_size_)
      throw StoreError("the outbox is full: " + std::to_string(used) + " bytes (the relay tables on disk) of " +
                           std::to_string(max_bytes_) + " (store.max_bytes)",
                       StoreFault::full);
  }

  PgConnection db_;
  std::size_t max_bytes_;
  int accepts_since_size_check_ = 0;
  bool over_size_ = false;
};

}  // namespace

std::unique_ptr<Outbox> open_postgres_outbox(const std::string& url, PostgresOptions options) {
  return std::make_unique<PostgresOutbox>(url, options);
}

}  // namespace relay::store
