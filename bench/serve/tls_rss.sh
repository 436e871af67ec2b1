#!/usr/bin/env bash
# Benchmark (not a test): relay's memory serving HTTPS. `relay serve --sync` with a certificate
# made here (ECDSA P-256) and TLS session resumption off, delivering to `relay sink`; wrk posts
# the ECS stopped-task sample with a fresh event id per request and `Connection: close` (a full
# handshake per request) on CONNECTIONS connections for DURATION. Prints req/s, relay's RSS once listening (idle) and its
# peak RSS (VmHWM), ROUNDS times.
# Usage: bench/serve/tls_rss.sh [BUILD_DIR] [DURATION] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
read -r build duration conns rounds <<<"${1:-build} ${2:-10s} ${3:-32} ${4:-1}"
relay="$build/bin/relay" sample=payloads/samples/ecs-task-stopped-exit-codes.json
. bench/serve/lib.sh

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
printf '%-6s %6s %10s %8s %8s\n' round conns req/s idle_MB peak_MB
for round in $(seq "$rounds"); do
  start "$work/sink.log" /dev/null sink --listen 127.0.0.1:0 --secret bench-secret
  sink_pid=$pid
  cat >"$work/relay.yaml" <<YAML
listen: 127.0.0.1:0
delivery: {mode: sync}
ingress:
  tls: {cert: $work/cert.pem, key: $work/key.pem, session_resumption: false}
destinations:
  webhook: {url: "$url/hooks", secret: bench-secret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [webhook]}
YAML
  start "$work/serve.log" /dev/null serve --config "$work/relay.yaml" --log-level warn
  idle=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  rps=$(BENCH_BODY="$sample" BENCH_CLOSE=1 wrk -t1 -c"$conns" -d"$duration" -s bench/serve/fresh_ids.lua \
    "$url/events" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  peak=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  printf '%-6s %6s %10s %8s %8s\n' "$round" "$conns" "$rps" "$idle" "$peak"
  kill -TERM "$pid" "$sink_pid"
  wait "$pid" "$sink_pid" 2>/dev/null || true
done
