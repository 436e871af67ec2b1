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
# receiver (signature, fields). Then keep-alive, `Connection: close` (how EventBridge calls) and
# `Connection: close` over HTTPS (close-tls) at 4/32/64 connections, in interleaved rounds (every
# peer once per round, for each mode and connection count), and one table of medians: req/s (2xx
# answers only), for the queued row also its sustained rate (deliveries the sink counted per second
# of the cell), p50, p99, errors, the peer's peak RSS and CPU per request, and each row's ratio to
# nginx and to the ceiling. The table also goes to bench/compare/last-results.md with the date, the
# machine and the command.
#
# close-tls: a certificate made here (openssl, ECDSA P-256, self-signed for 127.0.0.1); relay
# (sync and queued), nginx and the sink each serve HTTPS on a second port (relay as separate
# processes with ingress.tls), all with TLS session resumption off (relay:
# ingress.tls.session_resumption: false; nginx: ssl_session_cache off, ssl_session_tickets off),
# so every connection makes a full handshake. wrk does resume sessions when the server lets it
# (it keeps each connection's session across reconnects: against nginx with tickets on, 611 of
# 615 connections were resumed, by $ssl_session_reused), so resumption has to be refused by the
# server. One extra row, relay-sync-resume, is relay --sync with resumption on. Before timing,
# each HTTPS peer is checked with `openssl s_client -sess_out` then three `-sess_in`
# connections: none may be resumed ("Reused," in s_client's output), except on the
# relay-sync-resume peer, where all three must be; a peer that fails is left out (n/a).
#
# Usage: bench/compare/run.sh
# Environment, with defaults:
#   COMPARE_SECONDS=5          duration of each cell
#   COMPARE_ROUNDS=3           interleaved rounds (medians over them)
#   COMPARE_CONNS="4 32 64"    connection counts
#   COMPARE_MODES="keep-alive close close-tls"
#   COMPARE_PEERS="relay-sync relay-sync-resume relay-queued python node nginx sink"
#                              (relay-sync-resume: close-tls only; python and node: plain HTTP only)
#   COMPARE_BUILD=build        relay build directory (built with `make` if its binary is missing)
#   COMPARE_RELAY_THREADS=     relay serve --threads (default: one per core)
#   COMPARE_BUDGET_SECONDS=1080 cells that would start after this many seconds of timing are skipped
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
modes=${COMPARE_MODES:-keep-alive close close-tls}
peer_list=${COMPARE_PEERS:-relay-sync relay-sync-resume relay-queued python node nginx sink}
build=${COMPARE_BUILD:-build}
relay_threads=${COMPARE_RELAY_THREADS:-}
budget=${COMPARE_BUDGET_SECONDS:-1080}
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
read -r sink_port p_relay_sync p_relay_queued p_python p_node p_nginx \
        t_sink t_relay_sync t_relay_resume t_relay_queued t_nginx < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(11)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
sink_url=http://127.0.0.1:$sink_port
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",",":")))' "$sample" >"$work/body.json"
export WEBHOOK_URL=$sink_url/hooks/devops-agent
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
# fill FILE PORT [TLS_PORT [STORE]]
fill() {
  sed -e "s|@PREFIX@|$work|g" -e "s|@SINK_PORT@|$sink_port|g" -e "s|@STORE@|${4:-$work/outbox.db}|g" -e "s|@PORT@|$2|g" \
      -e "s|@TLS_PORT@|${3:-0}|g" -e "s|@CERT@|$work/cert.pem|g" -e "s|@KEY@|$work/key.pem|g" "$here/$1"
}
fill relay.yaml 0 >"$work/relay.yaml"
for resumption in false true; do  # relay.yaml has no ingress section: the HTTPS processes add one
  { fill relay.yaml 0 0 "$work/outbox-tls.db"
    printf 'ingress:\n  tls: {cert: %s, key: %s, session_resumption: %s}\n' "$work/cert.pem" "$work/key.pem" "$resumption"
  } >"$work/relay-tls-resumption-$resumption.yaml"
done
fill nginx-hop.conf "$p_nginx" "$t_nginx" >"$work/nginx-hop.conf"
fill nginx-sink.conf "$sink_port" "$t_sink" >"$work/nginx-sink.conf"

declare -A port=([relay-sync]=$p_relay_sync [relay-queued]=$p_relay_queued [python]=$p_python [node]=$p_node
                 [nginx]=$p_nginx [sink]=$sink_port
                 [relay-sync@tls]=$t_relay_sync [relay-sync-resume@tls]=$t_relay_resume
                 [relay-queued@tls]=$t_relay_queued [nginx@tls]=$t_nginx [sink@tls]=$t_sink)
declare -A pid=() na=()
active=()      # peers served over HTTP
active_tls=()  # peers served over HTTPS (close-tls), by their process NAME@tls
tls_wanted=0
[[ " $modes " == *" close-tls "* ]] && tls_wanted=1

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
    if [[ $name == *@tls ]]; then active_tls+=("$name"); else active+=("$name"); fi
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
    relay-sync-resume) ;;  # HTTPS only: started below
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
relay_tls() {  # NAME RESUMPTION [--sync]: relay serving HTTPS
  start "$1@tls" "$relay" serve --config "$work/relay-tls-resumption-$2.yaml" --listen "127.0.0.1:${port[$1@tls]}" \
    ${3:+"$3"} --drain-timeout 2 "${threads_arg[@]}"
}
if [ "$tls_wanted" = 1 ]; then
  for peer in $peer_list; do
    case $peer in
      relay-sync) relay_tls relay-sync false --sync ;;
      relay-sync-resume) relay_tls relay-sync-resume true --sync ;;
      relay-queued) relay_tls relay-queued false ;;
      nginx) [ -n "${pid[nginx]:-}" ] && { pid[nginx@tls]=${pid[nginx]}; active_tls+=(nginx@tls); } ;;
      python|node) na[$peer@tls]="serves plain HTTP only" ;;
    esac
  done
fi

# --- check each peer's output once, before timing ---------------------------------------------
declare -A kind=([relay-sync]=incident [relay-queued]=incident [python]=incident [node]=incident [nginx]=passthrough)
specs=()
for peer in "${active[@]}" "${active_tls[@]}"; do
  base=${peer%@tls} scheme=http path=/
  [[ $peer == *@tls ]] && scheme=https
  [[ $base == relay-* ]] && path=/events
  specs+=("$peer=$scheme://127.0.0.1:${port[$peer]}$path=${kind[${base/relay-sync-resume/relay-sync}]}")
done
checked=()
if [ ${#specs[@]} -gt 0 ]; then
  while read -r name verdict detail; do
    log "check $name: $verdict $detail"
    if [ "$verdict" = ok ]; then checked+=("$name"); else na[$name]="check failed: $detail"; fi
  done < <(python3 "$here/check.py" --capture-port "$sink_port" --secret "$WEBHOOK_SECRET" --body "$work/body.json" \
            --ca "$work/cert.pem" "${specs[@]}")
fi
keep_checked() { local p; for p in "$@"; do [[ " ${checked[*]} " == *" $p "* ]] && echo "$p"; done; }
mapfile -t active < <(keep_checked "${active[@]}")
mapfile -t active_tls < <(keep_checked "${active_tls[@]}")

# The sink: started now on the port the capture receiver held.
start sink nginx -p "$work" -c "$work/nginx-sink.conf" -e "$work/nginx-sink.error.log"
[ -n "${na[sink]:-}" ] && { log "the sink is needed by every row: ${na[sink]}"; exit 1; }
sleep 0.2; late_pids+=($(nginx_workers "${pid[sink]}"))
read -r _ verdict detail < <(python3 "$here/check.py" --secret "$WEBHOOK_SECRET" --body "$work/body.json" "sink=$sink_url/events=status")
log "check sink: $verdict $detail"
[ "$verdict" = ok ] || { log "the sink does not answer 2xx"; exit 1; }
if [ "$tls_wanted" = 1 ] && [[ " $peer_list " == *" sink "* ]]; then pid[sink@tls]=${pid[sink]}; active_tls+=(sink@tls); fi

# resumed PORT: of three HTTPS connections offering the session of a first one, how many the
# server resumed (s_client prints "Reused," for those). The GET's answer does not matter.
resumed() {
  local n=0 i offer=()
  rm -f "$work/session.pem"
  s_client() { printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
                 timeout 5 openssl s_client -connect "127.0.0.1:$1" -ign_eof "${@:2}" 2>/dev/null; }
  s_client "$1" -sess_out "$work/session.pem" >/dev/null || true
  [ -s "$work/session.pem" ] && offer=(-sess_in "$work/session.pem")
  for i in 1 2 3; do s_client "$1" "${offer[@]}" | grep -q '^Reused,' && n=$((n + 1)); done
  echo "$n"
}
checked=()
for peer in "${active_tls[@]}"; do
  want=0; [ "$peer" = relay-sync-resume@tls ] && want=3
  got=$(resumed "${port[$peer]}")
  log "check $peer: TLS sessions resumed on $got of 3 connections offering one (expected $want)"
  if [ "$got" = "$want" ]; then checked+=("$peer"); else na[$peer]="TLS sessions resumed on $got of 3 connections, expected $want"; fi
done
active_tls=("${checked[@]}")

in_order() {  # NAME...: the names in COMPARE_PEERS order
  local peer
  for peer in $peer_list; do [[ " $* " == *" $peer "* ]] && echo "$peer"; done
}
mapfile -t active < <(in_order "${active[@]}")
mapfile -t active_tls < <(in_order "${active_tls[@]%@tls}")

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
  local peer=$1 mode=$2 c=$3 r=$4 d=${5:-$seconds} url drain_s="" delivered="" during="" before="" sp key=$1 scheme=http
  cell_no=$((cell_no + 1))
  [ "$mode" = close-tls ] && { key=$peer@tls; scheme=https; }
  url=$scheme://127.0.0.1:${port[$key]}/events
  if ! kill -0 "${pid[$key]}" 2>/dev/null; then
    na[$key]=${na[$key]:-"exited during the run: $(tail -n 2 "$work/$key.log" | tr '\n' ' ' | cut -c1-200)"}
    return
  fi
  python3 "$here/procstat.py" "${pid[$key]}" >"$work/proc.json" &
  sp=$!
  pids+=($sp)
  sleep 0.15  # procstat.py reads the starting CPU times
  [ "$peer" = relay-queued ] && before=$(sink_count)
  COMPARE_BODY=$work/body.json COMPARE_CLOSE=$([ "$mode" = keep-alive ] && echo 0 || echo 1) \
    COMPARE_ID_PREFIX=$((RANDOM * 32768 + RANDOM + cell_no)) \
    timeout "$((d + 20))" wrk -t1 -c"$c" -d"${d}s" --timeout 5s --latency -s "$here/post.lua" "$url" >"$work/wrk.txt" 2>&1 || true
  grep -qE 'Non-2xx|Socket errors' "$work/wrk.txt" && sed 's/^/  wrk: /' "$work/wrk.txt" >&2
  # Deliveries while wrk ran (the status request counts one): the queued row's sustained rate.
  [ "$peer" = relay-queued ] && during=$(($(sink_count) - before - 1)) && read -r drain_s delivered < <(drain "$before")
  kill -TERM "$sp" 2>/dev/null || true
  wait "$sp" 2>/dev/null || true
  [ "$r" = 0 ] && return  # warm-up
  if python3 "$here/report.py" cell --peer "$peer" --mode "$mode" --conns "$c" --round "$r" --wrk "$work/wrk.txt" \
      --proc "$work/proc.json" ${drain_s:+--drain "$drain_s" --delivered "$delivered" --delivered-during "$during"} \
      >>"$work/results.jsonl"; then
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
log "peers: ${active[*]}; over HTTPS: ${active_tls[*]:-none}; ${seconds}s per cell, $rounds rounds, modes: $modes, connections: $conns_list"
for peer in "${active[@]}"; do cell "$peer" keep-alive 4 0 1; done  # warm-up, not recorded
[ "$tls_wanted" = 1 ] && for peer in "${active_tls[@]}"; do cell "$peer" close-tls 4 0 1; done

timing_start=$SECONDS
skipped=0
: >"$work/results.jsonl"
for r in $(seq "$rounds"); do
  for mode in $modes; do
    targets=("${active[@]}")
    [ "$mode" = close-tls ] && targets=("${active_tls[@]}")
    for c in $conns_list; do
      for peer in "${targets[@]}"; do
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
for peer in "${!na[@]}"; do echo "${peer/%@tls/@close-tls} ${na[$peer]}" >>"$work/na.txt"; done
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
  echo "- req/s counts 2xx answers only; p50/p99/req/s are medians over the rounds; peak RSS is the largest sum of VmRSS over the peer's processes seen in any round; CPU ms/req is the peer's processes' CPU time per request (for the queued row, until its backlog had drained); errors are non-2xx answers and socket errors, summed over the rounds; for the queued row the sink's request counter is read before each cell and after the backlog drained, and the note gives deliveries over accepted events (deliveries may exceed accepted events by the requests in flight when wrk stops); its delivered/s is what the sink counted while wrk ran, per second; close-tls: HTTPS with a full handshake per connection (session resumption off on the server, checked with openssl s_client), except the relay-sync-resume row; ratios are req/s over the nginx proxy_pass and sink-alone rows"
} >"$work/meta.md"

echo
python3 "$here/report.py" table --results "$work/results.jsonl" --na "$work/na.txt" --meta "$work/meta.md" \
  --md "$out" --rounds "$rounds"
cp "$work/results.jsonl" "${out%.md}.jsonl"  # every cell, for a closer look
echo
sed 's/^- /  /' "$work/meta.md"
log "written to $out"
