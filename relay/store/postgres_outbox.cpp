#include "relay/store/postgres_outbox.hpp"

#include "relay/store/pg_connection.hpp"
#include "relay/store/postgres_schema.hpp"
#include "relay/core/utf8.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace relay::store {

namespace {

using std::chrono::milliseconds;

// Size checks cost a catalog query: under max_bytes one is made every this many accepts.
constexpr int kAcceptsPerSizeCheck = 64;
// Deliveries written by one statement (9 parameters each; a statement takes at most 65,535).
constexpr std::size_t kRowsPerStatement = 64;

// One delivery to accept and the event (its index in the call) it belongs to.
struct AcceptRow {
  std::size_t event;
  const NewEvent* ev;
  const NewDelivery* delivery;
};

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

  // Leases none as it stores them: pg_notify has every relay sharing the store claim them.
  std::vector<AcceptResult> accept(std::span<const NewEvent> events, TimePoint now, milliseconds dedupe_window,
                                   const LeaseOnAccept&) override {
    if (max_bytes_ > 0) check_size();
    std::vector<AcceptResult> results(events.size());
    // Every delivery of the call, in arrival order; a key repeated within the call is a
    // duplicate without asking the database.
    std::vector<AcceptRow> rows;
    std::set<std::tuple<std::string_view, std::string_view, std::string_view>> keys;
    for (std::size_t i = 0; i < events.size(); ++i)
      for (const auto& d : events[i].deliveries) {
        if (!keys.emplace(events[i].event_id, d.route, d.destination).second) {
          ++results[i].duplicates;
          continue;
        }
        rows.push_back({i, &events[i], &d});
      }
    PgTransaction tx(db_);
    for (std::size_t first = 0; first < rows.size(); first += kRowsPerStatement) {
      const std::span chunk(rows.data() + first, std::min(kRowsPerStatement, rows.size() - first));
      const auto stored = insert_fresh(chunk, db_ms(now), db_ms(now - dedupe_window));
      for (std::size_t n = 0; n < chunk.size(); ++n) ++(stored[n] ? results[chunk[n].event].stored
                                                                  : results[chunk[n].event].duplicates);
    }
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
    // A chunk names each delivery once, so each of its rows is judged against the stored one.
    std::set<std::int64_t> ids;
    std::size_t first = 0;
    for (std::size_t i = 0; i <= batch.size(); ++i) {
      if (i < batch.size() && i - first < kRowsPerStatement && ids.insert(batch[i].id).second) continue;
      if (i > first) {
        const auto done = record_finished(batch.subspan(first, i - first));
        recorded.insert(recorded.end(), done.begin(), done.end());
      }
      first = i;
      ids = {};
      if (i < batch.size()) ids.insert(batch[i].id);
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

  std::optional<std::string> body(std::int64_t delivery_id) override {
    const auto r = db_.exec("SELECT body FROM relay_deliveries WHERE id = $1", {delivery_id});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
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
    if (b.dead == 0) return b;
    const auto dead =
        db_.exec("SELECT destination, count(*) FROM relay_deliveries WHERE state = 'dead' GROUP BY destination");
    for (int i = 0; i < dead.rows(); ++i)
      b.dead_by_destination[dead.text(i, 0)] = static_cast<std::size_t>(dead.integer(i, 1));
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

  std::vector<RegistryRow> registry() override {
    const auto r = db_.exec("SELECT kind, name, spec, version, updated_at FROM relay_registry ORDER BY kind, name");
    std::vector<RegistryRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.integer(i, 3), wall_time(r.integer(i, 4))});
    return out;
  }

  // The generation row is updated first: its lock makes concurrent changes take turns, so
  // each reads the version the one before it wrote.
  RegistryWrite change_registry(const RegistryChange& change) override {
    PgTransaction tx(db_);
    const std::int64_t next =
        db_.exec("UPDATE relay_registry_generation SET generation = generation + 1 RETURNING generation").integer(0, 0);
    const auto current =
        db_.exec("SELECT version FROM relay_registry WHERE kind = $1 AND name = $2", {change.kind, change.name});
    const std::int64_t version = current.rows() ? current.integer(0, 0) : 0;
    if ((change.expected && *change.expected != version) || (!change.spec && version == 0)) return {false, version};
    const std::int64_t at = wall_ms(change.audit.time);
    if (change.spec)
      db_.exec("INSERT INTO relay_registry (kind, name, spec, version, updated_at) VALUES ($1, $2, $3, $4, $5)"
               " ON CONFLICT (kind, name) DO UPDATE SET spec = excluded.spec, version = excluded.version,"
               " updated_at = excluded.updated_at",
               {change.kind, change.name, *change.spec, next, at});
    else
      db_.exec("DELETE FROM relay_registry WHERE kind = $1 AND name = $2", {change.kind, change.name});
    // A redacted spec is never empty: '' stands for none.
    db_.exec("INSERT INTO relay_registry_audit (at, client, action, kind, name, spec)"
             " VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''))",
             {at, change.audit.client, change.audit.action, change.kind, change.name, change.audit.spec.value_or("")});
    tx.commit();
    return {true, next};
  }

  std::int64_t registry_generation() override {
    return db_.exec("SELECT generation FROM relay_registry_generation").integer(0, 0);
  }

  std::vector<AuditRow> audit(std::size_t limit) override {
    const auto r = db_.exec("SELECT at, client, action, kind, name, spec FROM relay_registry_audit"
                            " ORDER BY id DESC LIMIT $1",
                            {static_cast<std::int64_t>(limit)});
    std::vector<AuditRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({wall_time(r.integer(i, 0)), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                     r.is_null(i, 5) ? std::nullopt : std::optional<std::string>(r.text(i, 5))});
    return out;
  }

 private:
  // Registry and audit times are the writer's own clock (when, as it saw it), not the database's.
  static std::int64_t wall_ms(TimePoint t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
  }
  static TimePoint wall_time(std::int64_t ms) { return TimePoint(milliseconds(ms)); }

  // Stores the rows whose key is not in relay_seen within the window, in one round trip;
  // whether each row was stored. A row in relay_seen older than the window is taken over.
  // Keys are locked in sorted order, so relays accepting overlapping sets cannot deadlock.
  std::vector<bool> insert_fresh(std::span<const AcceptRow> rows, std::int64_t at, std::int64_t window_start) {
    std::string sql = "WITH input (n, event_id, route, destination, source, detail_type, content_type, body) AS (VALUES ";
    std::vector<PgParam> params{at, window_start};
    params.reserve(2 + rows.size() * 7);
    for (std::size_t n = 0; n < rows.size(); ++n) {
      const auto p = [&](PgParam v, std::string_view type) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size()) + "::" + std::string(type);
      };
      const AcceptRow& r = rows[n];
      sql += (n ? ", (" : "(") + std::to_string(n) + ", " + p(r.ev->event_id, "text") + ", " +
             p(r.delivery->route, "text") + ", " + p(r.delivery->destination, "text") + ", " + p(r.ev->source, "text") +
             ", " + p(r.ev->detail_type, "text") + ", " + p(r.delivery->content_type, "text") + ", " +
             p(PgParam::bytes(r.delivery->body), "bytea") + ")";
    }
    sql +=
        "), fresh AS (INSERT INTO relay_seen AS s SELECT event_id, route, destination, $1::bigint FROM input"
        " ORDER BY event_id, route, destination ON CONFLICT (event_id, route, destination)"
        " DO UPDATE SET accepted_at = EXCLUDED.accepted_at WHERE s.accepted_at <= $2::bigint"
        " RETURNING event_id, route, destination),"
        " stored AS (INSERT INTO relay_deliveries (event_id, source, detail_type, route, destination, content_type, body,"
        " state, next_attempt_at, created_at, updated_at) SELECT i.event_id, i.source, i.detail_type, i.route,"
        " i.destination, i.content_type, i.body, 'pending', $1, $1, $1 FROM input i JOIN fresh USING (event_id, route,"
        " destination) ORDER BY i.n RETURNING event_id, route, destination)"
        " SELECT i.n, pg_notify('" + std::string(kNotifyChannel) + "', '') FROM input i JOIN stored USING (event_id, route, destination)";
    const auto r = db_.exec(sql, params);
    std::vector<bool> stored(rows.size(), false);
    for (int i = 0; i < r.rows(); ++i) stored[static_cast<std::size_t>(r.integer(i, 0))] = true;
    return stored;
  }

  // Records each attempt whose delivery is still leased to it (fencing by attempt), in one
  // round trip; whether each was recorded.
  std::vector<bool> record_finished(std::span<const Finish> rows) {
    std::string sql =
        "WITH v (id, attempt, state, next_at, updated, status, error, postponed, started, latency, response) AS (VALUES ";
    std::vector<PgParam> params;
    params.reserve(rows.size() * 11);
    std::vector<std::string> texts;  // the parameters' text, alive until the statement ran
    texts.reserve(rows.size() * 2);
    for (std::size_t n = 0; n < rows.size(); ++n) {
      const Finish& f = rows[n];
      const Attempt& a = f.result;
      const bool again = f.verdict == Verdict::retry || f.verdict == Verdict::postpone;
      const State next = f.verdict == Verdict::delivered ? State::delivered : again ? State::pending : State::dead;
      const TimePoint finished = a.started + a.latency;
      const std::size_t at = params.size() + 1;
      for (PgParam v : {PgParam(f.id), PgParam(f.attempt), PgParam(state_name(next)),
                        PgParam(db_ms(again ? f.retry_at : finished)), PgParam(db_ms(finished)), PgParam(a.status),
                        PgParam(texts.emplace_back(valid_text(a.error))), PgParam(f.verdict == Verdict::postpone ? 1 : 0),
                        PgParam(db_ms(a.started)), PgParam(static_cast<std::int64_t>(a.latency.count())),
                        PgParam(texts.emplace_back(valid_text(a.response)))})
        params.push_back(std::move(v));
      const auto p = [&](std::size_t k, std::string_view type) { return "$" + std::to_string(at + k) + "::" + std::string(type); };
      sql += (n ? ", (" : "(") + p(0, "bigint") + ", " + p(1, "int") + ", " + p(2, "text") + ", " + p(3, "bigint") + ", " +
             p(4, "bigint") + ", " + p(5, "int") + ", " + p(6, "text") + ", " + p(7, "int") + ", " + p(8, "bigint") +
             ", " + p(9, "bigint") + ", " + p(10, "text") + ")";
    }
    sql +=
        "), done AS (UPDATE relay_deliveries d SET state = v.state, next_attempt_at = v.next_at, updated_at = v.updated,"
        " last_status = v.status, last_error = v.error, attempts = d.attempts - v.postponed FROM v"
        " WHERE d.id = v.id AND d.attempts = v.attempt AND d.state = 'in_flight' RETURNING d.id),"
        " logged AS (INSERT INTO relay_attempts SELECT v.id, v.attempt, v.started, v.latency, v.status, v.error,"
        " v.response FROM v JOIN done USING (id) ON CONFLICT (delivery_id, attempt) DO UPDATE SET"
        " started_at = EXCLUDED.started_at, latency_ms = EXCLUDED.latency_ms, status = EXCLUDED.status,"
        " error = EXCLUDED.error, response = EXCLUDED.response)"
        " SELECT id FROM done";
    const auto r = db_.exec(sql, params);
    std::set<std::int64_t> done;
    for (int i = 0; i < r.rows(); ++i) done.insert(r.integer(i, 0));
    std::vector<bool> recorded;
    for (const Finish& f : rows) recorded.push_back(done.count(f.id) != 0);
    return recorded;
  }

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
