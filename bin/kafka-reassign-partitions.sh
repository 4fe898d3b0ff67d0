#!/bin/sh
# Samsa's kafka-reassign-partitions, where Kafka's guides type bin/kafka-reassign-partitions.sh (written by scripts/write-launchers.ts).
samsa_bin="$(dirname "$0")/../dist/src/bin/samsa.cjs"
[ -f "$samsa_bin" ] || { echo "bin/kafka-reassign-partitions.sh: Samsa is not built yet: run npm install && npm run build" >&2; exit 1; }
exec node "$samsa_bin" kafka-reassign-partitions "$@"
