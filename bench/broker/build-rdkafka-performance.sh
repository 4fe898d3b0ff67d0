#!/usr/bin/env bash
# Builds librdkafka's performance tool (examples/rdkafka_performance.c) from Debian's librdkafka
# source package, linked against the system's librdkafka1 (the library kcat uses), and puts it
# where the broker benchmark looks for it: node_modules/.cache/samsa-bench/rdkafka_performance
# (or $RDKAFKA_PERFORMANCE). Needs root for apt (adds a deb-src entry for the configured Debian
# suite when there is none) and gcc. Takes about a minute. The benchmark falls back to kcat -P
# when the tool is missing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${RDKAFKA_PERFORMANCE:-$repo_root/node_modules/.cache/samsa-bench/rdkafka_performance}"
lib="$(ls /usr/lib/*/librdkafka.so.1 2>/dev/null | head -n1 || true)"
if [[ -z "$lib" ]]; then
  echo "librdkafka1 is not installed (apt-get install librdkafka1 kcat)" >&2
  exit 1
fi
command -v gcc >/dev/null || { echo "gcc is needed" >&2; exit 1; }
command -v dpkg-source >/dev/null || apt-get install -y dpkg-dev

if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  cat > /etc/apt/sources.list.d/samsa-bench-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source -qq librdkafka >/dev/null 2>&1 || apt-get source librdkafka
src="$(find . -maxdepth 1 -type d -name 'librdkafka-*' | head -n1)"
cd "$src"
# config.h only (the library itself is not built: the tool links against the system's). The output
# must not be named configure.* in the source dir: mklove would take it for one of its modules.
./configure --disable-ssl --disable-gssapi --disable-zstd --disable-lz4-ext --disable-curl >../configure-output.txt 2>&1 || { tail -20 ../configure-output.txt >&2; exit 1; }
mkdir -p "$(dirname "$out")"
gcc -O2 -Isrc -I. examples/rdkafka_performance.c -o "$out" "$lib" -lpthread -lm
echo "built $out (librdkafka $(basename "$src" | sed 's/librdkafka-//'), linked against $lib)"
