#!/usr/bin/env bash
# Benchmark (not a test): the outbox backends side by side in one run. Durable queued mode
# (answer once committed) with 1 relay on SQLite (synchronous: full), and 1, 2 and 3 relays
# sharing one PostgreSQL database (the local server of scripts/test-postgres.sh; its default
# fsync on commit), each relay loaded by its own wrk (-t1, CONNECTIONS each, the ECS
# stopped-task sample with a fresh event id per request), all delivering to one `relay sink`.
# Prints per row: acknowledged events/s (2xx), delivered events/s (counted at the sink during
# the run), 429s, the backlog left at the end, and CPU per delivered event of the relays and of
# the PostgreSQL server. On a 2-core machine the box is the limit for more than one relay: read
# CPU per event, which is what more machines would divide.
# SQLite and one PostgreSQL relay run ROUNDS times, interleaved, and the last line gives the
# median ratio of their delivered rates (the machine's speed drifts; pairs keep the ratio fair).
# Usage: [ROUNDS=3] bench/store/shared.sh [BUILD_DIR] [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
duration=${2:-10s}
conns=${3:-16}
rounds=${ROUNDS:-3}
relay="$build/bin/relay"
sample=payloads/samples/ecs-task-stopped-exit-codes.json
[ -x "$relay" ] || make build BUILD="$build" >&2
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
scripts/test-postgres.sh
. bench/serve/lib.sh
export PGPASSWORD=relay_test
database=  # a new one per row: an autovacuum worker may still hold the last (DROP ... FORCE cannot end it)
rows=0
psql_admin() { psql -qAt -h 127.0.0.1 -U relay_test -d postgres -c "$1"; }
drop_databases() {
  local n
  for n in $(seq "$rows"); do psql_admin "DROP DATABASE IF EXISTS relay_bench_$$_$n WITH (FORCE)" 2>/dev/null || true; done
}
trap 'cleanup; drop_databases' EXIT

# CPU seconds (user + system) of the given pids, summed.
cpu_of() {
  local total=0 p t
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
postgres_pids() { pgrep -u postgres -x postgres | tr '\n' ' '; }
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

run_row() {
  local backend=$1 instances=$2
  rm -f "$work"/relay.db* "$work/sink.out"
  start "$work/sink.log" "$work/sink.out" sink --listen 127.0.0.1:0 --secret bench-secret --threads 1
  local sink_pid=$pid sink_url=$url store
  if [ "$backend" = postgres ]; then
    rows=$((rows + 1))
    database=relay_bench_$$_$rows
    psql_admin "CREATE DATABASE $database"
    store="{type: postgres, url: \"postgresql://relay_test:relay_test@127.0.0.1:5432/$database\"}"
  else
    store="{path: $work/relay.db, synchronous: full}"
  fi
  cat >"$work/relay.yaml" <<YAML
listen: 127.0.0.1:0
threads: 1
delivery: {mode: queued}
store: $store
destinations:
  webhook: {url: "$sink_url/hooks", secret: bench-secret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [webhook]}
YAML
  local relay_pids=() urls=() i
  for i in $(seq "$instances"); do
    start "$work/serve$i.log" /dev/null serve --config "$work/relay.yaml"
    relay_pids+=("$pid")
    urls+=("$url")
  done
  local pg_pids relay_cpu0 pg_cpu0 relay_cpu1 pg_cpu1
  pg_pids=$(postgres_pids)
  relay_cpu0=$(cpu_of "${relay_pids[@]}")
  pg_cpu0=$(cpu_of $pg_pids)
  local sunk0
  sunk0=$(wc -l <"$work/sink.out")
  local wrk_pids=()
  for i in $(seq "$instances"); do
    BENCH_RUN=$i BENCH_BODY="$sample" wrk -t1 -c"$conns" -d"$duration" -s bench/serve/fresh_ids.lua "${urls[$((i - 1))]}/events" >"$work/wrk$i.out" &
    wrk_pids+=($!)
  done
  wait "${wrk_pids[@]}"
  local delivered
  delivered=$(($(wc -l <"$work/sink.out") - sunk0))
  relay_cpu1=$(cpu_of "${relay_pids[@]}")
  pg_cpu1=$(cpu_of $pg_pids)
  local secs=${duration%s} acked=0 refused=0 backlog=0 n bad u
  for i in $(seq "$instances"); do
    n=$(awk '/requests in/ {print $1}' "$work/wrk$i.out")
    bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk$i.out")
    acked=$((acked + n - ${bad:-0}))
    u=${urls[$((i - 1))]}
    n=$(metric "$u" 'relay_events_rejected_total{reason="backlog"}' | cut -d. -f1)
    refused=$((refused + ${n:-0}))
  done
  if [ "$backend" = postgres ]; then
    backlog=$(psql -qAt -h 127.0.0.1 -U relay_test -d "$database" -c \
      "SELECT count(*) FROM relay_deliveries WHERE state IN ('pending', 'in_flight')")
  else
    backlog=$(metric "${urls[0]}" relay_backlog_deliveries | cut -d. -f1)
  fi
  backlog=${backlog:-?}
  [ "$backend" = postgres ] || pg_cpu0=0 pg_cpu1=0
  echo "$((delivered / secs))" >"$work/last_delivered"
  awk -v b="$backend" -v i="$instances" -v a="$acked" -v d="$delivered" -v s="$secs" -v r="$refused" -v bl="$backlog" \
      -v rc="$((relay_cpu1 - relay_cpu0))" -v pc="$((pg_cpu1 - pg_cpu0))" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%-10s %9d %10.0f %12.0f %7d %8s %14.3f %14.3f\n", b, i, a / s, d / s, r, bl,
               d ? rc * 1000 / hz / d : 0, d ? pc * 1000 / hz / d : 0 }'
  for p in "${relay_pids[@]}"; do kill -TERM "$p"; wait "$p" 2>/dev/null || true; done
  kill -TERM "$sink_pid"; wait "$sink_pid" 2>/dev/null || true
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); body $(wc -c <"$sample") bytes; $conns connections per relay, keep-alive, $duration per row; relay threads: 1 each"
printf '%-10s %9s %10s %12s %7s %8s %14s %14s\n' store relays acked/s delivered/s 429s backlog relay_ms/event pg_ms/event
ratios=()
for r in $(seq "$rounds"); do
  run_row sqlite 1
  sqlite_rate=$(cat "$work/last_delivered")
  run_row postgres 1
  ratios+=("$(awk -v p="$(cat "$work/last_delivered")" -v s="$sqlite_rate" 'BEGIN { printf "%.2f", s ? p / s : 0 }')")
done
for n in 2 3; do run_row postgres "$n"; done
echo "postgres (1 relay) / sqlite delivered, per round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
