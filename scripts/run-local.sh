#!/usr/bin/env bash
# `make run`: a relay sink on 127.0.0.1:9090 and relay serve with deploy/relay.example.yaml on
# 127.0.0.1:8080; the sink prints each signed incident it receives. Ctrl-C stops both.
# Usage: scripts/run-local.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
relay="$build/bin/relay"
export WEBHOOK_SECRET=${WEBHOOK_SECRET:-local-dev-secret}

"$relay" sink --listen 127.0.0.1:9090 --secret env:WEBHOOK_SECRET &
sink=$!
"$relay" serve --config deploy/relay.example.yaml &
serve=$!
trap 'kill -TERM $serve $sink 2>/dev/null; wait $serve $sink 2>/dev/null' EXIT
trap 'exit 0' INT TERM

cat >&2 <<MSG

relay serve is on http://127.0.0.1:8080, delivering to the sink on :9090. In another terminal:

  curl -sS -H 'Content-Type: application/json' --data-binary @payloads/samples/ecs-task-stopped-exit-codes.json http://127.0.0.1:8080/events

The sink prints the signed incident below. Ctrl-C stops both.

MSG
wait -n $sink $serve
