#!/usr/bin/env bash
# Benchmark (not a test): entries per second from `relay serve` (queued) into the local test
# EventBridge (tests/support/test_eventbridge.js: every call's SigV4 verified with
# @smithy/signature-v4), batched (up to 10 entries, 100 ms flush) against one entry per call
# (batch.max_entries: 1), and the number of PutEvents calls each needed. EVENTS ECS events
# are posted in arrays of 100; the clock runs from the first post until the test EventBridge
# has accepted every entry.
# Usage: bench/eventbridge/run.sh [BUILD_DIR] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
events=${2:-5000}
relay="$build/bin/relay"
modules="$(realpath "$build")/test-npm"
. bench/serve/lib.sh

# The npm packages the tests use, installed the way they install them (under the same lock).
mkdir -p "$modules"
flock "$modules/.install-lock" sh -c "[ -f '$modules/node_modules/@smithy/signature-v4/package.json' ] ||
  npm install --prefix '$modules' --no-audit --no-fund --silent @smithy/signature-v4@5.7.5 @smithy/protocol-http@5.6.2 @smithy/hash-node@4.5.2"

python3 - "$work" "$events" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
sample = json.load(open("payloads/samples/ecs-task-stopped-exit-codes.json"))
for mode in ("batched", "single"):
    for chunk in range(0, n, 100):
        batch = []
        for i in range(chunk, min(n, chunk + 100)):
            e = json.loads(json.dumps(sample))
            e["id"] = f"{mode}-{i}"
            e["detail"]["taskArn"] = f"arn:aws:ecs:us-east-1:123456789012:task/bench/{mode}-{i}"
            batch.append(e)
        open(f"{work}/{mode}-{chunk // 100:05d}.json", "w").write(json.dumps(batch))
PY

stats() { curl -s "$1/stats"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

run_mode() {
  local mode=$1 batch=$2
  rm -f "$work"/relay.db*
  node tests/support/test_eventbridge.js "$modules/node_modules" \
    '{"access_key_id": "AKIDBENCH", "secret_access_key": "bench-secret", "region": "us-east-1", "quiet": true}' \
    >"$work/eb.out" 2>"$work/eb.log" &
  local eb_pid=$!
  pids+=("$eb_pid")
  local eb_url=""
  for _ in $(seq 400); do
    eb_url=$(sed -n 's/^listening on //p' "$work/eb.out")
    [ -n "$eb_url" ] && break
    sleep 0.05
  done
  [ -n "$eb_url" ] || { echo "bench: the test EventBridge did not start:" >&2; cat "$work/eb.log" >&2; exit 1; }
  cat >"$work/relay.yaml" <<YAML
listen: 127.0.0.1:0
delivery: {mode: queued, max_backlog: 1000000}
store: {path: $work/relay.db}
destinations:
  bus:
    type: eventbridge
    event_bus: ops
    region: us-east-1
    endpoint: $eb_url
    source: relay.incidents
    detail_type: Incident
    batch: $batch
routes:
  - {name: ecs, handler: ecs_task, destinations: [bus]}
YAML
  AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_EC2_METADATA_DISABLED=true \
    start "$work/serve.log" /dev/null serve --config "$work/relay.yaml"
  local serve_pid=$pid
  local t0 t1
  t0=$(date +%s.%N)
  for f in "$work/$mode"-*.json; do
    curl -s -o /dev/null -w '' -H 'content-type: application/json' --data-binary "@$f" "$url/events"
  done
  local accepted=0
  for _ in $(seq 6000); do
    accepted=$(stats "$eb_url" | field entries)
    [ "$accepted" -ge "$events" ] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  local calls refused
  calls=$(stats "$eb_url" | field calls)
  refused=$(stats "$eb_url" | field refused)
  printf '%-8s %-40s %8s %10.0f %8s %8s\n' "$mode" "$batch" "$accepted" \
    "$(echo "$accepted / ($t1 - $t0)" | bc -l)" "$calls" "$refused"
  kill -TERM "$serve_pid" "$eb_pid"
  wait "$serve_pid" "$eb_pid" 2>/dev/null || true
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $events ECS events"
printf '%-8s %-40s %8s %10s %8s %8s\n' mode batch entries entries/s calls refused
run_mode batched '{max_entries: 10, flush_after: 100ms}'
run_mode single '{max_entries: 1}'
