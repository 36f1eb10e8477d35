#!/usr/bin/env bash
# Runs Lodestone (pinned to CPU 0) against lodestone_loadgen (pinned to CPU 1) and passes the load
# generator's verdict on. Three uses:
#   make soak [SOAK_ARGS="--minutes 5"]       the soak: 30 minutes by default, 500 clients connecting
#                                             and leaving, steady quotes and headlines; RSS, open fds
#                                             and threads sampled and required flat after the warm-up
#   bench/soak.sh --build build/dev --seconds 90 --clients 100 ...   the short soak in `make test`
#   bench/soak.sh --build build/dev --smoke                          a few seconds: every headline reaches every client
# Options:
#   --build DIR         build tree with daemon/lodestone and bench/ws/lodestone_loadgen (default build/release)
#   --minutes N | --seconds N   length (default 30 minutes); --warmup N seconds excluded from the verdict
#   --clients K  --churn C (clients closed and reopened per second)  --sample-every S
#   --quote-rate Q  --news-rate H  --json FILE  --rss-tolerance-pct P  --rss-tolerance-mib M
#   --smoke             no soak verdict: a short run that fails unless every delivery arrived
#   --read-interval-us N  the generator reads its clients at most every N µs (the fan-out ladder's mode)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build/release
seconds=1800
warmup=
clients=500
churn=10
sample_every=10
quote_rate=2000
news_rate=20
json=
smoke=0
rss_pct=10
rss_mib=8
read_interval=0
while (($#)); do
  case $1 in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --minutes) seconds=$(($2 * 60)); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --churn) churn=$2; shift 2 ;;
    --sample-every) sample_every=$2; shift 2 ;;
    --quote-rate) quote_rate=$2; shift 2 ;;
    --news-rate) news_rate=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --rss-tolerance-pct) rss_pct=$2; shift 2 ;;
    --rss-tolerance-mib) rss_mib=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --read-interval-us) read_interval=$2; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "soak: unknown option $1" >&2; exit 2 ;;
  esac
done
((seconds >= 1 && seconds <= 86400)) || { echo "soak: --seconds must be 1..86400" >&2; exit 2; }
[[ -n $warmup ]] || warmup=$((seconds < 600 ? seconds / 3 : 120))
daemon=$build/daemon/lodestone
loadgen=$build/bench/ws/lodestone_loadgen
for b in "$daemon" "$loadgen"; do [[ -x $b ]] || { echo "soak: $b is missing (build first)" >&2; exit 2; }; done

# Each client is one fd on each side; leave room.
need=$((clients + 512))
if (($(ulimit -n) < need)); then ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; fi
(($(ulimit -n) >= need)) || { echo "soak: open-file limit $(ulimit -n) is below $need" >&2; exit 2; }

# Two CPUs: the daemon on one, the generator on the other; with one CPU, share it.
pin_server=(taskset -c 0)
pin_loadgen=(taskset -c 1)
if (($(nproc) < 2)) || ! command -v taskset >/dev/null; then pin_server=(); pin_loadgen=(); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lodestone-soak.XXXXXX")
daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"${pin_server[@]}" "$daemon" serve --config "$root/bench/lodestone-soak.yaml" --listen 127.0.0.1:0 \
  --port-file "$work/port" --no-tape --log-level warn >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 300); do
  [[ -s $work/port ]] && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "soak: the daemon exited:" >&2; cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s $work/port ]] || { echo "soak: the daemon did not report its port" >&2; exit 1; }
port=$(cat "$work/port")

args=(--port "$port" --token bench-token --clients "$clients" --quote-rate "$quote_rate" --news-rate "$news_rate"
  --server-pid "$daemon_pid" --json "$work/result.json" --read-interval-us "$read_interval")
if ((smoke)); then
  args+=(--warmup 0.5 --duration "$seconds" --label smoke --min-delivery 1.0)
else
  args+=(--soak --warmup "$warmup" --duration $((seconds - warmup)) --churn "$churn" --sample-every "$sample_every"
    --rss-tolerance-pct "$rss_pct" --rss-tolerance-mib "$rss_mib" --label soak)
  ((seconds > warmup)) || { echo "soak: --seconds must exceed the warm-up ($warmup s)" >&2; exit 2; }
fi
echo "soak: daemon pid $daemon_pid on port $port; $clients clients, ${seconds}s ($( ((smoke)) && echo smoke || echo "warm-up ${warmup}s, churn $churn/s"))"
status=0
"${pin_loadgen[@]}" "$loadgen" "${args[@]}" || status=$?
if ! kill -0 "$daemon_pid" 2>/dev/null; then
  echo "soak: the daemon died during the run:" >&2
  tail -20 "$work/daemon.log" >&2
  status=1
fi
[[ -n $json ]] && cp "$work/result.json" "$json" 2>/dev/null
if grep -qiE "AddressSanitizer|runtime error" "$work/daemon.log"; then
  echo "soak: the daemon reported a sanitizer error:" >&2
  grep -iE -A5 "AddressSanitizer|runtime error" "$work/daemon.log" | head -40 >&2
  status=1
fi
exit $status
