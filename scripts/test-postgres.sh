#!/usr/bin/env bash
# Makes the PostgreSQL server the tests use ready: Debian's cluster 15/main started, and a role
# relay_test (password relay_test) that may create databases, reached over 127.0.0.1:5432.
# Each test creates a database of its own and drops it. Does nothing when
# RELAY_TEST_POSTGRES_URL names another server. Needs root or sudo the first time.
set -euo pipefail
[ -n "${RELAY_TEST_POSTGRES_URL:-}" ] && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main '; then
  as_root pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep -q '^15 *main .*online'; then
  as_root pg_ctlcluster 15 main start
fi
for _ in $(seq 100); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.1
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "test-postgres: the server on 127.0.0.1:5432 did not come up" >&2; exit 1; }
as_postgres "psql -q -v ON_ERROR_STOP=1 -d postgres" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relay_test') THEN
    CREATE ROLE relay_test LOGIN CREATEDB PASSWORD 'relay_test';
  END IF;
END $$;
SQL
