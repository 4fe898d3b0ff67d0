/**
 * Child process of log-cleaner-crash.test.ts (not a test itself): writes keyed updates to the
 * compacted partition `compacted-0` under the log dir argv[2] as fast as it can, starting at
 * update number argv[3], while the background cleaner runs every few milliseconds; prints
 * `ack <n>` once every update below n is acknowledged, until it is killed. Update n has key
 * `k<n * 7919 % 500>` and value `v<n>`.
 */
import { systemClock, timerScheduler } from '../../../src/broker/clock.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/broker/storage/log-config.js';
import { LogManager } from '../../../src/broker/storage/log-manager.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

// Not the test helpers: they register node:test hooks, which a plain child process must not.
const config: LogConfig = { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: 16 * 1024, indexIntervalBytes: 512, minCleanableDirtyRatio: 0.1 };

const dir = process.argv[2]!;
let n = Number(process.argv[3] ?? 0);
const manager = LogManager.open({
  logDirs: [dir],
  nodeId: 1,
  defaultConfig: config,
  clock: systemClock,
  scheduler: timerScheduler(),
  logger: silentLogger(),
  cleanerBackoffMs: 5,
  cleanerStepBytes: 8 * 1024,
  flushSchedulerIntervalMs: 20,
});
const log = manager.createLog('compacted', 0, config);

function burst(): void {
  for (let b = 0; b < 10; b++) {
    const records = [];
    for (let i = 0; i < 10; i++, n++) records.push({ key: Buffer.from(`k${(n * 7919) % 500}`), value: Buffer.from(`v${n}`), timestamp: BigInt(Date.now()) });
    const r = log.appendAsLeader(buildRecordBatch(records, { baseOffset: 0n }), 0);
    if (!r.ok) {
      process.stderr.write(`append failed: ${r.error} ${r.message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(`ack ${n}\n`);
  setImmediate(burst);
}
burst();
