/**
 * Log compaction benchmark: MB/s of log cleaned by the storage layer's LogCleaner (one pass over
 * a compacted partition, run synchronously with `cleanNow`). Not a test. Run with
 * `npm run bench:compaction` (builds, then runs dist/bench/compaction.js); `--quick` for a
 * smaller log.
 *
 * The log is written through Log.appendAsLeader into a temporary directory: updates of random
 * keys (16-byte keys, 100-byte values, 50 records per batch), segment.bytes 16 MiB. Figures:
 * "log cleaned" is the bytes of the segments rewritten divided by the whole pass time (offset map
 * and rewrite, fsyncs and swaps included); "map" is the rate of the offset-map phase alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ManualClock, systemClock, timerScheduler } from '../src/broker/clock.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../src/broker/storage/log-config.js';
import type { CleanerStats } from '../src/broker/storage/log-cleaner.js';
import { LogManager } from '../src/broker/storage/log-manager.js';
import { silentLogger } from '../src/logging/logger.js';
import { buildRecordBatch, CompressionCodec } from '../src/protocol/records/index.js';

export interface CompactionScenario {
  readonly name: string;
  /** Bytes of updates written before the pass (approximately). */
  readonly logBytes: number;
  /** Distinct keys the updates cycle over (randomly). */
  readonly keys: number;
  readonly codec: number;
  /** A first pass is run (and not measured) before more updates are written and the measured pass runs. */
  readonly steadyState?: boolean;
}

export interface CompactionResult {
  readonly name: string;
  readonly stats: CleanerStats;
  /** Bytes of log rewritten per second over the whole pass, in MB/s (10^6 bytes). */
  readonly cleanedMBps: number;
  /** Bytes of dirty log read per second while building the offset map, in MB/s. */
  readonly mapMBps: number;
}

const RECORDS_PER_BATCH = 50;
const VALUE_BYTES = 100;

function logConfig(): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: 16 * 1024 * 1024, minCleanableDirtyRatio: 0 };
}

/** Appends about `bytes` of updates over `keys` keys; returns the bytes written. */
function writeUpdates(manager: LogManager, topic: string, bytes: number, keys: number, codec: number, seed: number): number {
  const log = manager.getLog(topic, 0)!;
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  const start = log.size;
  let n = 0;
  while (log.size - start < bytes) {
    const records = [];
    for (let i = 0; i < RECORDS_PER_BATCH; i++) {
      const key = Buffer.from(`key-${String(next() % keys).padStart(12, '0')}`);
      const v = Buffer.from(value);
      v.write(String(n++), 0);
      records.push({ key, value: v, timestamp: 1_700_000_000_000n });
    }
    const r = log.appendAsLeader(buildRecordBatch(records, { baseOffset: 0n, compression: codec }), 0);
    if (!r.ok) throw new Error(`append failed: ${r.error} ${r.message}`);
  }
  log.roll();
  return log.size - start;
}

export function runCompactionScenario(s: CompactionScenario): CompactionResult {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-compaction-'));
  const clock = new ManualClock(1_700_000_000_000);
  const manager = LogManager.open({ logDirs: [dir], nodeId: 1, defaultConfig: logConfig(), clock, scheduler: clock, logger: silentLogger(), cleanerEnable: false });
  try {
    manager.createLog('bench', 0, logConfig());
    writeUpdates(manager, 'bench', s.logBytes, s.keys, s.codec, 1);
    if (s.steadyState === true) {
      manager.cleaner.cleanNow('bench', 0);
      writeUpdates(manager, 'bench', s.logBytes, s.keys, s.codec, 2);
    }
    const stats = manager.cleaner.cleanNow('bench', 0)!;
    const seconds = stats.elapsedMs / 1000;
    return { name: s.name, stats, cleanedMBps: stats.bytesRead / seconds / 1e6, mapMBps: stats.mapBytesRead / seconds / 1e6 };
  } finally {
    manager.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BackgroundResult {
  readonly bytes: number;
  readonly seconds: number;
  /** Event-loop delay while the background cleaner worked, in ms. */
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly delayMaxMs: number;
}

/**
 * The cleaner as the broker runs it: the 'log-cleaner' task on real timers, steps through
 * setImmediate. Measures how long the event loop waits for it (what a request arriving
 * meanwhile would wait) while it cleans `bytes` of updates.
 */
export async function runBackgroundScenario(bytes: number, keys: number): Promise<BackgroundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-compaction-'));
  const clock = new ManualClock(1_700_000_000_000);
  const writer = LogManager.open({ logDirs: [dir], nodeId: 1, defaultConfig: logConfig(), clock, scheduler: clock, logger: silentLogger(), cleanerEnable: false });
  writer.createLog('bench', 0, logConfig());
  const written = writeUpdates(writer, 'bench', bytes, keys, CompressionCodec.NONE, 1);
  writer.close();
  const manager = LogManager.open({ logDirs: [dir], nodeId: 1, defaultConfig: logConfig(), clock: systemClock, scheduler: timerScheduler(), logger: silentLogger(), cleanerBackoffMs: 10 });
  const end = manager.getLog('bench', 0)!.logEndOffset;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  try {
    while ((manager.cleaner.checkpointOf('bench', 0) ?? 0) < end) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    histogram.disable();
    return { bytes: written, seconds, delayP50Ms: histogram.percentile(50) / 1e6, delayP99Ms: histogram.percentile(99) / 1e6, delayMaxMs: histogram.max / 1e6 };
  } finally {
    manager.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function compactionScenarios(quick: boolean): CompactionScenario[] {
  const mb = quick ? 16 : 128;
  const keys = quick ? 20_000 : 100_000;
  return [
    { name: `${mb} MB of updates over ${keys} keys, uncompressed, first pass`, logBytes: mb * 1e6, keys, codec: CompressionCodec.NONE },
    { name: `${mb} MB of updates over ${keys} keys, lz4, first pass`, logBytes: mb * 1e6, keys, codec: CompressionCodec.LZ4 },
    { name: `${mb} MB more updates after a first pass, uncompressed (clean section re-read)`, logBytes: mb * 1e6, keys, codec: CompressionCodec.NONE, steadyState: true },
  ];
}

function format(r: CompactionResult): string {
  const s = r.stats;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return (
    `${r.cleanedMBps.toFixed(0).padStart(5)} MB/s cleaned  ${r.name}\n` +
    `         ${mb(s.bytesRead)} rewritten into ${mb(s.bytesWritten)} in ${(s.elapsedMs / 1000).toFixed(2)} s; ` +
    `${s.recordsRead} records read, ${s.recordsRetained} kept, ${s.mapKeys} keys mapped; ${s.segmentsCleaned} segments into ${s.segmentsWritten}`
  );
}

export async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  console.log(`samsa compaction benchmark: node ${process.version}, ${process.platform}/${process.arch}${quick ? ' (quick)' : ''}`);
  for (const s of compactionScenarios(quick)) console.log(format(runCompactionScenario(s)));
  const mb = quick ? 16 : 64;
  const bg = await runBackgroundScenario(mb * 1e6, quick ? 20_000 : 100_000);
  console.log(
    `${(bg.bytes / bg.seconds / 1e6).toFixed(0).padStart(5)} MB/s cleaned  ${mb} MB of updates by the background cleaner (10 ms steps via setImmediate)\n` +
      `         event-loop delay meanwhile: p50 ${bg.delayP50Ms.toFixed(1)} ms, p99 ${bg.delayP99Ms.toFixed(1)} ms, max ${bg.delayMaxMs.toFixed(1)} ms`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
