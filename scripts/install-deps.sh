#!/usr/bin/env bash
# Installs the Debian 12 packages relay needs to build and test, when any is missing.
set -euo pipefail
# Build: compiler, CMake, Ninja, ccache and the libraries. Tests: python3, curl, openssl (the
# TLS tests make their certificates with it), node and npm (signatures are cross-checked
# against the standardwebhooks package; the PostgreSQL outbox's tests use a local postgresql
# server, scripts/test-postgres.sh). Fuzzing (make fuzz): clang-15 and libFuzzer. The Lambda
# package (make lambda, deploy/lambda/package.sh): patchelf, zip, unzip, ca-certificates. The
# console's browser tests: chromium (driven headless by the playwright-core npm package).
packages=(
  g++ cmake ninja-build ccache pkg-config make python3 openssl curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-15 libfuzzer-15-dev
  postgresql
  patchelf zip unzip ca-certificates
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node may come from elsewhere than Debian; only install Debian's when there is none.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
