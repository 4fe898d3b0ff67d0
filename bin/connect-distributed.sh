#!/bin/sh
# Samsa's connect-distributed, where Kafka's guides type bin/connect-distributed.sh (written by scripts/write-launchers.ts).
samsa_bin="$(dirname "$0")/../dist/src/bin/samsa.cjs"
[ -f "$samsa_bin" ] || { echo "bin/connect-distributed.sh: Samsa is not built yet: run npm install && npm run build" >&2; exit 1; }
exec node "$samsa_bin" connect-distributed "$@"
