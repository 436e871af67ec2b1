#!/usr/bin/env bash
# Load benchmark (not a test): wrk posts the ECS stopped-task sample to `relay serve --sync`,
# which transforms, signs and forwards each event to `relay sink` before answering. Runs
# keep-alive and Connection: close at 4, 32 and 64 connections; prints req/s, p50, p99 and
# the relay's peak RSS (VmHWM) after each run.
# Usage: bench/serve/run.sh [BUILD_DIR] [DURATION] [SERVE_THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
duration=${2:-10s}
threads=${3:-0}
relay="$build/bin/relay"
sample=payloads/samples/ecs-task-stopped-exit-codes.json
. bench/serve/lib.sh

export WEBHOOK_SECRET=bench-secret
start "$work/sink.log" /dev/null sink --listen 127.0.0.1:0 --secret env:WEBHOOK_SECRET
export WEBHOOK_URL="$url/hooks/devops-agent"
serve_args=(serve --listen 127.0.0.1:0 --sync)
[ "$threads" != 0 ] && serve_args+=(--threads "$threads")
start "$work/serve.log" /dev/null "${serve_args[@]}"
serve_url=$url
serve_pid=$pid

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
if os.getenv("BENCH_CLOSE") == "1" then wrk.headers["Connection"] = "close" end
LUA

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); body $(wc -c <"$sample") bytes; $duration per row"
printf '%-11s %5s %10s %9s %9s %8s\n' mode conns req/s p50 p99 rss_MB
for mode in keep-alive close; do
  for conns in 4 32 64; do
    out=$(BENCH_BODY="$sample" BENCH_CLOSE=$([ $mode = close ] && echo 1 || echo 0) \
          wrk -t1 -c"$conns" -d"$duration" --latency -s "$work/post.lua" "$serve_url/events")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd ';' || true)
    rss=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status")
    printf '%-11s %5s %10s %9s %9s %8s %s\n' "$mode" "$conns" "$rps" "$p50" "$p99" "$rss" "$errors"
  done
done
