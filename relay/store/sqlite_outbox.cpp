#include "relay/store/sqlite_outbox.hpp"

#include "relay/store/owner_lock.hpp"
#include "relay/store/sqlite_db.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <variant>

namespace relay::store {

namespace {

using std::chrono::milliseconds;

// The write-ahead log is cut back to this after a checkpoint empties it.
constexpr std::size_t kWalKeptBytes = 8 << 20;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  source TEXT NOT NULL,
  detail_type TEXT NOT NULL,
  route TEXT NOT NULL,
  destination TEXT NOT NULL,
  content_type TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
-- Every index here is rewritten on each state change, so only dead letters have one by state
-- (their counts per destination, replay, purge); an older file's index by state goes.
DROP INDEX IF EXISTS deliveries_due;
CREATE INDEX IF NOT EXISTS deliveries_dead ON deliveries(destination) WHERE state = 'dead';
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries(next_attempt_at) WHERE state IN ('pending', 'in_flight');
-- Apart from their rows, which change with every attempt: SQLite rewrites a whole row on update.
CREATE TABLE IF NOT EXISTS bodies (
  delivery_id INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_created ON deliveries(created_at);
CREATE TABLE IF NOT EXISTS seen (
  event_id TEXT NOT NULL,
  route TEXT NOT NULL,
  destination TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, route, destination)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attempts (
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  status INTEGER NOT NULL,
  error TEXT NOT NULL,
  response TEXT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kept_values (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS registry (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  spec TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS registry_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  client TEXT NOT NULL,
  action TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  spec TEXT
);
CREATE TABLE IF NOT EXISTS registry_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO registry_generation (id, generation) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
)";

std::int64_t ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

TimePoint time_at(std::int64_t ms_since_epoch) { return TimePoint(milliseconds(ms_since_epoch)); }

// Destination names as one JSON array, bound to "destination NOT IN (SELECT value FROM
// json_each(?))" so a statement stays the same whatever the list.
std::string json_list(std::span<const std::string> names) {
  boost::json::array list;
  for (const auto& n : names) list.emplace_back(n);
  return boost::json::serialize(list);
}

// The WHERE clause and bindings a Filter stands for, in placeholder order.
struct FilterSql {
  std::string where;
  std::vector<std::variant<std::string, std::int64_t>> values;

  explicit FilterSql(const Filter& f, bool with_state) {
    auto add = [&](const char* cond, std::variant<std::string, std::int64_t> v) {
      where += (where.empty() ? " WHERE " : " AND ") + std::string(cond);
      values.push_back(std::move(v));
    };
    if (f.id) add("id = ?", *f.id);
    if (with_state && f.state) add("state = ?", std::string(state_name(*f.state)));
    if (f.destination) add("destination = ?", *f.destination);
    if (f.route) add("route = ?", *f.route);
    if (f.event_id) add("event_id = ?", *f.event_id);
    if (f.since) add("created_at >= ?", ms(*f.since));
    if (f.until) add("created_at < ?", ms(*f.until));
  }

  int bind(Statement& s, int first = 1) const {
    int i = first;
    for (const auto& v : values) std::visit([&](const auto& x) { s.bind(i++, x); }, v);
    return i;
  }
};

class SqliteOutbox final : public Outbox {
 public:
  SqliteOutbox(const std::string& path, SqliteOptions options)
      : path_(prepare_path(path)),
        owner_(options.owner ? std::make_unique<OwnerLock>(path) : nullptr),
        db_(path),
        max_bytes_(options.max_bytes) {
    db_.busy_timeout(options.busy_timeout);
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA journal_size_limit = " + std::to_string(kWalKeptBytes));
    db_.exec(kSchema);
    move_bodies_out();
    if (max_bytes_ > 0) {
      auto page_size = db_.prepare("PRAGMA page_size");
      page_size.step();
      const auto pages = max_bytes_ / static_cast<std::size_t>(page_size.integer(0));
      db_.exec("PRAGMA max_page_count = " + std::to_string(pages));
      // Checkpoint (by default every 1000 pages) before the log takes a quarter of the cap.
      db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(std::clamp<std::size_t>(pages / 4, 16, 1000)));
    }
  }

  void together(const std::function<void()>& work) override {
    if (max_bytes_ > 0 && bytes_used() > max_bytes_) checkpoint();  // cannot trim the log inside a transaction
    Transaction tx(db_);
    db_.set_grouped(true);
    struct Ungroup {
      SqliteDb& db;
      ~Ungroup() { db.set_grouped(false); }
    } ungroup{db_};
    work();
    // Some faults (a full disk) make SQLite roll back the whole transaction, not just the call's.
    if (!db_.in_transaction()) throw StoreError("an earlier fault rolled back this transaction: nothing of it was stored");
    tx.commit();
  }

  std::vector<AcceptResult> accept(std::span<const NewEvent> events, TimePoint now, milliseconds dedupe_window,
                                   const LeaseOnAccept& lease) override {
    // Marks the delivery seen now unless it was seen within the window: a change is a new one.
    auto& mark_seen = cached(mark_seen_,
                             "INSERT INTO seen VALUES (?, ?, ?, ?) ON CONFLICT (event_id, route, destination)"
                             " DO UPDATE SET accepted_at = excluded.accepted_at WHERE accepted_at <= ?");
    // Pending and due now, or leased: in flight on its first attempt until the lease ends.
    auto& insert = cached(insert_,
                          "INSERT INTO deliveries (event_id, source, detail_type, route, destination, content_type, state,"
                          " attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto& insert_body = cached(insert_body_, "INSERT INTO bodies VALUES (last_insert_rowid(), ?)");
    if (max_bytes_ > 0) make_room();
    std::vector<AcceptResult> results(events.size());
    std::size_t leased = 0;
    Transaction tx(db_);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& ev = events[i];
      for (const auto& d : ev.deliveries) {
        mark_seen.bind(1, ev.event_id).bind(2, d.route).bind(3, d.destination).bind(4, ms(now));
        mark_seen.bind(5, ms(now - dedupe_window));
        mark_seen.run();
        if (db_.changes() == 0) {
          ++results[i].duplicates;
          continue;
        }
        const bool leasing = leased < lease.limit &&
                             std::find(lease.skip.begin(), lease.skip.end(), d.destination) == lease.skip.end();
        insert.bind(1, ev.event_id).bind(2, ev.source).bind(3, ev.detail_type).bind(4, d.route);
        insert.bind(5, d.destination).bind(6, d.content_type);
        insert.bind(7, state_name(leasing ? State::in_flight : State::pending)).bind(8, std::int64_t{leasing ? 1 : 0});
        insert.bind(9, ms(leasing ? now + lease.duration : now)).bind(10, ms(now)).bind(11, ms(now));
        insert.run();
        if (leasing) {
          results[i].leased.push_back(
              {db_.last_insert_rowid(), 1, ev.event_id, d.route, d.destination, d.content_type, d.body});
          ++leased;
        }
        insert_body.bind(1, d.body).run();
        ++results[i].stored;
      }
    }
    tx.commit();
    return results;
  }

  std::vector<Claimed> claim(TimePoint now, std::size_t limit, milliseconds lease,
                             std::span<const std::string> skip) override {
    // Due ones read first, then leased one by one by id: cheaper than one UPDATE ... WHERE id
    // IN (...) RETURNING, which SQLite runs through two temporary tables.
    auto& due = cached(due_,
                       "SELECT id, attempts + 1, event_id, route, destination, content_type, body"
                       " FROM deliveries INDEXED BY deliveries_waiting LEFT JOIN bodies ON delivery_id = id"
                       " WHERE state IN ('pending', 'in_flight') AND next_attempt_at <= ?"
                       " AND destination NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at LIMIT ?");
    auto& lease_one = cached(lease_,
                             "UPDATE deliveries SET state = 'in_flight', attempts = ?, next_attempt_at = ?,"
                             " updated_at = ? WHERE id = ?");
    std::vector<Claimed> out;
    Transaction tx(db_);
    due.bind(1, ms(now)).bind(2, json_list(skip)).bind(3, static_cast<std::int64_t>(limit));
    while (due.step())
      out.push_back({due.integer(0), static_cast<int>(due.integer(1)), due.text(2), due.text(3), due.text(4),
                     due.text(5), due.text(6)});
    due.reset();
    // Oldest first, as the ids were assigned.
    std::sort(out.begin(), out.end(), [](const Claimed& a, const Claimed& b) { return a.id < b.id; });
    for (const Claimed& c : out) {
      lease_one.bind(1, std::int64_t{c.attempt}).bind(2, ms(now + lease)).bind(3, ms(now)).bind(4, c.id);
      lease_one.run();
    }
    tx.commit();
    return out;
  }

  std::size_t recover_own_leases(TimePoint now) override {
    Transaction tx(db_);
    auto s = db_.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE state = 'in_flight' AND next_attempt_at > ?");
    s.bind(1, ms(now)).bind(2, ms(now)).run();
    const auto n = static_cast<std::size_t>(db_.changes());
    tx.commit();
    return n;
  }

  std::vector<bool> finish_all(std::span<const Finish> batch) override {
    auto& update = cached(finish_,
                          "UPDATE deliveries SET state = ?, next_attempt_at = ?, updated_at = ?, last_status = ?,"
                          " last_error = ?, attempts = attempts - ? WHERE id = ? AND attempts = ? AND state = 'in_flight'");
    auto& log = cached(log_, "INSERT OR REPLACE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?)");
    auto& drop_body = cached(drop_body_, "DELETE FROM bodies WHERE delivery_id = ?");  // never sent again
    std::vector<bool> recorded;
    recorded.reserve(batch.size());
    Transaction tx(db_);
    for (const Finish& f : batch) {
      const Attempt& a = f.result;
      const bool again = f.verdict == Verdict::retry || f.verdict == Verdict::postpone;
      const State next = f.verdict == Verdict::delivered ? State::delivered : again ? State::pending : State::dead;
      const TimePoint finished = a.started + a.latency;
      update.bind(1, state_name(next)).bind(2, ms(again ? f.retry_at : finished));
      update.bind(3, ms(finished)).bind(4, std::int64_t{a.status}).bind(5, a.error);
      update.bind(6, std::int64_t{f.verdict == Verdict::postpone ? 1 : 0});
      update.bind(7, f.id).bind(8, std::int64_t{f.attempt});
      update.run();
      recorded.push_back(db_.changes() != 0);
      if (!recorded.back()) continue;
      log.bind(1, f.id).bind(2, std::int64_t{f.attempt}).bind(3, ms(a.started)).bind(4, a.latency.count());
      log.bind(5, std::int64_t{a.status}).bind(6, a.error).bind(7, a.response);
      log.run();
      if (next == State::delivered) drop_body.bind(1, f.id).run();
    }
    tx.commit();
    return recorded;
  }

  std::vector<DeliveryRow> deliveries(const Filter& filter) override {
    const FilterSql f(filter, true);
    auto s = db_.prepare(std::string(kSelectRow) + f.where + " ORDER BY id DESC LIMIT ?");
    s.bind(f.bind(s), static_cast<std::int64_t>(filter.limit));
    std::vector<DeliveryRow> out;
    while (s.step()) out.push_back(row(s));
    return out;
  }

  std::optional<DeliveryRow> delivery(std::int64_t id) override {
    auto s = db_.prepare(std::string(kSelectRow) + " WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return row(s);
  }

  std::vector<AttemptRow> attempts(std::int64_t delivery_id) override {
    auto s = db_.prepare(
        "SELECT attempt, started_at, latency_ms, status, error, response FROM attempts WHERE delivery_id = ?"
        " ORDER BY attempt");
    s.bind(1, delivery_id);
    std::vector<AttemptRow> out;
    while (s.step())
      out.push_back({static_cast<int>(s.integer(0)), time_at(s.integer(1)), milliseconds(s.integer(2)),
                     static_cast<int>(s.integer(3)), s.text(4), s.text(5)});
    return out;
  }

  std::optional<std::string> body(std::int64_t delivery_id) override {
    auto s = db_.prepare("SELECT body FROM bodies WHERE delivery_id = ?");
    s.bind(1, delivery_id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  std::size_t replay(const Filter& filter, TimePoint now) override {
    const FilterSql f(filter, false);
    Transaction tx(db_);
    auto s = db_.prepare("UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?" +
                         (f.where.empty() ? std::string(" WHERE") : f.where + " AND") + " state = 'dead'");
    s.bind(1, ms(now)).bind(2, ms(now));
    f.bind(s, 3);
    s.run();
    const auto n = static_cast<std::size_t>(db_.changes());
    tx.commit();
    return n;
  }

  std::size_t prune(TimePoint before, TimePoint seen_before) override {
    // By the creation index: a row is updated after it is created, so the first bound only narrows.
    const std::string prunable = "created_at < ?1 AND updated_at < ?1 AND state = 'delivered'";
    Transaction tx(db_);
    auto logs = db_.prepare(
        "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE " + prunable + ")");
    logs.bind(1, ms(before)).run();
    auto rows = db_.prepare("DELETE FROM deliveries WHERE " + prunable);
    rows.bind(1, ms(before)).run();
    const auto n = static_cast<std::size_t>(db_.changes());
    auto seen = db_.prepare("DELETE FROM seen WHERE accepted_at < ?");
    seen.bind(1, ms(seen_before)).run();
    tx.commit();
    return n;
  }

  std::size_t purge_dead(const Filter& filter) override {
    const FilterSql f(filter, false);
    const std::string where = (f.where.empty() ? std::string(" WHERE") : f.where + " AND") + " state = 'dead'";
    Transaction tx(db_);
    for (const char* table : {"attempts", "bodies"}) {
      auto owned = db_.prepare(std::string("DELETE FROM ") + table + " WHERE delivery_id IN (SELECT id FROM deliveries" + where + ")");
      f.bind(owned);
      owned.run();
    }
    auto rows = db_.prepare("DELETE FROM deliveries" + where);
    f.bind(rows);
    rows.run();
    const auto n = static_cast<std::size_t>(db_.changes());
    tx.commit();
    return n;
  }

  Backlog backlog() override {
    auto s = db_.prepare(
        "SELECT count(*), coalesce(sum(length(body)), 0), min(created_at) FROM deliveries INDEXED BY deliveries_waiting"
        " LEFT JOIN bodies ON delivery_id = id WHERE state IN ('pending', 'in_flight')");
    Backlog b;
    if (s.step()) {
      b.count = static_cast<std::size_t>(s.integer(0));
      b.bytes = static_cast<std::size_t>(s.integer(1));
      if (!s.is_null(2)) b.oldest = time_at(s.integer(2));
    }
    auto dead = db_.prepare("SELECT destination, count(*) FROM deliveries WHERE state = 'dead' GROUP BY destination");
    while (dead.step()) {
      const auto n = static_cast<std::size_t>(dead.integer(1));
      b.dead_by_destination[dead.text(0)] = n;
      b.dead += n;
    }
    return b;
  }

  bool checkpoint() override { return db_.checkpoint_without_waiting(); }

  std::optional<TimePoint> next_due(std::span<const std::string> skip) override {
    auto s = db_.prepare(
        "SELECT min(next_attempt_at) FROM deliveries INDEXED BY deliveries_waiting WHERE state IN ('pending', 'in_flight')"
        " AND destination NOT IN (SELECT value FROM json_each(?))");
    s.bind(1, json_list(skip));
    if (s.step() && !s.is_null(0)) return time_at(s.integer(0));
    return std::nullopt;
  }

  std::string kept_value(const std::string& name, const std::string& candidate) override {
    Transaction tx(db_);
    db_.prepare("INSERT INTO kept_values (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(1, name)
        .bind(2, candidate)
        .run();
    auto kept = db_.prepare("SELECT value FROM kept_values WHERE name = ?");
    kept.bind(1, name);
    if (!kept.step()) throw StoreError("kept_values: " + name + " vanished");
    std::string value = kept.text(0);
    kept.reset();
    tx.commit();
    return value;
  }

  std::vector<RegistryRow> registry() override {
    auto s = db_.prepare("SELECT kind, name, spec, version, updated_at FROM registry ORDER BY kind, name");
    std::vector<RegistryRow> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), time_at(s.integer(4))});
    return out;
  }

  RegistryWrite change_registry(const RegistryChange& change) override {
    Transaction tx(db_);
    auto current = db_.prepare("SELECT version FROM registry WHERE kind = ? AND name = ?");
    current.bind(1, change.kind).bind(2, change.name);
    const std::int64_t version = current.step() ? current.integer(0) : 0;
    current.reset();
    if ((change.expected && *change.expected != version) || (!change.spec && version == 0)) return {false, version};
    db_.prepare("UPDATE registry_generation SET generation = generation + 1").run();
    auto generation = db_.prepare("SELECT generation FROM registry_generation");
    generation.step();
    const std::int64_t next = generation.integer(0);
    generation.reset();
    const auto at = ms(change.audit.time);
    if (change.spec)
      db_.prepare("INSERT INTO registry (kind, name, spec, version, updated_at) VALUES (?, ?, ?, ?, ?)"
                  " ON CONFLICT (kind, name) DO UPDATE SET spec = excluded.spec, version = excluded.version,"
                  " updated_at = excluded.updated_at")
          .bind(1, change.kind)
          .bind(2, change.name)
          .bind(3, *change.spec)
          .bind(4, next)
          .bind(5, at)
          .run();
    else
      db_.prepare("DELETE FROM registry WHERE kind = ? AND name = ?").bind(1, change.kind).bind(2, change.name).run();
    auto audit =
        db_.prepare("INSERT INTO registry_audit (at, client, action, kind, name, spec) VALUES (?, ?, ?, ?, ?, ?)");
    audit.bind(1, at).bind(2, change.audit.client).bind(3, change.audit.action);
    audit.bind(4, change.kind).bind(5, change.name);
    if (change.audit.spec)
      audit.bind(6, *change.audit.spec);
    else
      audit.bind_null(6);
    audit.run();
    tx.commit();
    return {true, next};
  }

  std::int64_t registry_generation() override {
    auto s = db_.prepare("SELECT generation FROM registry_generation");
    const std::int64_t generation = s.step() ? s.integer(0) : 0;
    s.reset();
    return generation;
  }

  std::vector<AuditRow> audit(std::size_t limit) override {
    auto s = db_.prepare("SELECT at, client, action, kind, name, spec FROM registry_audit ORDER BY id DESC LIMIT ?");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<AuditRow> out;
    while (s.step())
      out.push_back({time_at(s.integer(0)), s.text(1), s.text(2), s.text(3), s.text(4),
                     s.is_null(5) ? std::nullopt : std::optional<std::string>(s.text(5))});
    return out;
  }

 private:
  static constexpr std::string_view kSelectRow =
      "SELECT id, event_id, source, detail_type, route, destination, state, attempts, created_at, updated_at,"
      " next_attempt_at, last_status, last_error FROM deliveries";

  static DeliveryRow row(const Statement& s) {
    DeliveryRow r;
    r.id = s.integer(0);
    r.event_id = s.text(1);
    r.source = s.text(2);
    r.detail_type = s.text(3);
    r.route = s.text(4);
    r.destination = s.text(5);
    r.state = parse_state(s.text(6)).value_or(State::pending);
    r.attempts = static_cast<int>(s.integer(7));
    r.created = time_at(s.integer(8));
    r.updated = time_at(s.integer(9));
    r.next_attempt = time_at(s.integer(10));
    r.last_status = static_cast<int>(s.integer(11));
    r.last_error = s.text(12);
    return r;
  }

  // Creates what is missing for this user alone: directories 0700, the file 0600 (SQLite
  // gives its -wal and -shm the file's mode). Failures are left for SQLite to report.
  static std::string prepare_path(const std::string& path) {
    std::vector<std::filesystem::path> missing;
    std::error_code ec;
    for (auto dir = std::filesystem::path(path).parent_path(); !dir.empty() && !std::filesystem::exists(dir, ec);
         dir = dir.parent_path())
      missing.push_back(dir);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) ::mkdir(it->c_str(), 0700);
    if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    return path;
  }

  // A store written before bodies had their own table: they move there, in one transaction.
  void move_bodies_out() {
    auto columns = db_.prepare("SELECT 1 FROM pragma_table_info('deliveries') WHERE name = 'body'");
    if (!columns.step()) return;
    columns.reset();
    Transaction tx(db_);
    db_.exec("INSERT INTO bodies SELECT id, body FROM deliveries WHERE state != 'delivered'");
    db_.exec("ALTER TABLE deliveries DROP COLUMN body");
    tx.commit();
  }

  // What store.max_bytes caps: the pages in use and the write-ahead log.
  std::size_t bytes_used() {
    auto& pages = cached(pages_,
                         "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM"
                         " pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())");
    pages.step();
    const auto in_use = static_cast<std::size_t>(pages.integer(0) * pages.integer(1));
    pages.reset();
    std::error_code ec;
    const auto wal = std::filesystem::file_size(path_ + "-wal", ec);
    return in_use + (ec ? 0 : static_cast<std::size_t>(wal));
  }

  // Throws "full" when over max_bytes even after a checkpoint has trimmed the log.
  void make_room() {
    if (bytes_used() <= max_bytes_) return;
    if (!db_.in_transaction()) checkpoint();  // together() has tried already
    if (const auto used = bytes_used(); used > max_bytes_)
      throw StoreError("the outbox is full: " + std::to_string(used) + " bytes (pages in use and write-ahead log) of " +
                       std::to_string(max_bytes_) + " (store.max_bytes)",
                       StoreFault::full);
  }

  Statement& cached(std::unique_ptr<Statement>& slot, std::string_view sql) {
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    return *slot;
  }

  std::string path_;
  std::unique_ptr<OwnerLock> owner_;  // before db_: taken before the file is opened
  SqliteDb db_;
  std::size_t max_bytes_;
  std::unique_ptr<Statement> mark_seen_, insert_, insert_body_, due_, lease_, finish_, log_, drop_body_, pages_;
};

}  // namespace

std::unique_ptr<Outbox> open_sqlite_outbox(const std::string& path, SqliteOptions options) {
  return std::make_unique<SqliteOutbox>(path, options);
}

}  // namespace relay::store
