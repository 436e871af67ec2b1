#pragma once
// The PostgreSQL outbox's schema as numbered migrations, and applying them: under an
// advisory lock, so relays starting together migrate once; a database whose schema is newer
// than this binary knows is refused (StoreFault::incompatible). One thread at a time.
#include "relay/store/pg_connection.hpp"

#include <span>
#include <string_view>

namespace relay::store {

struct Migration {
  int version;
  std::string_view sql;
};

std::span<const Migration> postgres_migrations();

// The schema version the database is at (0: none yet).
int postgres_schema_version(PgConnection& db);

// Applies the migrations the database lacks; returns the versions applied.
std::vector<int> migrate_postgres(PgConnection& db);

}  // namespace relay::store
