#!/usr/bin/env bash
# Measures the pattern engine on the citylots-shaped stream: for each pattern set in
# ../shared/bench-data/patterns.json (and exact1000), events/s of match_json over every line
# held in memory (file reading excluded), and the matches per pattern.
# usage: bench/pattern/run.sh [BUILD_DIR=build] [SCRATCH_DIR=BUILD_DIR/bench-data] [ROUNDS=5] [SET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
scratch=${2:-$build/bench-data}
rounds=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
shared=$root/../shared/bench-data
events=$scratch/citylots.jsonl

if [ ! -s "$events" ]; then
  mkdir -p "$scratch"
  echo "generating $events (about 10 s)" >&2
  python3 "$shared/gen_citylots.py" "$scratch/citylots.jsonl.gz"
  gunzip -c "$scratch/citylots.jsonl.gz" > "$events.tmp" && mv "$events.tmp" "$events"
fi

cmake --build "$build" --target relay_bench_pattern_sets >&2
"$build/bench/pattern/relay_bench_pattern_sets" "$events" "$shared/patterns.json" "$rounds" "$@"
