#pragma once
// A thin RAII layer over the SQLite C API: a connection and prepared statements. Every
// failure throws StoreError naming the statement and SQLite's message.
#include "relay/store/outbox.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace relay::store {

class Statement;

class SqliteDb {
 public:
  explicit SqliteDb(const std::string& path);  // opens or creates the file
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(std::string_view sql);
  void busy_timeout(std::chrono::milliseconds wait);
  // PRAGMA wal_checkpoint(TRUNCATE) without waiting for readers or writers: false when
  // they kept it from finishing (what could be copied was).
  bool checkpoint_without_waiting();
  Statement prepare(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  bool in_transaction() const;
  // While set, a Transaction that finds none open throws: a fault rolled the outer one back.
  void set_grouped(bool grouped) { grouped_ = grouped; }
  bool grouped() const { return grouped_; }
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  int busy_ms_ = 0;
  bool grouped_ = false;
};

class Statement {
 public:
  Statement(SqliteDb& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, std::string_view v);
  Statement& bind_null(int index);
  bool step();  // true while a row is available
  void run();   // steps to completion
  void reset();

  std::int64_t integer(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  SqliteDb* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed. Inside another
// transaction it is a savepoint instead: its commit is the outer one's, its rollback its own.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  void commit();

 private:
  SqliteDb& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace relay::store
