#!/usr/bin/env bash
# run_suite.sh BINARY[=GTEST_FILTER]...: runs each gtest binary in turn (all of them, even after
# a failure, so one run shows every test the instant breaks); fails if any failed.
set -uo pipefail
failed=()
for spec in "$@"; do
  binary=${spec%%=*}
  args=()
  [[ $spec == *=* ]] && args=("--gtest_filter=${spec#*=}")
  echo "== $(basename "$binary") ${args[*]}"
  "$binary" "${args[@]}" --gtest_brief=1 || failed+=("$(basename "$binary")")
done
if ((${#failed[@]})); then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
