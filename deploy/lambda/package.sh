#!/usr/bin/env bash
# Packages relay for AWS Lambda's provided.al2023 runtime (x86_64). Lambda unpacks the zip to
# /var/task and runs /var/task/bootstrap, so the zip holds:
#   bootstrap      the relay binary, stripped, with its loader set to
#                  /var/task/lib/ld-linux-x86-64.so.2 and its library path (DT_RPATH, which also
#                  covers the libraries' own dependencies) to /var/task/lib
#   lib/           that loader and every shared library relay needs, as ldd resolves them on the
#                  build machine, glibc included: nothing is taken from the system it runs on
#   ssl/cert.pem   the build machine's CA bundle; bootstrap points SSL_CERT_FILE at it
#   relay.yaml     the config (deploy/lambda/template.yaml sets RELAY_CONFIG=/var/task/relay.yaml)
# Absolute paths rather than $ORIGIN: the loader finds $ORIGIN through /proc, which an empty
# root (the packaging test) lacks, and Lambda's task root is always /var/task.
# Usage: deploy/lambda/package.sh RELAY_BINARY CONFIG OUTPUT_ZIP
set -euo pipefail
relay=$1
config=$2
zip_file=$(realpath -m "$3")
ca_bundle=/etc/ssl/certs/ca-certificates.crt
task_root=/var/task

[ -r "$ca_bundle" ] || { echo "package.sh: $ca_bundle is missing (install ca-certificates)" >&2; exit 1; }
stage=$(dirname "$zip_file")/stage
rm -rf "$stage" "$zip_file"
mkdir -p "$stage/lib" "$stage/ssl"

strip --strip-all -o "$stage/bootstrap" "$relay"
chmod 755 "$stage/bootstrap"
patchelf --set-interpreter "$task_root/lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$task_root/lib" \
  "$stage/bootstrap"

# "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
libraries=$(ldd "$relay" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
[ -n "$libraries" ] || { echo "package.sh: ldd found no libraries for $relay" >&2; exit 1; }
for library in $libraries; do
  cp -L "$library" "$stage/lib/$(basename "$library")"
done
cp -L "$ca_bundle" "$stage/ssl/cert.pem"
cp "$config" "$stage/relay.yaml"

(cd "$stage" && zip -q -X -r "$zip_file" bootstrap lib ssl relay.yaml)
echo "package.sh: $zip_file ($(du -h "$zip_file" | cut -f1), $(ls "$stage/lib" | wc -l) libraries)"
