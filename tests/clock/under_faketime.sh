#!/usr/bin/env bash
# under_faketime.sh 'YYYY-mm-dd HH:MM:SS' -- COMMAND...
# Runs COMMAND with the wall clock starting at that Asia/Shanghai instant and advancing in real
# time (libfaketime's "@" start-at form), for COMMAND and every process it starts: the clock
# tests (tests/clock/README.md) run the daemon-level tests this way.
# - The start is given to libfaketime as epoch seconds (FAKETIME_FMT=%s): "@YYYY-mm-dd HH:MM:SS"
#   is read in each process's own TZ, so a process with another TZ would start at another instant.
# - FAKETIME_DONT_RESET: a daemon a test spawns 40 s in sees the test's clock, 40 s on, not the
#   instant again. The faketime wrapper shares that clock between the processes and removes its
#   shared memory afterwards.
# - FAKETIME_DONT_FAKE_MONOTONIC: steady_clock and the Asio timers stay real; only the date moves.
#   For the timers that takes LODESTONE_REAL_TIMERS too (ctest sets it; the build makes it):
#   libfaketime shifts absolute timerfd expiries by the faked offset even on the monotonic clock,
#   and a timer already due then fired hours late or never (real_timers.cpp). It is preloaded
#   ahead of libfaketime, whose wrapper appends itself to LD_PRELOAD.
# - The dev build is ASan: libfaketime is preloaded ahead of the ASan runtime, which ASan refuses
#   unless told not to check the link order. And ASan's allocator, when it maps a size class for
#   the first time, reads the monotonic clock to schedule releasing memory to the OS: a malloc
#   in libstdc++'s initialisation, before libfaketime's own, then enters libfaketime's lazy set-up,
#   whose dlsym mallocs under the allocator's lock and hangs the process for good. Without the
#   periodic release (allocator_release_to_os_interval_ms=-1) ASan never reads that clock.
# Exports LODESTONE_CLOCK_INSTANT (the instant as given), so a test can check the faked clock.
set -euo pipefail

usage() {
  echo "usage: $0 'YYYY-mm-dd HH:MM:SS' -- COMMAND...   (the instant in Asia/Shanghai)" >&2
  exit 2
}
[[ $# -ge 3 && $2 == "--" ]] || usage
instant=$1
shift 2
[[ $instant =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] || usage
faketime=${LODESTONE_FAKETIME:-faketime}
command -v "$faketime" >/dev/null || {
  echo "$0: faketime not found (apt-get install faketime; deploy/setup.sh installs it)" >&2
  exit 2
}

# China Standard Time is UTC+8 without daylight saving (as in daemon/core time.hpp): no tzdata needed.
shanghai() { date -u -d "@$(($1 + 8 * 3600))" '+%F %T'; }
epoch=$(date -d "$instant +0800" +%s 2>/dev/null) || epoch=0
[[ $(shanghai "$epoch") == "$instant" ]] || {
  echo "$0: $instant is not a valid time" >&2
  exit 2
}

real_timers=${LODESTONE_REAL_TIMERS:-}
[[ -n $real_timers && -f $real_timers ]] || {
  echo "$0: LODESTONE_REAL_TIMERS must name the built clock_real_timers library" \
    "(build/dev/tests/clock/libclock_real_timers.so; ctest sets it)" >&2
  exit 2
}
export LD_PRELOAD="$real_timers${LD_PRELOAD:+:$LD_PRELOAD}"
export FAKETIME_FMT=%s
export FAKETIME_DONT_RESET=1
export FAKETIME_DONT_FAKE_MONOTONIC=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:allocator_release_to_os_interval_ms=-1"
export LODESTONE_CLOCK_INSTANT=$instant
# redis-server cannot run under libfaketime: real-clock/redis-server starts it without it.
export PATH="$(cd "$(dirname "$0")" && pwd)/real-clock:$PATH"

# The faketime wrapper shares its clock through /dev/shm/faketime_shm_<its pid> and removes it
# when it exits; one killed (a ctest timeout) leaves it behind, and a later wrapper given the same
# pid would fail on it. Those of wrappers no longer running are garbage.
for shm in /dev/shm/faketime_shm_*; do
  owner=${shm##*_}
  [[ -e $shm && $owner =~ ^[0-9]+$ ]] || continue
  [[ -d /proc/$owner ]] || rm -f "$shm" "/dev/shm/sem.faketime_sem_$owner" 2>/dev/null || true
done

# A clock test that silently ran at the real time would prove nothing: under the wrapper the
# clock must read the instant (a few seconds on at most) before COMMAND runs.
seen=$("$faketime" -f "@$epoch" date +%s)
if ((seen < epoch || seen > epoch + 5)); then
  echo "$0: under libfaketime the clock reads $(shanghai "$seen") Asia/Shanghai," \
    "not $instant" >&2
  exit 1
fi
echo "under libfaketime from $instant Asia/Shanghai: $*" >&2
exec "$faketime" -f "@$epoch" "$@"
