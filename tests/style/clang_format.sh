#!/usr/bin/env bash
# Every C++ file in the repository is as .clang-format lays it out: the check `make format` fixes.
# Usage: clang_format.sh CLANG_FORMAT SOURCE_DIR
set -euo pipefail
clang_format=$1
cd "$2"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else  # an exported tree: the same folders git would list
  mapfile -t files < <(find daemon feeds rules web tests bench -name '*.cpp' -o -name '*.hpp' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "no C++ files found under $2" >&2; exit 1; }
# One process for every file; --dry-run names each place it would change.
if ! "$clang_format" --dry-run --Werror "${files[@]}"; then
  echo "clang-format would change the files named above (run 'make format')" >&2
  exit 1
fi
echo "${#files[@]} files as .clang-format lays them out"
