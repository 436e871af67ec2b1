#pragma once
// A thin RAII layer over libpq: one connection, statements with parameters, results read
// in binary form. Every failure throws StoreError whose fault says what kind it was (the
// server unreachable or gone, disk full, a conflict to retry, anything else). A connection
// found broken is re-established once before a statement is sent outside a transaction.
// One thread at a time.
#include "relay/store/outbox.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace relay::store {

// A statement parameter: text, or bytes sent as binary (bytea).
struct PgParam {
  PgParam(std::string_view text) : value(text) {}  // NOLINT: parameters read as a list
  PgParam(const std::string& text) : value(text) {}
  PgParam(const char* text) : value(text) {}
  PgParam(std::int64_t integer) : owned(std::to_string(integer)), value(owned) {}
  PgParam(int integer) : PgParam(std::int64_t{integer}) {}
  static PgParam bytes(std::string_view b) {
    PgParam p(b);
    p.binary = true;
    return p;
  }
  PgParam(const PgParam& o) : owned(o.owned), value(o.owned.empty() ? o.value : owned), binary(o.binary) {}

  std::string owned;
  std::string_view value;
  bool binary = false;
};

class PgResult {
 public:
  explicit PgResult(pg_result* r) : r_(r) {}
  ~PgResult();
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&&) = delete;

  int rows() const;
  std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE touched
  bool is_null(int row, int column) const;
  std::int64_t integer(int row, int column) const;  // int2, int4 or int8
  std::string text(int row, int column) const;       // text or bytea, as stored
  const pg_result* get() const { return r_; }

 private:
  pg_result* r_;
};

class PgConnection {
 public:
  // `url` as libpq takes it (postgresql://user@host:5432/db?sslmode=verify-full). Statements
  // running longer than `statement_timeout` (0: no limit) are cancelled by the server.
  PgConnection(std::string url, std::chrono::milliseconds statement_timeout);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  PgResult exec(std::string_view sql, std::initializer_list<PgParam> params = {});
  PgResult exec(std::string_view sql, const std::vector<PgParam>& params);
  // Several statements without parameters (a migration), in one round trip.
  void exec_script(std::string_view sql);

  // The server's clock minus this machine's, measured at connect (milliseconds); 0 when
  // under half a second.
  std::int64_t clock_offset_ms() const { return clock_offset_ms_; }
  // The socket, for waiting on notifications (LISTEN); -1 when not connected.
  int socket() const;
  // Reads what the server sent and returns the channels of the notifications among it.
  std::vector<std::string> notifications();

 private:
  void connect();
  [[noreturn]] void fail(std::string_view what, const pg_result* result) const;

  friend class PgTransaction;

  std::string url_;
  std::chrono::milliseconds statement_timeout_;
  pg_conn* conn_ = nullptr;
  int depth_ = 0;  // open PgTransactions; a broken connection is not re-established inside one
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> its name on this connection
  std::int64_t clock_offset_ms_ = 0;
};

// BEGIN ... COMMIT, rolled back on destruction unless committed. Inside another one it is a
// savepoint instead, so its work is undone alone and kept only if the outer one commits.
// `savepoint_only`: outside a transaction it does nothing (a lone statement is atomic).
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& db, bool savepoint_only = false);
  ~PgTransaction();
  void commit();

 private:
  PgConnection& db_;
  bool active_;
  std::string savepoint_;  // empty for the outermost: BEGIN ... COMMIT
  bool done_ = false;
};

// What is wrong with a connection URL (libpq's reading of it), or nullopt when it reads. Only
// URLs (postgresql:// or postgres://) are taken, not libpq's key=value strings.
std::optional<std::string> postgres_url_problem(const std::string& url);
// host:port/dbname of a URL that reads, without user or password, for messages.
std::string postgres_server_name(const std::string& url);

// `names` as a PostgreSQL text array literal ({"a","b\"c"}), for `<> ALL($n::text[])`.
std::string pg_text_array(std::span<const std::string> names);

}  // namespace relay::store
