#include "relay/store/postgres_schema.hpp"

namespace relay::store {

namespace {

// Times are milliseconds since the epoch on the database's clock (see postgres_outbox.hpp).
constexpr Migration kMigrations[] = {
    {1, R"(
CREATE TABLE relay_deliveries (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  source text NOT NULL,
  detail_type text NOT NULL,
  route text NOT NULL,
  destination text NOT NULL,
  content_type text NOT NULL,
  body bytea NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  last_status integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT ''
);
CREATE INDEX relay_deliveries_due ON relay_deliveries (next_attempt_at) WHERE state IN ('pending', 'in_flight');
CREATE INDEX relay_deliveries_created ON relay_deliveries (created_at);
CREATE INDEX relay_deliveries_state ON relay_deliveries (state, updated_at);
CREATE TABLE relay_seen (
  event_id text NOT NULL,
  route text NOT NULL,
  destination text NOT NULL,
  accepted_at bigint NOT NULL,
  PRIMARY KEY (event_id, route, destination)
);
CREATE INDEX relay_seen_accepted ON relay_seen (accepted_at);
CREATE TABLE relay_attempts (
  delivery_id bigint NOT NULL,
  attempt integer NOT NULL,
  started_at bigint NOT NULL,
  latency_ms bigint NOT NULL,
  status integer NOT NULL,
  error text NOT NULL,
  response text NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE relay_kept_values (
  name text PRIMARY KEY,
  value text NOT NULL
);
)"},
    // Bodies of a few KB are compressed on write: lz4 takes 5 µs for a 5 KB body, pglz 21 µs.
    {2, R"(
ALTER TABLE relay_deliveries ALTER COLUMN body SET COMPRESSION lz4;
)"},
    // The live registry: entries added at run time, their audit log, and the count of
    // changes relays poll (its one row also serialises changes).
    {3, R"(
CREATE TABLE relay_registry (
  kind text NOT NULL,
  name text NOT NULL,
  spec text NOT NULL,
  version bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (kind, name)
);
CREATE TABLE relay_registry_audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  client text NOT NULL,
  action text NOT NULL,
  kind text NOT NULL,
  name text NOT NULL,
  spec text
);
CREATE TABLE relay_registry_generation (
  id integer PRIMARY KEY CHECK (id = 1),
  generation bigint NOT NULL
);
INSERT INTO relay_registry_generation (id, generation) VALUES (1, 0);
)"},
};

// pg_advisory_lock key: "relay" in ASCII, so it is recognisable in pg_locks.
constexpr std::int64_t kMigrationLock = 0x72656c6179;

}  // namespace

std::span<const Migration> postgres_migrations() { return kMigrations; }

int postgres_schema_version(PgConnection& db) {
  auto exists = db.exec("SELECT count(*) FROM pg_tables WHERE tablename = 'relay_schema_migrations' AND schemaname = current_schema()");
  if (exists.integer(0, 0) == 0) return 0;
  auto version = db.exec("SELECT coalesce(max(version), 0) FROM relay_schema_migrations");
  return static_cast<int>(version.integer(0, 0));
}

std::vector<int> migrate_postgres(PgConnection& db) {
  db.exec("SELECT pg_advisory_lock($1)", {kMigrationLock});
  std::vector<int> applied;
  try {
    db.exec("CREATE TABLE IF NOT EXISTS relay_schema_migrations (version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    const int at = postgres_schema_version(db);
    const int known = kMigrations[std::size(kMigrations) - 1].version;
    if (at > known)
      throw StoreError("the database's relay schema is version " + std::to_string(at) + ", newer than this relay knows (" +
                           std::to_string(known) + "): run a newer relay",
                       StoreFault::incompatible);
    for (const auto& m : kMigrations) {
      if (m.version <= at) continue;
      PgTransaction tx(db);
      db.exec_script(m.sql);
      db.exec("INSERT INTO relay_schema_migrations (version) VALUES ($1)", {m.version});
      tx.commit();
      applied.push_back(m.version);
    }
  } catch (...) {
    db.exec("SELECT pg_advisory_unlock($1)", {kMigrationLock});
    throw;
  }
  db.exec("SELECT pg_advisory_unlock($1)", {kMigrationLock});
  return applied;
}

}  // namespace relay::store
