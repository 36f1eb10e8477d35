#!/usr/bin/env bash
# What `make test`, `make check`, `make test-clock` and `make test-repeat` run, after `make build-dev`.
#   tests/run.sh all      every test in build/dev (ASan+UBSan), clang-tidy, then the threaded ones under TSan
#   tests/run.sh check    the unit and in-process socket tiers only (labels unit, io)
#   tests/run.sh clock    the daemon under libfaketime at fixed Asia/Shanghai instants (label clock)
#   tests/run.sh repeat   the daemon, fault and load tiers five times each, stopping at a failure
#   tests/run.sh tidy     clang-tidy over daemon/, feeds/, rules/ and web/ (tests/style/tidy.py)
# Each prints ctest's time per label and, at the end, the wall time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
steps=()

# run NAME COMMAND...: runs a step, keeps its wall time for the summary.
run() {
  local name=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  steps+=("$(printf '%-34s %4d s%s' "$name" $((SECONDS - start)) "$( ((status)) && echo '  FAILED')")")
  return $status
}

summary() {
  echo
  echo "== wall time per step"
  printf '  %s\n' "${steps[@]}"
}
trap summary EXIT

tsan() {
  # ThreadSanitizer: only the daemon and the threaded tests (the tsan preset names them), in
  # build/tsan. Reports (the daemon's too) go to build/tsan/tsan-reports: any file there fails the
  # run, even if the test around it passed.
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan
  rm -rf build/tsan/tsan-reports && mkdir -p build/tsan/tsan-reports
  ctest --preset tsan || { cat build/tsan/tsan-reports/* 2>/dev/null; return 1; }
  if ls build/tsan/tsan-reports/report.* >/dev/null 2>&1; then
    cat build/tsan/tsan-reports/report.*
    echo "ThreadSanitizer reported races (above)"
    return 1
  fi
}

case $mode in
  all)
    run "ctest --preset dev (every label)" ctest --preset dev
    run "clang-tidy (cached per unit)" python3 tests/style/tidy.py build/dev
    run "ThreadSanitizer build and tests" tsan
    ;;
  check) run "ctest -L 'unit|io'" ctest --preset dev -L '^(unit|io)$' ;;
  clock) run "ctest -L clock" ctest --preset dev -L '^clock$' ;;
  repeat)
    for label in daemon fault load; do
      run "ctest -L $label, 5 times" ctest --preset dev -L "^${label}\$" --repeat until-fail:5
    done
    ;;
  tidy) run "clang-tidy (cached per unit)" python3 tests/style/tidy.py build/dev ;;
  *)
    echo "usage: tests/run.sh all|check|clock|repeat|tidy" >&2
    exit 2
    ;;
esac
