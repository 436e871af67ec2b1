# Sourced by the bench/serve scripts: a scratch dir, cleanup of every process started, and
# `start LOG OUT SUBCOMMAND...`, which runs a relay subcommand in the background and sets
# `url` (from its "listening on" log line) and `pid`. Needs `relay` set to the binary.
work=$(mktemp -d)
pids=()
cleanup() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start() {
  local log=$1 out=$2; shift 2
  "$relay" "$@" >"$out" 2>"$log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    url=$(sed -n 's/.*listening on \([^ "]*\).*/\1/p' "$log" | head -1)
    [ -n "$url" ] && return
    sleep 0.05
  done
  echo "bench: relay $* did not start:" >&2; cat "$log" >&2; exit 1
}
