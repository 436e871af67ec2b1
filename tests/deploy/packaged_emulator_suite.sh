#!/usr/bin/env bash
# Runs the `relay lambda` emulator suite (tests/lambda) against the packaged bootstrap: the zip
# unpacked and bind-mounted at /var/task in a private mount namespace (a tmpfs hides the host's
# /var), so the suite's runtime is the bootstrap Lambda would start, loading its bundled loader
# and libraries. Exits 77 (skipped) when no mount namespace can be made here.
# Usage: packaged_emulator_suite.sh LAMBDA_E2E_TEST_BINARY RELAY_LAMBDA_ZIP [gtest args...]
set -euo pipefail
suite=$1 zip_file=$2
shift 2
namespace=(unshare -m)
[ "$(id -u)" -eq 0 ] || namespace=(unshare -rm)
if ! problem=$("${namespace[@]}" sh -c 'mount -t tmpfs tmpfs /var' 2>&1); then
  echo "skipped: cannot make a mount namespace here (${namespace[*]}): $problem"
  exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/task"
unzip -q "$zip_file" -d "$scratch/task"
cat > "$scratch/bootstrap" <<WRAPPER
#!/bin/sh
exec ${namespace[*]} sh -c 'mount -t tmpfs tmpfs /var && mkdir /var/task && mount --bind "\$0" /var/task && exec /var/task/bootstrap' "$scratch/task"
WRAPPER
chmod 755 "$scratch/bootstrap"
RELAY_LAMBDA_BOOTSTRAP="$scratch/bootstrap" "$suite" "$@"
