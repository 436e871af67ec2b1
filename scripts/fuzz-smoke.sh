#!/usr/bin/env bash
# Runs each libFuzzer target (built by `make fuzz`) for SECONDS (default 60) on a copy of
# its seed corpus under ASan + UBSan, one after another, and prints per target the inputs
# executed and the coverage reached. Any crash, leak, timeout or failed check fails the run;
# the input that caused it is printed (base64) so it can be replayed.
# Usage: scripts/fuzz-smoke.sh [SECONDS]   (FUZZ_BUILD: the build dir, default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${FUZZ_BUILD:-build-fuzz}"

# target:max_len, sized to the largest seed with room to grow.
targets=(
  event_decode:8192
  pattern_match:4096
  template_render:8192
  config_load:8192
  ingress_request:16384
  signature_verify:1024
  sigv4_verify:4096
  oauth_token:4096
  bus_request:8192
  jwt_verify:8192
)

work="$(mktemp -d "${TMPDIR:-/tmp}/relay-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

failed=()
printf '%-18s %12s %8s %6s  %s\n' target executions cov ft result
for entry in "${targets[@]}"; do
  name="${entry%%:*}"
  max_len="${entry##*:}"
  binary="$build/fuzz/fuzz_$name"
  [ -x "$binary" ] || { echo "fuzz-smoke: $binary is missing; run make fuzz" >&2; exit 2; }
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp -r "tests/fuzz/$name/." "$corpus/"
  log="$work/$name/log"
  status=0
  "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" </dev/null >"$log" 2>&1 || status=$?
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  ft="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  crashes=("$artifacts"/*)
  if [ "$status" -ne 0 ] || [ -e "${crashes[0]}" ]; then
    result="FAILED (exit $status)"
    failed+=("$name")
  else
    result=ok
  fi
  printf '%-18s %12s %8s %6s  %s\n' "$name" "${executions:-?}" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$result" != ok ]; then
    grep -E 'ERROR|SUMMARY|runtime error|fuzz check failed|Test unit written' "$log" | head -20 | sed 's/^/    /'
    for c in "${crashes[@]}"; do
      [ -e "$c" ] || continue
      echo "    input $(basename "$c") (base64): $(base64 -w0 "$c" | head -c 4000)"
    done
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz-smoke: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz-smoke: ${#targets[@]} targets, ${seconds} s each, no crash"
