#!/bin/sh
# Samsa's connect-standalone, where Kafka's guides type bin/connect-standalone.sh (written by scripts/write-launchers.ts).
samsa_bin="$(dirname "$0")/../dist/src/bin/samsa.cjs"
[ -f "$samsa_bin" ] || { echo "bin/connect-standalone.sh: Samsa is not built yet: run npm install && npm run build" >&2; exit 1; }
exec node "$samsa_bin" connect-standalone "$@"
