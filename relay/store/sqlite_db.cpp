#include "relay/store/sqlite_db.hpp"

#include <sqlite3.h>

namespace relay::store {

namespace {

StoreFault fault_of(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_FULL:
      return StoreFault::full;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return StoreFault::unavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreFault::corrupt;
    default:
      return StoreFault::failed;
  }
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = "cannot open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    const StoreFault fault = db_ ? fault_of(sqlite3_extended_errcode(db_)) : StoreFault::unavailable;
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(msg, fault);
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

void SqliteDb::fail(std::string_view what) const {
  throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db_), fault_of(sqlite3_extended_errcode(db_)));
}

void SqliteDb::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = std::string(sql.substr(0, 40)) + ": " + (err ? err : "failed");
    sqlite3_free(err);
    throw StoreError(msg, fault_of(sqlite3_extended_errcode(db_)));
  }
}

void SqliteDb::busy_timeout(std::chrono::milliseconds wait) {
  busy_ms_ = static_cast<int>(wait.count());
  if (sqlite3_busy_timeout(db_, busy_ms_) != SQLITE_OK) fail("busy_timeout");
}

bool SqliteDb::checkpoint_without_waiting() {
  sqlite3_busy_timeout(db_, 0);
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_busy_timeout(db_, busy_ms_);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return false;
  if (rc != SQLITE_OK) fail("wal_checkpoint");
  return true;
}

Statement SqliteDb::prepare(std::string_view sql) { return Statement(*this, sql); }

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

std::int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

Statement::Statement(SqliteDb& db, std::string_view sql) : db_(&db), sql_(sql) {
  if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK)
    db.fail("prepare " + sql_.substr(0, 40));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), sql_(std::move(other.sql_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, index, v) != SQLITE_OK) db_->fail("bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view v) {
  if (sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    db_->fail("bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->fail("bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string what = "run " + sql_.substr(0, 40);
  sqlite3_reset(stmt_);
  db_->fail(what);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Transaction::Transaction(SqliteDb& db) : db_(db), nested_(db.in_transaction()) {
  if (db.grouped() && !nested_) throw StoreError("an earlier fault rolled back this transaction: nothing of it was stored");
  db_.exec(nested_ ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_ || !db_.in_transaction()) return;  // SQLite may have rolled back everything itself
  sqlite3_exec(db_.handle(), nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE nested" : "COMMIT");
  done_ = true;
}

}  // namespace relay::store
