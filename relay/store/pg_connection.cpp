#include "relay/store/pg_connection.hpp"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace relay::store {

namespace {

// libpq, loaded with the first PostgreSQL connection or URL: a relay on SQLite never maps it
// nor what it pulls in (Kerberos, LDAP, GnuTLS: about 3 MB resident and a few ms of start).
#define RELAY_LIBPQ_FUNCTIONS(X)                                                                   \
  X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQconninfoFree) X(PQconninfoParse) X(PQconsumeInput)  \
  X(PQerrorMessage) X(PQexec) X(PQexecPrepared) X(PQfinish) X(PQfreemem) X(PQftype) X(PQgetisnull) \
  X(PQgetlength) X(PQgetvalue) X(PQnotifies) X(PQntuples) X(PQprepare) X(PQresultErrorField)       \
  X(PQresultErrorMessage) X(PQresultStatus) X(PQsetNoticeProcessor) X(PQsocket) X(PQstatus)

struct Libpq {
#define RELAY_LIBPQ_POINTER(name) decltype(&::name) name = nullptr;
  RELAY_LIBPQ_FUNCTIONS(RELAY_LIBPQ_POINTER)
#undef RELAY_LIBPQ_POINTER
};

// Throws StoreError when libpq is missing; the next call tries again.
const Libpq& libpq() {
  static const Libpq loaded = [] {
    void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw StoreError(std::string("postgres: cannot load libpq (install libpq5): ") + dlerror());
    Libpq l;
#define RELAY_LIBPQ_LOAD(name)                                      \
  l.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name)); \
  if (!l.name) throw StoreError("postgres: libpq.so.5 lacks " #name);
    RELAY_LIBPQ_FUNCTIONS(RELAY_LIBPQ_LOAD)
#undef RELAY_LIBPQ_LOAD
    return l;
  }();
  return loaded;
}

constexpr std::int64_t kIgnoredSkewMs = 500;
constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kBool = 16;

// SQLSTATE classes: https://www.postgresql.org/docs/15/errcodes-appendix.html
StoreFault fault_of(const char* sqlstate) {
  if (!sqlstate) return StoreFault::unavailable;  // no answer from the server at all
  const std::string_view s(sqlstate);
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57014") return StoreFault::unavailable;
  if (s == "53100") return StoreFault::full;
  if (s.starts_with("53")) return StoreFault::unavailable;
  if (s == "40001" || s == "40P01") return StoreFault::conflict;
  if (s == "XX001" || s == "XX002") return StoreFault::corrupt;
  return StoreFault::failed;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string first_line(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

PgResult::~PgResult() { libpq().PQclear(r_); }

int PgResult::rows() const { return libpq().PQntuples(r_); }

std::int64_t PgResult::affected() const {
  const char* n = libpq().PQcmdTuples(r_);
  return *n ? std::stoll(n) : 0;
}

bool PgResult::is_null(int row, int column) const { return libpq().PQgetisnull(r_, row, column) != 0; }

std::int64_t PgResult::integer(int row, int column) const {
  const auto* v = reinterpret_cast<const unsigned char*>(libpq().PQgetvalue(r_, row, column));
  std::uint64_t x = 0;
  switch (libpq().PQftype(r_, column)) {
    case kBool:
      return v[0];
    case kInt2:
      return static_cast<std::int16_t>((v[0] << 8) | v[1]);
    case kInt4:
      for (int i = 0; i < 4; ++i) x = (x << 8) | v[i];
      return static_cast<std::int32_t>(x);
    case kInt8:
      for (int i = 0; i < 8; ++i) x = (x << 8) | v[i];
      return static_cast<std::int64_t>(x);
    default:
      throw StoreError("column " + std::to_string(column) + " is not an integer (type oid " +
                       std::to_string(libpq().PQftype(r_, column)) + ")");
  }
}

std::string PgResult::text(int row, int column) const {
  const auto& pq = libpq();
  return std::string(pq.PQgetvalue(r_, row, column), static_cast<std::size_t>(pq.PQgetlength(r_, row, column)));
}

PgConnection::PgConnection(std::string url, std::chrono::milliseconds statement_timeout)
    : url_(std::move(url)), statement_timeout_(statement_timeout) {
  connect();
}

PgConnection::~PgConnection() { libpq().PQfinish(conn_); }

void PgConnection::connect() {
  libpq().PQfinish(conn_);
  prepared_.clear();
  conn_ = libpq().PQconnectdb(url_.c_str());
  if (!conn_) throw StoreError("postgres: out of memory connecting", StoreFault::unavailable);
  if (libpq().PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = first_line(libpq().PQerrorMessage(conn_));
    libpq().PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("postgres: cannot connect: " + why, StoreFault::unavailable);
  }
  // Notices (a DROP ... IF EXISTS that found nothing) are not errors: libpq would print them.
  libpq().PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  exec("SET statement_timeout = " + std::to_string(statement_timeout_.count()));
  const std::int64_t before = now_ms();
  auto clock = exec("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
  const std::int64_t after = now_ms();
  const std::int64_t offset = clock.integer(0, 0) - (before + after) / 2;
  // Below kIgnoredSkew the measurement (a round trip's noise) would move times by a few
  // milliseconds from one connection to the next: clocks that close count as the same.
  clock_offset_ms_ = std::abs(offset) < kIgnoredSkewMs ? 0 : offset;
}

void PgConnection::fail(std::string_view what, const pg_result* result) const {
  const char* sqlstate = result ? libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = result ? libpq().PQresultErrorMessage(result) : nullptr;
  std::string why = first_line(message && *message ? message : libpq().PQerrorMessage(conn_));
  throw StoreError("postgres: " + std::string(what) + ": " + why,
                   libpq().PQstatus(conn_) == CONNECTION_BAD ? StoreFault::unavailable : fault_of(sqlstate));
}

PgResult PgConnection::exec(std::string_view sql, std::initializer_list<PgParam> params) {
  return exec(sql, std::vector<PgParam>(params));
}

PgResult PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params) {
  if (!conn_ || libpq().PQstatus(conn_) == CONNECTION_BAD) {
    if (depth_ > 0) throw StoreError("postgres: the connection was lost in a transaction", StoreFault::unavailable);
    connect();
  }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  // Text parameters must end in NUL: copy those that are views into longer strings.
  std::vector<std::string> terminated;
  terminated.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    if (!params[i].binary) values[i] = terminated.emplace_back(params[i].value).c_str();
  // Each statement is prepared once per connection: planned once, sent as a name after.
  auto& name = prepared_[std::string(sql)];
  if (name.empty()) {
    const std::string candidate = "relay_" + std::to_string(prepared_.size());
    PgResult made(libpq().PQprepare(conn_, candidate.c_str(), std::string(sql).c_str(), 0, nullptr));
    if (libpq().PQresultStatus(made.get()) != PGRES_COMMAND_OK) {
      prepared_.erase(std::string(sql));
      fail(sql.substr(0, 48), made.get());
    }
    name = candidate;
  }
  pg_result* r = libpq().PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                                        lengths.data(), formats.data(), 1);
  const auto status = r ? libpq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    PgResult owned(r);
    fail(sql.substr(0, 48), r);
  }
  return PgResult(r);
}

void PgConnection::exec_script(std::string_view sql) {
  if (!conn_ || libpq().PQstatus(conn_) == CONNECTION_BAD)
    throw StoreError("postgres: not connected", StoreFault::unavailable);
  const std::string script(sql);
  PgResult r(libpq().PQexec(conn_, script.c_str()));
  const auto status = libpq().PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("script", r.get());
}

int PgConnection::socket() const { return conn_ ? libpq().PQsocket(conn_) : -1; }

std::vector<std::string> PgConnection::notifications() {
  std::vector<std::string> channels;
  if (!conn_) return channels;
  if (!libpq().PQconsumeInput(conn_)) fail("reading notifications", nullptr);
  while (PGnotify* n = libpq().PQnotifies(conn_)) {
    channels.emplace_back(n->relname);
    libpq().PQfreemem(n);
  }
  return channels;
}

PgTransaction::PgTransaction(PgConnection& db, bool savepoint_only) : db_(db), active_(!savepoint_only || db.depth_ > 0) {
  if (!active_) return;
  if (db_.depth_ > 0) savepoint_ = "relay_" + std::to_string(db_.depth_);
  db_.exec(savepoint_.empty() ? std::string("BEGIN") : "SAVEPOINT " + savepoint_);
  ++db_.depth_;
}

PgTransaction::~PgTransaction() {
  if (!active_ || done_) return;
  --db_.depth_;
  if (!db_.conn_ || libpq().PQstatus(db_.conn_) != CONNECTION_OK) return;
  const std::string undo = savepoint_.empty() ? std::string("ROLLBACK") : "ROLLBACK TO SAVEPOINT " + savepoint_;
  libpq().PQclear(libpq().PQexec(db_.conn_, undo.c_str()));
}

// The depth stays up through COMMIT: a connection lost just before it must fail the commit,
// not reconnect and "commit" nothing.
void PgTransaction::commit() {
  if (!active_) return;
  db_.exec(savepoint_.empty() ? std::string("COMMIT") : "RELEASE SAVEPOINT " + savepoint_);
  done_ = true;
  --db_.depth_;
}

std::string pg_text_array(std::span<const std::string> names) {
  std::string out = "{";
  for (const auto& n : names) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : n) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace relay::store

namespace relay::store {

namespace {

// The options libpq reads from `url`, freed when it goes.
struct ConnInfo {
  explicit ConnInfo(const std::string& url) {
    char* error = nullptr;
    options = libpq().PQconninfoParse(url.c_str(), &error);
    if (error) {
      problem = first_line(error);
      libpq().PQfreemem(error);
    }
  }
  ~ConnInfo() { libpq().PQconninfoFree(options); }
  std::string value(std::string_view keyword) const {
    for (auto* o = options; o && o->keyword; ++o)
      if (keyword == o->keyword && o->val) return o->val;
    return {};
  }
  PQconninfoOption* options = nullptr;
  std::string problem;
};

}  // namespace

std::optional<std::string> postgres_url_problem(const std::string& url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
    return "expected a URL such as postgresql://user@host:5432/relay";
  try {
    libpq();
  } catch (const StoreError& e) {
    return e.what();
  }
  const ConnInfo info(url);
  if (!info.options) return info.problem.empty() ? "libpq cannot read it" : info.problem;
  // libpq reads ports only when it connects: check them now (a list, one per host).
  const std::string ports = info.value("port");
  for (std::size_t at = 0; !ports.empty() && at <= ports.size();) {
    const std::size_t end = std::min(ports.find(',', at), ports.size());
    const std::string port = ports.substr(at, end - at);
    int n = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || n < 1 || n > 65535)
      return "invalid port \"" + port + "\"";
    at = end + 1;
  }
  return std::nullopt;
}

std::string postgres_server_name(const std::string& url) {
  const ConnInfo info(url);
  const std::string host = info.value("host"), port = info.value("port"), db = info.value("dbname");
  return (host.empty() ? "localhost" : host) + ":" + (port.empty() ? "5432" : port) + "/" + db;
}

}  // namespace relay::store
