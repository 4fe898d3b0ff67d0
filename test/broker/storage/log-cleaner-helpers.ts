/** Shared helpers of the log cleaner tests: keyed batches, a compacted LogManager, reading a log's live view. */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/broker/clock.js';
import type { LogConfig } from '../../../src/broker/storage/log-config.js';
import { LogManager, type LogManagerOptions } from '../../../src/broker/storage/log-manager.js';
import type { AppendResult, Log } from '../../../src/broker/storage/log.js';
import { buildRecordBatch, decodeRecordBatches, type RecordBatchBuilderOptions } from '../../../src/protocol/records/index.js';
import { config, logger } from './storage-test-helpers.js';

export const T0 = 1_700_000_000_000;

/** A compacted topic's config with small segments. */
export function compactConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return config({ cleanupPolicy: ['compact'], segmentBytes: 64 * 1024, indexIntervalBytes: 1024, ...overrides });
}

export function openManager(dir: string, clock: ManualClock, extra: Partial<LogManagerOptions> = {}): LogManager {
  return LogManager.open({ logDirs: [dir], nodeId: 1, defaultConfig: compactConfig(), clock, scheduler: clock, logger, cleanerEnable: false, ...extra });
}

/** One record: a string key (null for none) and a string value (null for a tombstone). */
export interface KV {
  key: string | null;
  value: string | null;
}

/** A batch of keyed records as a producer sends it. */
export function keyedBatch(records: readonly KV[], ts: number, options: RecordBatchBuilderOptions = {}): Uint8Array {
  return buildRecordBatch(
    records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: BigInt(ts),
    })),
    { baseOffset: 0n, ...options },
  );
}

export function ok(r: AppendResult): Extract<AppendResult, { ok: true }> {
  if (!r.ok) assert.fail(`append failed: ${r.error} ${r.message}`);
  return r;
}

/** A record as a consumer reads it. */
export interface LiveRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

/**
 * Reads the whole log the way a consumer does (fetches of `maxBytes` from the log start),
 * checking each batch's CRC and that offsets only go up.
 */
export function readLog(log: Log, maxBytes = 1 << 20): { records: LiveRecord[]; batches: number } {
  const records: LiveRecord[] = [];
  let batches = 0;
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = log.read(next, maxBytes, Number.MAX_SAFE_INTEGER, true);
    assert.ok(r.ok, 'read failed');
    if (r.records.length === 0) break;
    for (const b of decodeRecordBatches(r.records)) {
      batches++;
      const last = Number(b.header.baseOffset) + b.header.lastOffsetDelta;
      for (const rec of b.records) {
        const offset = Number(rec.offset);
        if (offset < next) continue;
        if (records.length > 0) assert.ok(offset > records[records.length - 1]!.offset, `offsets go back: ${offset} after ${records[records.length - 1]!.offset}`);
        records.push({
          offset,
          key: rec.key === null ? null : Buffer.from(rec.key).toString(),
          value: rec.value === null ? null : Buffer.from(rec.value).toString(),
        });
      }
      next = Math.max(next, last + 1);
    }
  }
  return { records, batches };
}

/** The latest record of each key in `records` (the compacted view). */
export function latestByKey(records: readonly LiveRecord[]): Map<string, LiveRecord> {
  const out = new Map<string, LiveRecord>();
  for (const r of records) if (r.key !== null) out.set(r.key, r);
  return out;
}

/** A deterministic pseudo-random generator (xorshift32). */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export { ManualClock };
