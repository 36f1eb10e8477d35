#!/usr/bin/env bash
# `make bench [BENCH_ARGS=--quick]` (issue #7), after `make build` (release):
#   1. parse and normalize throughput per feed format        bench/feeds (Google Benchmark)
#   2. rule evaluation throughput and per-event latency       bench/rules_bench.cpp
#      and what a broadcast costs per delivery, allocations counted   bench/fanout_bench.cpp
#      and what a quote costs in the bus and on the board             bench/pipeline_bench.cpp
#   3. ingest-to-client latency with K = 1, 100, 1000, 5000 WebSocket clients, and
#   4. fan-out throughput and memory per idle client, against Node.js + ws and Bun.serve
#      (bench/ws/compare.py with bench/ws/loadgen.cpp and bench/peers/)
# JSON in build/release/bench-results/, the table in bench/RESULTS.md. Options (BENCH_ARGS):
#   --quick        shorter runs and K up to 1000 (a few minutes), each scenario once
#   --runs N       each latency and fan-out scenario N times (default 3; 1 with --quick): medians
#                  with the spread (min-max), and a lead within the spread reported as a tie
#   --no-peers     Lodestone alone;  --no-perf   skip the perf profile;  --micro-only   steps 1-2 only
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/release/bench-results
mkdir -p "$out"
quick=0 peers=1 micro_only=0 pass=()
for a in "$@"; do
  case $a in
    --quick) quick=1; pass+=("$a") ;;
    --no-peers) peers=0 ;;
    --micro-only) micro_only=1 ;;
    *) pass+=("$a") ;;
  esac
done

# 1-2: Google Benchmark binaries, pinned to the same core as the daemon in 3-4.
min_time=()
((quick)) && min_time=(--benchmark_min_time=0.2)
pin=()
command -v taskset >/dev/null && (($(nproc) >= 2)) && pin=(taskset -c 0)
# As root, each binary runs in a session of its own whose autogroup gets nice -20, so builds beside
# the benchmark take little from it (bench/README.md, "Pinning and priority").
if [[ $(id -u) -eq 0 ]] && command -v setsid >/dev/null; then
  pin=(setsid --wait bash -c 'echo -20 >"/proc/$$/autogroup" 2>/dev/null; exec "$@"' boost "${pin[@]}")
fi
for b in feeds/feeds_bench rules_bench notify_bench fanout_bench pipeline_bench; do
  bin=build/release/bench/$b
  [[ -x $bin ]] || { echo "bench: $bin is missing (make build)"; exit 1; }
  name=$(basename "$b")
  echo "== $name"
  "${pin[@]}" "$bin" "${min_time[@]}" --benchmark_out="$out/$name.json" --benchmark_out_format=json
done
((micro_only)) && { echo "results in $out/"; exit 0; }

# 3-4: the peers come from npm with the committed lockfile; `npm ci` only when it changed.
if ((peers)); then
  stamp=bench/peers/node_modules/.lodestone-lock
  if [[ ! -f $stamp ]] || ! cmp -s bench/peers/package-lock.json "$stamp"; then
    echo "bench: npm ci in bench/peers"
    (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp bench/peers/package-lock.json "$stamp"
  fi
  bench/peers/node_modules/.bin/bun --version >/dev/null
else
  pass+=(--servers lodestone)
fi
python3 bench/ws/compare.py --json "$out/ws.json" --md bench/RESULTS.md "${pass[@]}"
