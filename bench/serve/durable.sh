#!/usr/bin/env bash
# Benchmark (not a test): durable queued delivery (202 once the event is committed to the
# SQLite outbox, delivery in the background) against synchronous delivery (forward, then
# answer), same load: wrk posts the ECS stopped-task sample, each request with a new event
# id, to `relay serve`, which signs and delivers to `relay sink`. Prints acknowledged
# events/s, delivered events/s (counted at the sink during the run: sustained, not just
# accepted), p50/p99 of the acknowledgement, the 429s (backlog full: the outbox or delivery
# did not keep up), the backlog (deliveries waiting, from /metrics) when wrk started and when it
# ended, other non-2xx answers, and the relay's peak RSS. The backlog bound is the default
# (10,000 deliveries), so a sustained rate is one with no 429s and a backlog that does not grow.
# wrk is a closed loop: each connection waits for its answer, so the offered rate follows the
# connection count. CONNECTIONS may be a list ("32 64 96"): then the last lines give, per mode,
# the highest delivered rate that held (no 429, the backlog at the end within a tenth of a
# second of deliveries of where it started) and durable's ratio to sync.
# Modes: sync | durable (synchronous=full: fsync per group commit) | durable-normal (WAL NORMAL).
# Usage: bench/serve/durable.sh [BUILD_DIR] [DURATION] [CONNECTIONS] [ROUNDS] [MODES...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
duration=${2:-10s}
conns=${3:-32}
rounds=${4:-1}
modes=("${@:5}")
[ ${#modes[@]} -gt 0 ] || modes=(sync durable durable-normal)
relay="$build/bin/relay"
sample=payloads/samples/ecs-task-stopped-exit-codes.json
. bench/serve/lib.sh

stop() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }
# The value of one series in relay's /metrics (0 when absent).
metric() { curl -s "$1/metrics" | awk -v name="$2" '$1 == name {v = $2} END {printf "%d", v}'; }

declare -A best best_conns  # per mode: the highest delivered/s that held, and at what load

run_mode() {
  local mode=$1 conns=$2
  rm -f "$work"/relay.db* "$work/sink.out"
  start "$work/sink.log" "$work/sink.out" sink --listen 127.0.0.1:0 --secret bench-secret
  local sink_pid=$pid sink_url=$url
  local sync=full
  [ "$mode" = durable-normal ] && sync=normal
  cat >"$work/relay.yaml" <<YAML
listen: 127.0.0.1:0
delivery: {mode: $([ "$mode" = sync ] && echo sync || echo queued)}
store: {path: $work/relay.db, synchronous: $sync}
destinations:
  webhook: {url: "$sink_url/hooks", secret: bench-secret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [webhook]}
YAML
  start "$work/serve.log" /dev/null serve --config "$work/relay.yaml"
  local serve_pid=$pid
  local out backlog_start backlog_end
  backlog_start=$(metric "$url" relay_backlog_deliveries)
  out=$(BENCH_BODY="$sample" wrk -t1 -c"$conns" -d"$duration" --latency -s bench/serve/fresh_ids.lua "$url/events")
  local delivered_in_run
  delivered_in_run=$(wc -l <"$work/sink.out")
  backlog_end=$(metric "$url" relay_backlog_deliveries)
  local refused
  refused=$(metric "$url" 'relay_events_rejected_total{reason="backlog"}')
  local secs=${duration%s}
  local rps p50 p99 errors rss
  # 2xx answers only: wrk's Requests/sec counts the refused ones too.
  rps=$(awk -v secs="$secs" '/requests in/ {n = $1} /Non-2xx/ {bad = $NF} END {printf "%.0f", (n - bad) / secs}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd ';' || true)
  [ "$mode" = sync ] && backlog_start=- backlog_end=-
  rss=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status")
  local delivered=$((delivered_in_run / secs))
  printf '%-15s %5s %10s %14s %9s %9s %8s %9s %8s %s\n' "$mode" "$conns" "$rps" "$delivered" "$p50" "$p99" \
    "$refused" "$backlog_start>$backlog_end" "$rss" "$errors"
  local grew=0
  [ "$mode" != sync ] && grew=$((backlog_end - backlog_start))
  if [ "$refused" = 0 ] && [ $((grew * 10)) -le "$delivered" ] && [ "$delivered" -gt "${best[$mode]:-0}" ]; then
    best[$mode]=$delivered best_conns[$mode]=$conns
  fi
  stop "$serve_pid"
  stop "$sink_pid"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); body $(wc -c <"$sample") bytes; keep-alive, $duration per row"
printf '%-15s %5s %10s %14s %9s %9s %8s %9s %8s\n' mode conns acked/s delivered/s p50 p99 429s backlog rss_MB
for _ in $(seq "$rounds"); do
  for c in $conns; do
    for mode in "${modes[@]}"; do run_mode "$mode" "$c"; done
  done
done
for mode in "${modes[@]}"; do
  echo "highest sustained $mode: ${best[$mode]:-none} delivered/s${best_conns[$mode]:+ at ${best_conns[$mode]} connections}"
done
if [ -n "${best[sync]:-}" ] && [ -n "${best[durable]:-}" ]; then
  awk -v d="${best[durable]}" -v s="${best[sync]}" 'BEGIN {printf "durable / sync: %.2f\n", d / s}'
fi
