#!/usr/bin/env bash
# Benchmark (not a test): entries per second into `relay serve` (queued, each entry's
# delivery committed to the outbox before the answer) through PutEvents (calls of 10 entries,
# SigV4-signed by @aws-sdk/client-eventbridge, verified by relay) against POST /events (one
# event per request), in one run, the same client (node, CONCURRENCY requests in flight) and
# the same relay. The destination is paused, so deliveries stay in the outbox: the figure is
# ingress and commit alone.
# Usage: bench/bus/run.sh [BUILD_DIR] [ENTRIES] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
entries=${2:-5000}
concurrency=${3:-8}
relay="$build/bin/relay"
modules="$(realpath "$build")/test-npm"
. bench/serve/lib.sh

mkdir -p "$modules"
flock "$modules/.install-lock" sh -c "[ -f '$modules/node_modules/@aws-sdk/client-eventbridge/package.json' ] ||
  npm install --prefix '$modules' --no-audit --no-fund --silent @aws-sdk/client-eventbridge@3.1169.0"

run_mode() {
  local mode=$1
  rm -f "$work"/relay.db*
  cat >"$work/relay.yaml" <<YAML
listen: 127.0.0.1:0
ingress:
  auth: {type: none}
  aws:
    credentials:
      - {access_key_id: AKIDBENCH, secret_access_key: bench-secret, account: "123456789012"}
delivery: {mode: queued, max_backlog: 10000000, max_backlog_bytes: 4294967296}
store: {path: $work/relay.db}
destinations:
  hook: {url: "http://127.0.0.1:9/hooks", secret: s, paused: true}
routes:
  - {name: orders, handler: raw, destinations: [hook]}
YAML
  start "$work/serve.log" /dev/null serve --config "$work/relay.yaml" --log-level warn
  local serve_pid=$pid
  local result
  result=$(node bench/bus/load.js "$modules/node_modules" "$url" "$mode" "$entries" "$concurrency")
  local done seconds
  read -r done seconds <<<"$result"
  local requests=$done
  [ "$mode" = putevents ] && requests=$(( (done + 9) / 10 ))
  printf '%-10s %8s %9s %8.2f %10.0f %10.0f\n' "$mode" "$done" "$requests" "$seconds" \
    "$(echo "$done / $seconds" | bc -l)" "$(echo "$requests / $seconds" | bc -l)"
  kill -TERM "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $entries entries, $concurrency in flight"
printf '%-10s %8s %9s %8s %10s %10s\n' mode entries requests seconds entries/s requests/s
run_mode putevents
run_mode events
