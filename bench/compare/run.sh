#!/usr/bin/env bash
# bench/compare: relay side by side with what users run instead, in one run, on loopback.
#
# One load generator (wrk -t1, post.lua: the ECS stopped-task sample, compacted, a fresh event id
# per request), one fast sink (nginx `return 200`), and these peers in front of it:
#   relay-sync    relay serve --sync: transform, sign, forward, then answer
#   relay-queued  relay serve, durable queued mode: answer once the event is committed to the outbox
#   python        the seed Lambda's ECS logic behind Python's http.server (seed_server.py)
#   node          the same logic as a Node node:http service (node_server.js)
#   nginx         nginx proxy_pass to the sink over a keep-alive upstream: a hop that does no work
#   sink          wrk straight at the sink: the ceiling
# Before any timing, check.py posts the sample once through each peer and verifies what reaches the
# receiver (signature, fields). Then keep-alive and `Connection: close` (how EventBridge calls) at
# 4/32/64 connections, in interleaved rounds (every peer once per round, for each mode and
# connection count), and one table of medians: req/s (2xx answers only), p50, p99, errors, the
# peer's peak RSS and CPU per request, and each row's ratio to nginx and to the ceiling. The table
# also goes to bench/compare/last-results.md with the date, the machine and the command.
#
# Usage: bench/compare/run.sh
# Environment, with defaults:
#   COMPARE_SECONDS=5          duration of each cell
#   COMPARE_ROUNDS=3           interleaved rounds (medians over them)
#   COMPARE_CONNS="4 32 64"    connection counts
#   COMPARE_MODES="keep-alive close"
#   COMPARE_PEERS="relay-sync relay-queued python node nginx sink"
#   COMPARE_BUILD=build        relay build directory (built with `make` if its binary is missing)
#   COMPARE_RELAY_THREADS=     relay serve --threads (default: one per core)
#   COMPARE_BUDGET_SECONDS=780 cells that would start after this many seconds of timing are skipped
#   COMPARE_DRAIN_MAX=20       longest wait for the queued backlog to drain after a cell
#   COMPARE_OUT=bench/compare/last-results.md   (every cell's figures go beside it, as .jsonl)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
command_line=""
while IFS='=' read -r key value; do
  [[ $value =~ ^[A-Za-z0-9_./:,-]*$ ]] || value="'$value'"
  command_line+="$key=$value "
done < <(env | grep '^COMPARE_' | sort || true)
command_line+="bench/compare/run.sh${*:+ $*}"

seconds=${COMPARE_SECONDS:-5}
rounds=${COMPARE_ROUNDS:-3}
conns_list=${COMPARE_CONNS:-4 32 64}
modes=${COMPARE_MODES:-keep-alive close}
peer_list=${COMPARE_PEERS:-relay-sync relay-queued python node nginx sink}
build=${COMPARE_BUILD:-build}
relay_threads=${COMPARE_RELAY_THREADS:-}
budget=${COMPARE_BUDGET_SECONDS:-780}
drain_max=${COMPARE_DRAIN_MAX:-20}
out=${COMPARE_OUT:-bench/compare/last-results.md}
relay=$build/bin/relay
sample=payloads/samples/ecs-task-stopped-exit-codes.json
export WEBHOOK_SECRET=compare-secret

log() { echo "compare: $*" >&2; }

work=$(mktemp -d /tmp/relay-compare.XXXXXX)
pids=()        # every process started in the background; TERM first
late_pids=()   # nginx workers: KILLed if still there after their master went
cleanup() {
  local p alive
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}" "${late_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- what the run needs ---------------------------------------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >&2 ||
    { as_root apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >&2; }
}
PATH=$PATH:/usr/sbin:/sbin
command -v wrk >/dev/null || apt_install wrk
command -v nginx >/dev/null || apt_install nginx-light || apt_install nginx
command -v curl >/dev/null || apt_install curl
[ -x "$relay" ] || make build BUILD="$build" >&2

# --- ports, body, configs ---------------------------------------------------------------------
read -r sink_port p_relay_sync p_relay_queued p_python p_node p_nginx < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
sink_url=http://127.0.0.1:$sink_port
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",",":")))' "$sample" >"$work/body.json"
export WEBHOOK_URL=$sink_url/hooks/devops-agent
fill() { sed -e "s|@PREFIX@|$work|g" -e "s|@SINK_PORT@|$sink_port|g" -e "s|@STORE@|$work/outbox.db|g" -e "s|@PORT@|$2|g" "$here/$1"; }
fill relay.yaml 0 >"$work/relay.yaml"
fill nginx-hop.conf "$p_nginx" >"$work/nginx-hop.conf"
fill nginx-sink.conf "$sink_port" >"$work/nginx-sink.conf"

declare -A port=([relay-sync]=$p_relay_sync [relay-queued]=$p_relay_queued [python]=$p_python [node]=$p_node
                 [nginx]=$p_nginx [sink]=$sink_port)
declare -A pid=() na=()
active=()

wait_port() {  # PORT PID: until something accepts on the port, or the process is gone
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# start NAME CMD...: starts a peer in the background (stderr in $work/NAME.log), waits for its port.
start() {
  local name=$1; shift
  "$@" >/dev/null 2>"$work/$name.log" &
  pids+=($!)
  pid[$name]=$!
  if wait_port "${port[$name]}" $!; then
    active+=("$name")
  else
    na[$name]="did not start: $(tail -n 3 "$work/$name.log" | tr '\n' ' ' | sed 's/ *$//' | cut -c1-200)"
    kill -TERM "${pid[$name]}" 2>/dev/null || true
    log "$name ${na[$name]}"
  fi
}

# Each peer's root process; nginx workers are its children (procstat.py follows them).
nginx_workers() { pgrep -P "$1" || true; }

threads_arg=()
[ -n "$relay_threads" ] && threads_arg=(--threads "$relay_threads")
for peer in $peer_list; do
  case $peer in
    relay-sync) start relay-sync "$relay" serve --config "$work/relay.yaml" --listen "127.0.0.1:$p_relay_sync" --sync \
                  --drain-timeout 2 "${threads_arg[@]}" ;;
    relay-queued) start relay-queued "$relay" serve --config "$work/relay.yaml" --listen "127.0.0.1:$p_relay_queued" \
                    --drain-timeout 2 "${threads_arg[@]}" ;;
    python) start python python3 "$here/seed_server.py" "$p_python" ;;
    node)
      if command -v node >/dev/null; then start node node "$here/node_server.js" "$p_node"
      else na[node]="node is not installed"; fi ;;
    nginx) start nginx nginx -p "$work" -c "$work/nginx-hop.conf" -e "$work/nginx-hop.error.log"
           sleep 0.2; late_pids+=($(nginx_workers "${pid[nginx]}")) ;;
    sink) ;;  # started after the checks: its port is the capture receiver's until then
    *) log "unknown peer $peer"; exit 2 ;;
  esac
done

# --- check each peer's output once, before timing ---------------------------------------------
declare -A kind=([relay-sync]=incident [relay-queued]=incident [python]=incident [node]=incident [nginx]=passthrough)
specs=()
for peer in "${active[@]}"; do
  path=/; [[ $peer == relay-* ]] && path=/events
  specs+=("$peer=http://127.0.0.1:${port[$peer]}$path=${kind[$peer]}")
done
checked=()
if [ ${#specs[@]} -gt 0 ]; then
  while read -r name verdict detail; do
    log "check $name: $verdict $detail"
    if [ "$verdict" = ok ]; then checked+=("$name"); else na[$name]="check failed: $detail"; fi
  done < <(python3 "$here/check.py" --capture-port "$sink_port" --secret "$WEBHOOK_SECRET" --body "$work/body.json" "${specs[@]}")
fi
active=("${checked[@]}")

# The sink: started now on the port the capture receiver held.
start sink nginx -p "$work" -c "$work/nginx-sink.conf" -e "$work/nginx-sink.error.log"
[ -n "${na[sink]:-}" ] && { log "the sink is needed by every row: ${na[sink]}"; exit 1; }
sleep 0.2; late_pids+=($(nginx_workers "${pid[sink]}"))
read -r _ verdict detail < <(python3 "$here/check.py" --secret "$WEBHOOK_SECRET" --body "$work/body.json" "sink=$sink_url/events=status")
log "check sink: $verdict $detail"
[ "$verdict" = ok ] || { log "the sink does not answer 2xx"; exit 1; }
ordered=()
for peer in $peer_list; do [[ " ${active[*]} " == *" $peer "* ]] && ordered+=("$peer"); done
active=("${ordered[@]}")

# --- timing -----------------------------------------------------------------------------------
sink_count() { curl -s --max-time 2 "$sink_url/_status" | awk 'NR == 3 {n = $3} END {print n + 0}'; }

# drain BEFORE: waits until the sink's request counter stops moving (each status request counts
# one); prints the seconds waited and the requests the sink got since BEFORE (one sink_count).
drain() {
  local before=$1 last now polls=1 waited=0
  last=$(sink_count)
  while [ "$waited" -lt "$((drain_max * 4))" ]; do
    sleep 0.25; waited=$((waited + 1))
    now=$(sink_count); polls=$((polls + 1))
    [ "$((now - last))" -le 1 ] && break
    last=$now
  done
  echo "$(awk -v w="$waited" 'BEGIN {printf "%.2f", w / 4}') $((now - before - polls))"
}

cell_no=0
# cell PEER MODE CONNS ROUND [DURATION]: one wrk run against PEER; appends a line to results.jsonl.
cell() {
  local peer=$1 mode=$2 c=$3 r=$4 d=${5:-$seconds} url drain_s="" delivered="" before="" sp
  cell_no=$((cell_no + 1))
  url=http://127.0.0.1:${port[$peer]}/events
  if ! kill -0 "${pid[$peer]}" 2>/dev/null; then
    na[$peer]=${na[$peer]:-"exited during the run: $(tail -n 2 "$work/$peer.log" | tr '\n' ' ' | cut -c1-200)"}
    return
  fi
  python3 "$here/procstat.py" "${pid[$peer]}" >"$work/proc.json" &
  sp=$!
  pids+=($sp)
  sleep 0.15  # procstat.py reads the starting CPU times
  [ "$peer" = relay-queued ] && before=$(sink_count)
  COMPARE_BODY=$work/body.json COMPARE_CLOSE=$([ "$mode" = close ] && echo 1 || echo 0) \
    COMPARE_ID_PREFIX=$((RANDOM * 32768 + RANDOM + cell_no)) \
    timeout "$((d + 20))" wrk -t1 -c"$c" -d"${d}s" --timeout 5s --latency -s "$here/post.lua" "$url" >"$work/wrk.txt" 2>&1 || true
  grep -qE 'Non-2xx|Socket errors' "$work/wrk.txt" && sed 's/^/  wrk: /' "$work/wrk.txt" >&2
  [ "$peer" = relay-queued ] && read -r drain_s delivered < <(drain "$before")
  kill -TERM "$sp" 2>/dev/null || true
  wait "$sp" 2>/dev/null || true
  [ "$r" = 0 ] && return  # warm-up
  if python3 "$here/report.py" cell --peer "$peer" --mode "$mode" --conns "$c" --round "$r" --wrk "$work/wrk.txt" \
      --proc "$work/proc.json" ${drain_s:+--drain "$drain_s" --delivered "$delivered"} >>"$work/results.jsonl"; then
    :
  else
    log "round $r $mode c=$c $peer: no result"; sed 's/^/  wrk: /' "$work/wrk.txt" >&2
  fi
}

busy() {  # percent of all CPUs busy over 2 s (other engineers share this machine)
  python3 -c '
import time
def sample():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(v), v[3] + v[4]
t0, i0 = sample(); time.sleep(2); t1, i1 = sample()
print(f"{100 * (1 - (i1 - i0) / max(t1 - t0, 1)):.0f}%")'
}

load_before="$(busy) of $(nproc) CPUs busy, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
log "machine load before timing: $load_before"
log "peers: ${active[*]}; ${seconds}s per cell, $rounds rounds, modes: $modes, connections: $conns_list"
for peer in "${active[@]}"; do cell "$peer" keep-alive 4 0 1; done  # warm-up, not recorded

timing_start=$SECONDS
skipped=0
: >"$work/results.jsonl"
for r in $(seq "$rounds"); do
  for mode in $modes; do
    for c in $conns_list; do
      for peer in "${active[@]}"; do
        if [ "$((SECONDS - timing_start + seconds))" -gt "$budget" ]; then skipped=$((skipped + 1)); continue; fi
        cell "$peer" "$mode" "$c" "$r"
      done
    done
  done
done
timing_seconds=$((SECONDS - timing_start))
skipped_note=""
if [ "$skipped" -gt 0 ]; then
  skipped_note=", $skipped cells skipped over the ${budget} s budget"
  log "$skipped cells skipped: over the ${budget}s budget"
fi

# --- the table --------------------------------------------------------------------------------
: >"$work/na.txt"
for peer in "${!na[@]}"; do echo "$peer ${na[$peer]}" >>"$work/na.txt"; done
# Stop the peers, then see what else keeps the machine busy.
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1
load_after="$(busy) of $(nproc) CPUs busy, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
  echo "- other load on the machine (busy CPU with no peer running): $load_before before, $load_after after"
  echo "- command: \`$command_line\` ($seconds s per cell, $rounds interleaved rounds, ${timing_seconds} s of timing$skipped_note)"
  echo "- relay: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), $relay, threads: ${relay_threads:-one per core}; queued store: SQLite in $(df --output=fstype /tmp | tail -1) /tmp"
  echo "- peers: python $(python3 -c 'import sys; print(sys.version.split()[0])') ($(python3 -c 'import urllib3; print("urllib3", urllib3.__version__)' 2>/dev/null || echo http.client)), node $(node --version 2>/dev/null || echo n/a) (one process), $(nginx -v 2>&1 | sed 's|nginx version: ||') (proxy: one worker per core; sink: one worker), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) -t1 --timeout 5s"
  echo "- sample: $sample compacted ($(wc -c <"$work/body.json") bytes), a fresh event id per request; every peer's output checked before timing (signature and fields)"
  echo "- req/s counts 2xx answers only; p50/p99/req/s are medians over the rounds; peak RSS is the largest sum of VmRSS over the peer's processes seen in any round; CPU ms/req is the peer's processes' CPU time per request (for the queued row, until its backlog had drained); errors are non-2xx answers and socket errors, summed over the rounds; for the queued row the sink's request counter is read before each cell and after the backlog drained, and the note gives deliveries over accepted events (deliveries may exceed accepted events by the requests in flight when wrk stops); ratios are req/s over the nginx proxy_pass and sink-alone rows"
} >"$work/meta.md"

echo
python3 "$here/report.py" table --results "$work/results.jsonl" --na "$work/na.txt" --meta "$work/meta.md" \
  --md "$out" --rounds "$rounds"
cp "$work/results.jsonl" "${out%.md}.jsonl"  # every cell, for a closer look
echo
sed 's/^- /  /' "$work/meta.md"
log "written to $out"
