#!/usr/bin/env bash
# `make bench`: runs the Google Benchmark binaries of the release build and keeps their JSON.
# (The WebSocket fan-out and end-to-end comparisons against peers are not written yet: issue #7.)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/release/bench-results
mkdir -p "$out"
for b in rules_bench feeds/feeds_bench; do
  bin=build/release/bench/$b
  [[ -x $bin ]] || { echo "bench: $bin is missing (make build)"; exit 1; }
  name=$(basename "$b")
  echo "== $name"
  "$bin" --benchmark_out="$out/$name.json" --benchmark_out_format=json
done
echo "results in $out/"
