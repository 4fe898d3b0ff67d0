/**
 * Log compaction (Kafka's LogCleaner + LogCleanerManager) for logs whose cleanup.policy includes
 * `compact`: keeps the latest record of each key, with the offsets unchanged.
 *
 * A pass over one log:
 * 1. the dirty section, from the cleaner checkpoint (cleaner-offset-checkpoint) to the first
 *    uncleanable offset (the active segment, the high watermark, min.compaction.lag.ms), is read
 *    into an OffsetMap (key → latest offset), whole batches, until the map is full;
 * 2. every segment below the end of the mapped range (the clean section too) is rewritten, in
 *    groups that fit one segment, into a `<base>.log.cleaned` segment keeping only the records
 *    whose key has no later offset in the map; tombstones are kept until the batch's delete
 *    horizon, which is set (delete-horizon flag, base timestamp = now + delete.retention.ms) the
 *    first time the cleaner keeps a tombstone; a batch emptied of its records keeps its header
 *    when its producer's sequence state needs it (the producer's latest batches); the group is
 *    swapped in through `.swap` (Log.replaceSegments), which a restart completes;
 * 3. the checkpoint moves to the end of the mapped range.
 *
 * Records are decoded only here, and only batches losing records (or gaining a delete horizon)
 * are re-encoded (same base offset, producer fields, attributes and codec; the original last
 * offset delta is kept). Everything is synchronous; the work is cut in steps of about
 * `ioBufferSize` bytes so that the broker's event loop keeps serving between steps
 * (`tick()`), and `cleanNow()` runs a whole pass at once.
 */
import { Buffer } from 'node:buffer';
import { rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { Logger } from '../../logging/logger.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  decodeRecords,
  decompress,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  RecordBatchError,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  updateBatchCrc,
} from '../../protocol/records/index.js';
import { offsetCheckpointFile } from './checkpoint-file.js';
import type { LogConfig } from './log-config.js';
import { CLEANED_FILE_SUFFIX, LogSegment } from './log-segment.js';
import type { Log } from './log.js';
import { OffsetMap } from './offset-map.js';
import { scanRecordKeys, scanRecordKeysIn } from './scan-record-keys.js';

export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/** log.cleaner.dedupe.buffer.size default: 128 MiB. */
export const DEFAULT_DEDUPE_BUFFER_SIZE = 128 * 1024 * 1024;
/** Bytes read per cooperative step by default. */
export const DEFAULT_CLEANER_STEP_BYTES = 1024 * 1024;
/** Time a cooperative step may take by default. */
export const DEFAULT_CLEANER_STEP_MS = 10;
/** The largest read of a step (the step's time is checked between reads). */
const CHUNK_BYTES = 256 * 1024;

const INT32_MAX = 0x7fffffff;

/** What the cleaner needs from the log manager. */
export interface CleanerLogSource {
  allLogs(): Iterable<Log>;
  /** The log directory (an entry of log.dirs) holding a log. */
  logDirOf(topic: string, partition: number): string | undefined;
  /** The partition's high watermark: nothing at or above it is cleaned. Undefined: the log end. */
  highWatermark?(log: Log): number | undefined;
}

export interface LogCleanerOptions {
  source: CleanerLogSource;
  logDirs: readonly string[];
  clock: Clock;
  logger: Logger;
  /** log.cleaner.dedupe.buffer.size: memory of the offset map (default 128 MiB). */
  dedupeBufferSize?: number;
  /** Bytes read per step of `tick()` at most (default 1 MiB). */
  stepBytes?: number;
  /** Milliseconds a step of `tick()` may take before it yields (checked between reads of at most 256 KiB; default 10). */
  stepMs?: number;
}

/** What one pass did. */
export interface CleanerStats {
  topic: string;
  partition: number;
  /** The dirty range mapped: [firstDirtyOffset, endOffset); endOffset is the new checkpoint. */
  firstDirtyOffset: number;
  endOffset: number;
  /** Keys in the offset map. */
  mapKeys: number;
  /** Bytes read while building the offset map. */
  mapBytesRead: number;
  /** Bytes of the segments rewritten, and of what replaced them. */
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  /** Batches emptied of their records but kept for their producer's sequence state. */
  emptyBatchesRetained: number;
  /** Old segments replaced, and cleaned segments swapped in. */
  segmentsCleaned: number;
  segmentsWritten: number;
  /** Groups of segments left as they were because the log changed under them (retention, DeleteRecords). */
  groupsSkipped: number;
  /** Wall-clock milliseconds spent in the pass's steps (not the pauses between them). */
  elapsedMs: number;
  /** True when the pass was given up (the log changed under it, or an error). */
  aborted: boolean;
}

/** The cleanable range of a log and whether it is worth cleaning now. */
export interface CleanableRange {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  cleanableBytes: number;
  /** cleanableBytes / (cleanBytes + cleanableBytes). */
  dirtyRatio: number;
  /** max.compaction.lag.ms has passed for the oldest dirty batch. */
  needCompactionNow: boolean;
  /** A tombstone kept by the last pass has reached its delete horizon. */
  deleteHorizonDue: boolean;
}

/** One batch found in a chunk read from a segment. */
interface ChunkBatch {
  /** Position in the chunk buffer. */
  at: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  attributes: number;
  producerId: bigint;
  maxTimestamp: number;
}

interface Pass {
  readonly log: Log;
  readonly key: string;
  readonly now: number;
  readonly config: LogConfig;
  readonly truncations: number;
  readonly firstDirty: number;
  readonly upperBound: number;
  readonly map: OffsetMap;
  phase: 'map' | 'clean' | 'done';
  // Map phase.
  readonly dirtySegments: LogSegment[];
  mapSegment: number;
  /** File position in the current dirty segment, or -1 before it is started. */
  mapPosition: number;
  /** Offsets below this are mapped. */
  mapEnd: number;
  // Clean phase.
  endOffset: number;
  groups: LogSegment[][];
  group: number;
  source: number;
  sourcePosition: number;
  cleaned: LogSegment | null;
  /** The cleaned segment is flushed and trimmed, ready to swap. */
  sealed: boolean;
  /** No work done yet in the current step. */
  freshStep: boolean;
  /** Retained batches not yet appended to `cleaned`. */
  pending: Uint8Array[];
  pendingBytes: number;
  pendingLastOffset: number;
  pendingMaxTimestamp: number;
  pendingOffsetOfMaxTimestamp: number;
  /** Last offsets of the batches each idempotent producer's state remembers. */
  producerBatches: Map<bigint, Set<number>>;
  /** Earliest delete horizon of the tombstones kept. */
  minHorizon: number;
  readonly stats: CleanerStats;
}

function keyOf(log: Log): string {
  return `${log.topic}-${log.partition}`;
}

/** Reads whole batches from `position` (at least one, even when larger than `maxBytes`). */
function readChunk(seg: LogSegment, position: number, maxBytes: number): { buf: Buffer; batches: ChunkBatch[] } {
  let buf = seg.log.read(position, Math.max(maxBytes, RECORD_BATCH_OVERHEAD));
  const batches: ChunkBatch[] = [];
  let at = 0;
  while (at + RECORD_BATCH_OVERHEAD <= buf.length || (at === 0 && buf.length >= 12)) {
    const size = buf.readInt32BE(at + 8) + 12;
    if (size < RECORD_BATCH_OVERHEAD || buf[at + 16] !== 2) {
      throw new RecordBatchError('BAD_LENGTH', `no valid batch at position ${position + at} of ${seg.log.path}`, { position: position + at });
    }
    if (at + size > buf.length) {
      if (at > 0) break;
      // A batch larger than the chunk: read it alone.
      buf = seg.log.read(position, size);
      if (buf.length < size) throw new RecordBatchError('TRUNCATED', `batch at position ${position} of ${seg.log.path} passes the end of the file`, { position });
    }
    const baseOffset = Number(buf.readBigInt64BE(at));
    batches.push({
      at,
      size,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
      attributes: buf.readInt16BE(at + ATTRIBUTES_OFFSET),
      producerId: buf.readBigInt64BE(at + PRODUCER_ID_OFFSET),
      maxTimestamp: Number(buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET)),
    });
    at += size;
  }
  if (batches.length === 0) throw new RecordBatchError('TRUNCATED', `no whole batch at position ${position} of ${seg.log.path}`, { position });
  return { buf, batches };
}

/** Kafka's writeEmptyHeader: the batch's offsets, producer fields and max timestamp, no records. */
function emptyBatchHeader(src: Buffer, at: number): Uint8Array {
  const out = Buffer.alloc(RECORD_BATCH_OVERHEAD);
  src.copy(out, 0, at, at + RECORD_BATCH_OVERHEAD);
  out.writeInt32BE(RECORD_BATCH_OVERHEAD - 12, 8);
  const attributes = src.readInt16BE(at + ATTRIBUTES_OFFSET) & (TIMESTAMP_TYPE_MASK | TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeBigInt64BE(-1n, BASE_TIMESTAMP_OFFSET);
  out.writeInt32BE(0, RECORD_BATCH_OVERHEAD - 4);
  updateBatchCrc(out, 0);
  return out;
}

export class LogCleaner {
  private readonly source: CleanerLogSource;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly dedupeBufferSize: number;
  private readonly stepBytes: number;
  private readonly stepMs: number;
  private readonly logDirs: readonly string[];
  /** key → cleaned-up-to offset (the cleaner checkpoints). */
  private readonly checkpoints = new Map<string, number>();
  /** key → truncation count of the log when its checkpoint was last trusted. */
  private readonly truncationsSeen = new Map<string, number>();
  /** key → earliest delete horizon of the tombstones the last pass kept. */
  private readonly horizons = new Map<string, number>();
  /** Logs whose cleaning failed with an unexpected error: not cleaned again until restart (Kafka's uncleanable partitions). */
  private readonly uncleanable = new Set<string>();
  private pass: Pass | null = null;
  private closed = false;
  /** The stats of the passes finished, most recent last (at most 100). */
  readonly history: CleanerStats[] = [];

  constructor(opts: LogCleanerOptions) {
    this.source = opts.source;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.logDirs = opts.logDirs;
    this.dedupeBufferSize = opts.dedupeBufferSize ?? DEFAULT_DEDUPE_BUFFER_SIZE;
    this.stepBytes = Math.max(1, opts.stepBytes ?? DEFAULT_CLEANER_STEP_BYTES);
    this.stepMs = opts.stepMs ?? DEFAULT_CLEANER_STEP_MS;
    for (const dir of this.logDirs) {
      try {
        for (const e of offsetCheckpointFile(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE)).read()) this.checkpoints.set(`${e.topic}-${e.partition}`, e.offset);
      } catch (err) {
        this.logger.warn({ err, dir }, 'ignoring an unreadable cleaner-offset-checkpoint');
      }
    }
  }

  /** The offset up to which a log has been cleaned (its cleaner checkpoint), if any. */
  checkpointOf(topic: string, partition: number): number | undefined {
    return this.checkpoints.get(`${topic}-${partition}`);
  }

  /** True while a pass is under way (between ticks). */
  get inProgress(): boolean {
    return this.pass !== null;
  }

  /** Logs given up on after an error. */
  uncleanablePartitions(): string[] {
    return [...this.uncleanable];
  }

  // ---------------------------------------------------------------------------------------------
  // Choosing what to clean

  /** The cleanable range of `log` at `now` (Kafka's cleanableOffsets and dirty ratio). */
  cleanableRange(log: Log, now = this.clock.now()): CleanableRange {
    const cfg = log.config;
    const segs = log.logSegments();
    const active = segs[segs.length - 1]!;
    const key = keyOf(log);
    const logStart = log.logStartOffset;
    const cp = this.checkpoints.get(key);
    let firstDirty = logStart;
    if (cp !== undefined && cp >= logStart && cp <= log.logEndOffset && (this.truncationsSeen.get(key) ?? log.truncationCount) === log.truncationCount) {
      firstDirty = cp;
    }
    let firstUncleanable = Math.min(active.baseOffset, this.source.highWatermark?.(log) ?? log.logEndOffset);
    if (cfg.minCompactionLagMs > 0) {
      for (let i = 0; i < segs.length - 1; i++) {
        const seg = segs[i]!;
        if (segs[i + 1]!.baseOffset <= firstDirty) continue;
        if (seg.largestTimestamp() > now - cfg.minCompactionLagMs) {
          firstUncleanable = Math.min(firstUncleanable, seg.baseOffset);
          break;
        }
      }
    }
    let cleanBytes = 0;
    let cleanableBytes = 0;
    let needCompactionNow = false;
    let firstDirtySeen = false;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const end = segs[i + 1]!.baseOffset;
      if (seg.baseOffset < firstDirty) cleanBytes += seg.size;
      if (seg.baseOffset < firstUncleanable && end > firstDirty && firstDirty < firstUncleanable) {
        cleanableBytes += seg.size;
        if (!firstDirtySeen && cfg.maxCompactionLagMs < Number.MAX_SAFE_INTEGER) {
          firstDirtySeen = true;
          const first = seg.log.batchAt(0);
          if (first !== null && first.maxTimestamp >= 0 && now - first.maxTimestamp > cfg.maxCompactionLagMs) needCompactionNow = true;
        }
      }
    }
    const total = cleanBytes + cleanableBytes;
    const horizon = this.horizons.get(key);
    return {
      firstDirtyOffset: firstDirty,
      firstUncleanableOffset: firstUncleanable,
      cleanBytes,
      cleanableBytes,
      dirtyRatio: total === 0 ? 0 : cleanableBytes / total,
      needCompactionNow,
      deleteHorizonDue: horizon !== undefined && horizon <= now,
    };
  }

  private isCompacted(log: Log): boolean {
    return !log.isOffline && log.config.cleanupPolicy.includes('compact');
  }

  /** Kafka's grabFilthiestCompactedLog: the compacted log with the highest dirty ratio among those worth cleaning. */
  private filthiestLog(now: number): Log | null {
    let best: Log | null = null;
    let bestScore = -1;
    for (const log of this.source.allLogs()) {
      if (!this.isCompacted(log) || this.uncleanable.has(keyOf(log))) continue;
      const r = this.cleanableRange(log, now);
      const worthIt = (r.cleanableBytes > 0 && (r.dirtyRatio > log.config.minCleanableDirtyRatio || r.needCompactionNow)) || r.deleteHorizonDue;
      if (!worthIt) continue;
      const score = r.needCompactionNow || r.deleteHorizonDue ? 2 + r.dirtyRatio : r.dirtyRatio;
      if (score > bestScore) {
        best = log;
        bestScore = score;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // Running

  /**
   * One cooperative step of background cleaning: continues the pass under way, or starts one on
   * the filthiest log, and does about `stepBytes` of work. Returns true when there is more to do
   * (call again soon), false when idle.
   */
  tick(): boolean {
    if (this.closed) return false;
    if (this.pass === null) {
      const now = this.clock.now();
      const log = this.filthiestLog(now);
      if (log === null) return false;
      this.pass = this.startPass(log, now);
    }
    const pass = this.pass;
    const done = this.runStep(pass, this.stepBytes, this.stepMs);
    if (!done) return true;
    this.pass = null;
    // Another log may be waiting; a pass that moved neither its checkpoint nor a tombstone does not make us spin.
    return !pass.stats.aborted && (pass.stats.endOffset > pass.stats.firstDirtyOffset || pass.stats.tombstonesRemoved > 0);
  }

  /**
   * Runs a whole cleaning pass on one log now, whatever its dirty ratio (the other bounds hold:
   * active segment, high watermark, min.compaction.lag.ms). A pass under way on that log is
   * dropped first. Null when the log does not exist or is not compacted.
   */
  cleanNow(topic: string, partition: number): CleanerStats | null {
    const log = [...this.source.allLogs()].find((l) => l.topic === topic && l.partition === partition);
    if (log === undefined) return null;
    return this.cleanLog(log);
  }

  /** `cleanNow` for a Log object. */
  cleanLog(log: Log, now = this.clock.now()): CleanerStats | null {
    if (!this.isCompacted(log)) return null;
    if (this.pass !== null && this.pass.log === log) {
      this.abortPass(this.pass, 'a synchronous pass was asked for');
      this.pass = null;
    }
    const pass = this.startPass(log, now);
    while (!this.runStep(pass, Number.MAX_SAFE_INTEGER));
    return pass.stats;
  }

  /** Drops the pass under way on `log` (before it is deleted or closed). */
  abort(log: Log): void {
    if (this.pass !== null && this.pass.log === log) {
      this.abortPass(this.pass, 'the log is going away');
      this.pass = null;
    }
  }

  /** Forgets a deleted log (its checkpoint is dropped from the file at the next write). */
  forget(topic: string, partition: number): void {
    const key = `${topic}-${partition}`;
    this.checkpoints.delete(key);
    this.truncationsSeen.delete(key);
    this.horizons.delete(key);
    this.uncleanable.delete(key);
  }

  /** Stops: drops the pass under way (its `.cleaned` files are removed). */
  close(): void {
    this.closed = true;
    if (this.pass !== null) {
      this.abortPass(this.pass, 'shutting down');
      this.pass = null;
    }
  }

  private startPass(log: Log, now: number): Pass {
    const range = this.cleanableRange(log, now);
    const segs = log.logSegments();
    const firstDirty = Math.min(range.firstDirtyOffset, range.firstUncleanableOffset);
    const dirtySegments: LogSegment[] = [];
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      if (segs[i + 1]!.baseOffset > firstDirty && seg.baseOffset < range.firstUncleanableOffset) dirtySegments.push(seg);
    }
    this.logger.debug({ topic: log.topic, partition: log.partition, ...range }, 'starting a cleaning pass');
    return {
      log,
      key: keyOf(log),
      now,
      config: log.config,
      truncations: log.truncationCount,
      firstDirty,
      upperBound: range.firstUncleanableOffset,
      map: new OffsetMap(this.dedupeBufferSize),
      phase: 'map',
      dirtySegments,
      mapSegment: 0,
      mapPosition: -1,
      mapEnd: firstDirty,
      endOffset: firstDirty,
      groups: [],
      group: 0,
      source: 0,
      sourcePosition: 0,
      cleaned: null,
      sealed: false,
      freshStep: true,
      pending: [],
      pendingBytes: 0,
      pendingLastOffset: -1,
      pendingMaxTimestamp: -1,
      pendingOffsetOfMaxTimestamp: -1,
      producerBatches: new Map(),
      minHorizon: Number.POSITIVE_INFINITY,
      stats: {
        topic: log.topic,
        partition: log.partition,
        firstDirtyOffset: firstDirty,
        endOffset: firstDirty,
        mapKeys: 0,
        mapBytesRead: 0,
        bytesRead: 0,
        bytesWritten: 0,
        recordsRead: 0,
        recordsRetained: 0,
        tombstonesRemoved: 0,
        emptyBatchesRetained: 0,
        segmentsCleaned: 0,
        segmentsWritten: 0,
        groupsSkipped: 0,
        elapsedMs: 0,
        aborted: false,
      },
    };
  }

  /** Does about `budget` bytes of the pass, for at most about `maxMs`; returns true when the pass is over (finished or aborted). */
  private runStep(pass: Pass, budget: number, maxMs = Number.POSITIVE_INFINITY): boolean {
    const started = performance.now();
    try {
      const why = this.invalidation(pass);
      if (why !== null) {
        this.abortPass(pass, why);
        return true;
      }
      let left = budget;
      pass.freshStep = true;
      while (left > 0 && pass.phase !== 'done') {
        left -= pass.phase === 'map' ? this.mapStep(pass, left) : this.cleanStep(pass, left);
        pass.freshStep = false;
        if (performance.now() - started >= maxMs) break;
      }
      if (pass.phase === 'done') {
        this.finishPass(pass);
        return true;
      }
      return false;
    } catch (err) {
      this.logger.error({ err, topic: pass.log.topic, partition: pass.log.partition }, 'log cleaning failed; the partition is not cleaned again until restart');
      this.uncleanable.add(pass.key);
      this.abortPass(pass, 'error');
      return true;
    } finally {
      pass.stats.elapsedMs += performance.now() - started;
    }
  }

  /** Why the pass cannot go on (the log changed under it), or null. */
  private invalidation(pass: Pass): string | null {
    const log = pass.log;
    if (this.closed) return 'the cleaner is closed';
    if (log.isOffline) return 'the log is offline';
    if (!log.config.cleanupPolicy.includes('compact')) return 'the log is not compacted any more';
    if (log.truncationCount !== pass.truncations) return 'the log was truncated';
    return null;
  }

  private abortPass(pass: Pass, reason: string): void {
    pass.stats.aborted = true;
    pass.phase = 'done';
    this.discardCleaned(pass);
    this.logger.debug({ topic: pass.log.topic, partition: pass.log.partition, reason }, 'cleaning pass given up');
  }

  private discardCleaned(pass: Pass): void {
    const cleaned = pass.cleaned;
    pass.cleaned = null;
    pass.sealed = false;
    pass.pending = [];
    pass.pendingBytes = 0;
    if (cleaned === null) return;
    try {
      cleaned.deleteFiles();
    } catch (err) {
      this.logger.warn({ err, segment: cleaned.baseOffset }, 'cannot delete a .cleaned segment (removed at the next start)');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Phase 1: the offset map

  /** Maps about `budget` bytes of the dirty section; returns the bytes read. */
  private mapStep(pass: Pass, budget: number): number {
    const seg = pass.dirtySegments[pass.mapSegment];
    if (seg === undefined || pass.map.isFull) return this.endMapPhase(pass);
    const segments = pass.log.logSegments();
    if (!segments.includes(seg)) {
      this.abortPass(pass, 'a dirty segment was deleted');
      return 0;
    }
    if (pass.mapPosition < 0) pass.mapPosition = seg.translateOffset(pass.firstDirty)?.position ?? seg.size;
    if (pass.mapPosition >= seg.size) {
      pass.mapSegment++;
      pass.mapPosition = -1;
      return 1;
    }
    const { buf, batches } = readChunk(seg, pass.mapPosition, Math.min(budget, CHUNK_BYTES));
    let read = 0;
    const map = pass.map;
    const firstDirty = pass.firstDirty;
    for (const b of batches) {
      if (b.lastOffset >= pass.upperBound || map.isFull) return read + this.endMapPhase(pass);
      if ((b.attributes & CONTROL_FLAG_MASK) === 0) {
        const base = b.baseOffset;
        scanRecordKeys(buf, b.at, (delta, data, keyStart, keyLength) => {
          const offset = base + delta;
          if (keyLength >= 0 && offset >= firstDirty) map.put(data, keyStart, keyLength, offset);
        });
      }
      map.latestOffset = b.lastOffset;
      pass.mapEnd = b.lastOffset + 1;
      pass.mapPosition += b.size;
      pass.stats.mapBytesRead += b.size;
      read += b.size;
    }
    return Math.max(read, 1);
  }

  /** The map is complete: plan the groups of segments to rewrite. */
  private endMapPhase(pass: Pass): number {
    pass.endOffset = pass.mapEnd;
    pass.map.latestOffset = pass.mapEnd - 1;
    pass.stats.endOffset = pass.endOffset;
    pass.stats.mapKeys = pass.map.size;
    pass.phase = 'clean';
    const segs = pass.log.logSegments();
    const cleanable: Array<{ seg: LogSegment; end: number }> = [];
    for (let i = 0; i < segs.length - 1; i++) {
      if (segs[i]!.baseOffset < pass.endOffset) cleanable.push({ seg: segs[i]!, end: segs[i + 1]!.baseOffset });
    }
    pass.groups = this.groupSegmentsBySize(cleanable, pass.config);
    for (const [id, entry] of pass.log.activeProducers()) pass.producerBatches.set(id, new Set(entry.batches.map((b) => b.lastOffset)));
    if (pass.groups.length === 0) pass.phase = 'done';
    return 1;
  }

  /**
   * Kafka's groupSegmentsBySize: consecutive segments whose sizes add up to at most segment.bytes,
   * whose index files add up to at most segment.index.bytes, and whose offsets stay within
   * Int32 of the first one's base offset.
   */
  private groupSegmentsBySize(segs: Array<{ seg: LogSegment; end: number }>, cfg: LogConfig): LogSegment[][] {
    const indexBytes = (s: LogSegment): { offset: number; time: number } => {
      const size = (p: string) => {
        try {
          return statSync(p).size;
        } catch {
          return 0;
        }
      };
      return { offset: size(s.offsetIndex.path), time: size(s.timeIndex.path) };
    };
    const groups: LogSegment[][] = [];
    let i = 0;
    while (i < segs.length) {
      const first = segs[i]!;
      const group = [first.seg];
      let logSize = first.seg.size;
      let { offset: offsetIndexSize, time: timeIndexSize } = indexBytes(first.seg);
      i++;
      while (i < segs.length) {
        const next = segs[i]!;
        const idx = indexBytes(next.seg);
        if (
          logSize + next.seg.size > cfg.segmentBytes ||
          offsetIndexSize + idx.offset > cfg.segmentIndexBytes ||
          timeIndexSize + idx.time > cfg.segmentIndexBytes ||
          next.end - 1 - first.seg.baseOffset > INT32_MAX
        ) {
          break;
        }
        group.push(next.seg);
        logSize += next.seg.size;
        offsetIndexSize += idx.offset;
        timeIndexSize += idx.time;
        i++;
      }
      groups.push(group);
    }
    return groups;
  }

  // ---------------------------------------------------------------------------------------------
  // Phase 2: rewriting

  /** Rewrites about `budget` bytes of the current group; returns the bytes read. */
  private cleanStep(pass: Pass, budget: number): number {
    const group = pass.groups[pass.group];
    if (group === undefined) {
      pass.phase = 'done';
      return 1;
    }
    const segments = pass.log.logSegments();
    if (group.some((s) => !segments.includes(s))) {
      // Retention or DeleteRecords removed some of them: skip the group.
      this.discardCleaned(pass);
      pass.stats.groupsSkipped++;
      this.nextGroup(pass);
      return 1;
    }
    if (pass.cleaned === null) {
      const base = group[0]!.baseOffset;
      const cfg = pass.config;
      // Leftovers of an abandoned attempt at this group.
      for (const p of [LogSegment.logPath(pass.log.dir, base), LogSegment.indexPath(pass.log.dir, base), LogSegment.timeIndexPath(pass.log.dir, base)]) {
        rmSync(p + CLEANED_FILE_SUFFIX, { force: true });
      }
      pass.cleaned = LogSegment.open(
        pass.log.dir,
        base,
        { indexIntervalBytes: cfg.indexIntervalBytes, maxIndexSize: cfg.segmentIndexBytes },
        { active: true, now: pass.now, fileSuffix: CLEANED_FILE_SUFFIX },
      );
      pass.source = 0;
      pass.sourcePosition = 0;
    }
    const seg = group[pass.source];
    if (seg === undefined) {
      // Sealing (fsync) and swapping each take a step of their own, so that a step's pause stays short.
      if (!pass.freshStep) return budget;
      if (!pass.sealed) this.sealCleaned(pass, group);
      else this.swapGroup(pass, group);
      return budget;
    }
    if (pass.sourcePosition >= seg.size) {
      pass.source++;
      pass.sourcePosition = 0;
      return 1;
    }
    const { buf, batches } = readChunk(seg, pass.sourcePosition, Math.min(budget, CHUNK_BYTES));
    let read = 0;
    for (const b of batches) {
      const out = this.filterBatch(pass, buf, b);
      if (out !== null) this.appendRetained(pass, out);
      pass.sourcePosition += b.size;
      pass.stats.bytesRead += b.size;
      read += b.size;
    }
    return Math.max(read, 1);
  }

  /**
   * What stays of one batch: the same bytes, a rebuilt batch, an empty header, or nothing (null).
   * Kafka's MemoryRecords.filterTo with the cleaner's record and batch retention rules.
   */
  private filterBatch(pass: Pass, buf: Buffer, b: ChunkBatch): Uint8Array | null {
    const whole = buf.subarray(b.at, b.at + b.size);
    // Beyond the mapped range (whole batches), and control batches: kept as they are.
    if (b.lastOffset > pass.map.latestOffset || (b.attributes & CONTROL_FLAG_MASK) !== 0) return whole;
    const hasHorizon = (b.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
    const horizon = hasHorizon ? Number(buf.readBigInt64BE(b.at + BASE_TIMESTAMP_OFFSET)) : -1;
    const keepTombstones = !hasHorizon || pass.now < horizon;
    const map = pass.map;
    const keep: boolean[] = [];
    let retained = 0;
    let retainedTombstone = false;
    const base = b.baseOffset;
    // Compressed records are decompressed once, for the keys and for a rebuild.
    const codec = b.attributes & COMPRESSION_CODEC_MASK;
    const count = buf.readInt32BE(b.at + RECORD_BATCH_OVERHEAD - 4);
    const payload = codec === 0 ? whole.subarray(RECORD_BATCH_OVERHEAD) : decompress(codec, whole.subarray(RECORD_BATCH_OVERHEAD), DEFAULT_MAX_DECOMPRESSED_BYTES);
    scanRecordKeysIn(payload, 0, payload.length, count, (delta, data, keyStart, keyLength, valueLength) => {
      let ok = false;
      if (keyLength >= 0) {
        const offset = base + delta;
        const latest = map.get(data, keyStart, keyLength);
        if (offset >= latest) {
          if (valueLength >= 0) ok = true;
          else if (keepTombstones) {
            ok = true;
            retainedTombstone = true;
          } else {
            pass.stats.tombstonesRemoved++;
          }
        }
      }
      keep.push(ok);
      if (ok) retained++;
    });
    pass.stats.recordsRead += keep.length;
    pass.stats.recordsRetained += retained;
    const setHorizon = retainedTombstone && !hasHorizon;
    if (retainedTombstone) pass.minHorizon = Math.min(pass.minHorizon, hasHorizon ? horizon : pass.now + pass.config.deleteRetentionMs);
    if (retained === keep.length && !setHorizon) return whole;
    if (retained > 0) return this.rebuildBatch(whole, payload, keep, setHorizon ? pass.now + pass.config.deleteRetentionMs : hasHorizon ? horizon : null);
    // Nothing left: an idempotent producer's recent batch keeps its header (its sequence state).
    if (b.producerId >= 0n && pass.producerBatches.get(b.producerId)?.has(b.lastOffset) === true) {
      pass.stats.emptyBatchesRetained++;
      return emptyBatchHeader(buf, b.at);
    }
    return null;
  }

  /**
   * Re-encodes a batch (`whole`, its records uncompressed in `payload`) with only the records
   * flagged in `keep`, keeping its header fields and last offset.
   */
  private rebuildBatch(whole: Buffer, payload: Uint8Array, keep: boolean[], deleteHorizon: number | null): Uint8Array {
    const h = readBatchHeader(whole, 0);
    const records = decodeRecords(payload, 0, payload.length, h.recordsCount, {
      baseOffset: h.baseOffset,
      baseTimestamp: h.baseTimestamp,
      logAppendTime: h.timestampType === 'LogAppendTime' ? h.maxTimestamp : null,
    });
    const builder = new RecordBatchBuilder({
      baseOffset: h.baseOffset,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      compression: h.attributes & COMPRESSION_CODEC_MASK,
      timestampType: h.timestampType,
      logAppendTime: h.timestampType === 'LogAppendTime' ? h.maxTimestamp : undefined,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional: h.isTransactional,
      isControl: h.isControl,
      deleteHorizon: deleteHorizon === null ? undefined : BigInt(deleteHorizon),
    });
    records.forEach((r, i) => {
      if (keep[i] === true) builder.append({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta });
    });
    const out = builder.build();
    // Kafka's overrideLastOffset: the batch keeps its last offset (and so its producer's last sequence).
    const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    view.writeInt32BE(h.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
    updateBatchCrc(out, 0);
    return out;
  }

  private appendRetained(pass: Pass, batch: Uint8Array): void {
    const view = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
    const lastOffset = Number(view.readBigInt64BE(0)) + view.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
    const maxTimestamp = Number(view.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
    pass.pending.push(batch);
    pass.pendingBytes += batch.length;
    pass.pendingLastOffset = lastOffset;
    if (maxTimestamp > pass.pendingMaxTimestamp) {
      pass.pendingMaxTimestamp = maxTimestamp;
      pass.pendingOffsetOfMaxTimestamp = lastOffset;
    }
    if (pass.pendingBytes >= Math.min(Math.max(pass.config.indexIntervalBytes, 1), 64 * 1024)) this.flushPending(pass);
  }

  /** Appends the pending batches to the cleaned segment as one chunk (one offset-index entry at most). */
  private flushPending(pass: Pass): void {
    const cleaned = pass.cleaned;
    if (cleaned === null || pass.pending.length === 0) return;
    if (cleaned.indexesFull()) throw new Error(`the indexes of the cleaned segment ${cleaned.baseOffset} are full`);
    const chunk = pass.pending.length === 1 ? pass.pending[0]! : Buffer.concat(pass.pending);
    cleaned.append(pass.pendingLastOffset, pass.pendingMaxTimestamp, pass.pendingOffsetOfMaxTimestamp, chunk);
    pass.stats.bytesWritten += chunk.length;
    pass.pending = [];
    pass.pendingBytes = 0;
    pass.pendingMaxTimestamp = -1;
    pass.pendingOffsetOfMaxTimestamp = -1;
  }

  /** The group is rewritten: fsync the cleaned segment, trim its indexes. */
  private sealCleaned(pass: Pass, group: LogSegment[]): void {
    this.flushPending(pass);
    const cleaned = pass.cleaned!;
    cleaned.flush();
    cleaned.onBecomeInactiveSegment();
    // Kafka keeps the newest modification time of the old segments (time retention of segments without timestamps).
    let mtime = 0;
    for (const s of group) mtime = Math.max(mtime, s.log.lastModified());
    if (mtime > 0) utimesSync(cleaned.log.path, mtime / 1000, mtime / 1000);
    pass.sealed = true;
  }

  /** The group is rewritten and its cleaned segment sealed: swap it in. */
  private swapGroup(pass: Pass, group: LogSegment[]): void {
    const cleaned = pass.cleaned!;
    try {
      pass.log.replaceSegments(group, cleaned);
    } catch (err) {
      if (pass.log.isOffline) throw err;
      // The log changed under us before the commit point: the old segments stay.
      this.logger.debug({ err, topic: pass.log.topic, partition: pass.log.partition }, 'a cleaned segment could not be swapped in');
      this.discardCleaned(pass);
      pass.stats.groupsSkipped++;
      this.nextGroup(pass);
      return;
    }
    pass.cleaned = null;
    pass.stats.segmentsCleaned += group.length;
    pass.stats.segmentsWritten++;
    this.nextGroup(pass);
  }

  private nextGroup(pass: Pass): void {
    pass.group++;
    pass.sealed = false;
    pass.source = 0;
    pass.sourcePosition = 0;
    if (pass.group >= pass.groups.length) pass.phase = 'done';
  }

  /** The pass is complete: move the checkpoint and keep the stats. */
  private finishPass(pass: Pass): void {
    if (pass.stats.aborted) return;
    this.checkpoints.set(pass.key, pass.endOffset);
    this.truncationsSeen.set(pass.key, pass.truncations);
    if (pass.minHorizon === Number.POSITIVE_INFINITY) this.horizons.delete(pass.key);
    else this.horizons.set(pass.key, pass.minHorizon);
    this.writeCheckpoint(pass.log);
    this.history.push(pass.stats);
    if (this.history.length > 100) this.history.shift();
    const s = pass.stats;
    this.logger.info(
      {
        topic: s.topic,
        partition: s.partition,
        firstDirtyOffset: s.firstDirtyOffset,
        endOffset: s.endOffset,
        bytesRead: s.bytesRead,
        bytesWritten: s.bytesWritten,
        recordsRead: s.recordsRead,
        recordsRetained: s.recordsRetained,
        segmentsCleaned: s.segmentsCleaned,
        ms: Math.round(s.elapsedMs),
      },
      'cleaned log',
    );
  }

  /** Rewrites cleaner-offset-checkpoint in the log's directory (every log of that directory with a checkpoint). */
  private writeCheckpoint(log: Log): void {
    const dir = this.source.logDirOf(log.topic, log.partition);
    if (dir === undefined) return;
    const entries: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const l of this.source.allLogs()) {
      if (this.source.logDirOf(l.topic, l.partition) !== dir) continue;
      const offset = this.checkpoints.get(keyOf(l));
      if (offset !== undefined) entries.push({ topic: l.topic, partition: l.partition, offset });
    }
    try {
      offsetCheckpointFile(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE)).write(entries);
    } catch (err) {
      this.logger.warn({ err, dir }, 'cannot write cleaner-offset-checkpoint');
    }
  }

  /** Rewrites the cleaner checkpoint of every log directory (after a log is deleted). */
  writeCheckpoints(): void {
    const byDir = new Map<string, Array<{ topic: string; partition: number; offset: number }>>(this.logDirs.map((d) => [d, []]));
    for (const l of this.source.allLogs()) {
      const dir = this.source.logDirOf(l.topic, l.partition);
      const offset = this.checkpoints.get(keyOf(l));
      if (dir !== undefined && offset !== undefined) byDir.get(dir)?.push({ topic: l.topic, partition: l.partition, offset });
    }
    for (const [dir, entries] of byDir) {
      try {
        offsetCheckpointFile(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE)).write(entries);
      } catch (err) {
        this.logger.warn({ err, dir }, 'cannot write cleaner-offset-checkpoint');
      }
    }
  }
}
