/**
 * Child process of log-crash.test.ts (not a test itself): appends batches to `crash-0` under the
 * log dir given as argv[2] as fast as it can, with an idempotent producer whose epoch is
 * argv[3], and prints `ack <lastOffset> <lastSequence>` after every acknowledged append, until
 * it is killed.
 */
import { systemClock, timerScheduler } from '../../../src/broker/clock.js';
import { LogManager } from '../../../src/broker/storage/log-manager.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/broker/storage/log-config.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

// Not storage-test-helpers: that module registers node:test hooks, which a plain child process must not.
function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

function batch(count: number, baseSequence: number, producerEpoch: number): Uint8Array {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(90, 97 + i), timestamp: BigInt(Date.now()) }));
  return buildRecordBatch(records, { baseOffset: 0n, producerId: 77n, producerEpoch, baseSequence });
}

const dir = process.argv[2]!;
const epoch = Number(process.argv[3] ?? 0);
const manager = LogManager.open({
  logDirs: [dir],
  nodeId: 1,
  defaultConfig: config(),
  clock: systemClock,
  scheduler: timerScheduler(),
  logger: silentLogger(),
  flushSchedulerIntervalMs: 20,
  flushCheckpointIntervalMs: 50,
});
const log = manager.createLog('crash', 0, config({ segmentBytes: 64 * 1024, indexIntervalBytes: 1024, segmentIndexBytes: 4096 }));
let seq = 0;

function burst(): void {
  for (let i = 0; i < 25; i++) {
    const count = 1 + (seq % 4);
    const r = log.appendAsLeader(batch(count, seq, epoch), 0);
    if (!r.ok) {
      process.stderr.write(`append failed: ${r.error} ${r.message}\n`);
      process.exit(2);
    }
    seq += count;
    process.stdout.write(`ack ${r.lastOffset} ${seq - 1}\n`);
  }
  setImmediate(burst);
}
burst();
