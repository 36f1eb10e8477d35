#!/usr/bin/env bash
# Installs everything Lodestone builds, tests and runs with, from Debian's packages and npm.
# Idempotent and quiet when everything is present: both README commands call it first.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

debian_packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  clang-14 libclang-rt-14-dev lld-14 clang-format clang-tidy
  libboost1.81-all-dev libsimdjson-dev libhiredis-dev prometheus-cpp-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev libssl-dev libcurl4-openssl-dev libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-sentinel haproxy prometheus chromium fonts-wqy-microhei curl procps faketime systemd
)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js brings its own npm (Debian's or NodeSource's build); only install Debian's when neither is present.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The packaged redis-server, haproxy and prometheus start system services on install; Lodestone's
# tests start their own on ephemeral loopback ports, so the system ones are left alone.

# Web tooling (bundler, browser-test driver) from npm with the committed lockfile.
if [[ -f "$here/web/package-lock.json" ]]; then
  stamp="$here/web/node_modules/.lodestone-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$here/web/package-lock.json" "$stamp"; then
    echo "setup: npm ci in web/"
    (cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$here/web/package-lock.json" "$stamp"
  fi
fi
