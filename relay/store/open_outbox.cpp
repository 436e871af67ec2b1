#include "relay/store/open_outbox.hpp"

#include "relay/store/pg_connection.hpp"
#include "relay/store/postgres_outbox.hpp"
#include "relay/store/sqlite_outbox.hpp"

namespace relay::store {

std::unique_ptr<Outbox> open_outbox(const StoreSettings& s, bool owner) {
  if (s.type == StoreType::postgres) return open_postgres_outbox(s.url, {s.statement_timeout, s.max_bytes});
  return open_sqlite_outbox(s.path, {s.synchronous_full, s.busy_timeout, s.max_bytes, owner});
}

std::string store_description(const StoreSettings& s) {
  if (s.type == StoreType::sqlite) return "SQLite " + s.path;
  return "PostgreSQL " + postgres_server_name(s.url);
}

}  // namespace relay::store
