/**
 * One partition's log (Kafka's UnifiedLog + LocalLog + LogLoader): a directory
 * `<topic>-<partition>/` of segments, the leader-epoch cache, the producer state and
 * `partition.metadata`.
 *
 * Appends validate batch headers (framing, magic, CRC, sizes, offsets/count sanity, idempotence),
 * assign offsets by rewriting the batches' base offset in place, and write the bytes as they are.
 * Reads hand back whole stored batches. Everything is synchronous and single-threaded: a call
 * runs to completion before the next one starts.
 */
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../../logging/logger.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  checkBatchAt,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  crc32c,
  decodeRecordBatch,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  RecordBatchError,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  TIMESTAMP_TYPE_MASK,
} from '../../protocol/records/index.js';
import { fsyncDirectory, writeFileAtomically } from './checkpoint-file.js';
import { FileRecords, type FileBatch } from './file-records.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  filenamePrefixFromOffset,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  LogSegment,
  offsetFromFileName,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  type LogSegmentSettings,
} from './log-segment.js';
import { ProducerStateManager, type ProducerStateEntry } from './producer-state.js';
import { firstKeylessRecord } from './scan-record-keys.js';
import { isInt64MinusOne, readInt64AsNumber, writeInt64FromNumber } from './int64.js';
import type { ReadAllocator } from './read-buffer-pool.js';

/** The records of an empty read (shared; never written to). */
const EMPTY_RECORDS = new Uint8Array(0);

export const PARTITION_METADATA_FILE = 'partition.metadata';

export type AppendErrorName =
  | 'CORRUPT_MESSAGE'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_RECORD'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'UNKNOWN_PRODUCER_ID'
  | 'RECORD_LIST_TOO_LARGE'
  | 'INVALID_TIMESTAMP'
  | 'KAFKA_STORAGE_ERROR';

export type AppendResult =
  | {
      ok: true;
      firstOffset: number;
      lastOffset: number;
      /** The timestamp stamped on the batches under LogAppendTime, else -1. */
      logAppendTime: number;
      logStartOffset: number;
      /** True when the batch repeats one already appended: nothing was written, the offsets are the original ones. */
      duplicate: boolean;
      /** Records appended (0 for a duplicate). */
      recordCount: number;
    }
  | { ok: false; error: AppendErrorName; message: string };

export type ReadResult = { ok: true; records: Uint8Array; firstOffset: number } | { ok: false; error: 'OFFSET_OUT_OF_RANGE'; message: string };

export interface LogOpenOptions {
  dir: string;
  topic: string;
  partition: number;
  /** The topic id (22-character base64url): written to partition.metadata, or checked against it. */
  topicId?: string;
  config: LogConfig;
  /** Offset up to which the log is known to be on disk; recovery re-validates from there. */
  recoveryPoint: number;
  /** From log-start-offset-checkpoint; defaults to the first segment's base offset. */
  logStartOffset?: number;
  /** True when the broker stopped cleanly: the segments are trusted and only their indexes are sanity-checked. */
  hadCleanShutdown: boolean;
  clock: Clock;
  logger: Logger;
  /** Randomness for segment.jitter.ms (default Math.random). */
  random?: () => number;
}

/** One batch of an append, as analysed before it is written. */
interface AppendBatch {
  position: number;
  size: number;
  lastOffsetDelta: number;
  recordsCount: number;
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Offsets: assigned for leader appends, read from the batch for follower appends. */
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
}

type Analysis = { ok: true; batches: AppendBatch[]; recordCount: number } | { ok: false; error: AppendErrorName; message: string };

const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
/** The producer id of batches from producers that are not idempotent. */
const NO_PRODUCER_ID = -1n;
/** How an append's batches are checked (the CRC is checked by `analyze` itself): one options object for every append. */
const CHECK_BATCH_NO_CRC = Object.freeze({ trailingPartial: 'reject', verifyCrc: false } as const);
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

function fail(error: AppendErrorName, message: string): { ok: false; error: AppendErrorName; message: string } {
  return { ok: false, error, message };
}

export class Log {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  /** Hook the partition layer sets to wake long-polling fetches after each append. */
  onAppend?: () => void;

  private currentConfig: LogConfig;
  private topicIdValue: string | undefined;
  private segments: LogSegment[] = [];
  private startOffset = 0;
  private endOffset = 0;
  private recoveryPointValue = 0;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly leaderEpochCache: LeaderEpochCache;
  private readonly producerState: ProducerStateManager;
  private unflushedMessagesCount = 0;
  private lastFlushTime: number;
  private newSegmentsSinceFlush = false;
  /** Why the log refuses work (closed, or an I/O error left it in an unknown state), or null. */
  private offlineReason: string | null = null;
  /** How many times data was removed from the end of the log (the cleaner's offset map is void then). */
  private truncations = 0;

  private constructor(opts: LogOpenOptions) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.dir = opts.dir;
    this.currentConfig = opts.config;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.random = opts.random ?? Math.random;
    this.lastFlushTime = opts.clock.now();
    mkdirSync(opts.dir, { recursive: true });
    this.topicIdValue = Log.loadOrWritePartitionMetadata(opts.dir, opts.topicId);
    this.leaderEpochCache = new LeaderEpochCache(opts.dir);
    this.producerState = new ProducerStateManager(opts.dir, opts.logger);
  }

  /** Opens (creating if needed) the log in `opts.dir`, recovering it as needed. */
  static open(opts: LogOpenOptions): Log {
    const log = new Log(opts);
    try {
      log.load(opts);
    } catch (err) {
      log.closeHandles();
      throw err;
    }
    return log;
  }

  get config(): LogConfig {
    return this.currentConfig;
  }

  set config(c: LogConfig) {
    this.updateConfig(c);
  }

  /** Applies new topic configs (AlterConfigs); sizes of existing index files are not changed. */
  updateConfig(c: LogConfig): void {
    this.currentConfig = c;
    for (const s of this.segments) s.updateSettings(this.segmentSettings());
  }

  get topicId(): string | undefined {
    return this.topicIdValue;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  get recoveryPoint(): number {
    return this.recoveryPointValue;
  }

  /** Total bytes of the segment files. */
  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /** The segments, oldest first (a copy of the list; the last one is the active segment). For the log cleaner. */
  logSegments(): LogSegment[] {
    return [...this.segments];
  }

  /** Counts truncations (data removed from the end); the log cleaner drops its work when it changes. */
  get truncationCount(): number {
    return this.truncations;
  }

  /** Records appended since the last flush. */
  get unflushedMessages(): number {
    return this.unflushedMessagesCount;
  }

  /** The latest leader epoch in the epoch cache (-1 if none). */
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch;
  }

  /** The idempotent producers known to this partition (for DescribeProducers). */
  activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producerState.activeProducers();
  }

  /** True once closed or after an I/O failure. */
  get isOffline(): boolean {
    return this.offlineReason !== null;
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  private segmentSettings(): LogSegmentSettings {
    return { indexIntervalBytes: this.currentConfig.indexIntervalBytes, maxIndexSize: this.currentConfig.segmentIndexBytes };
  }

  private rollJitter(): number {
    const jitter = Math.min(this.currentConfig.segmentJitterMs, this.currentConfig.segmentMs);
    return jitter > 0 ? Math.floor(this.random() * jitter) : 0;
  }

  private static loadOrWritePartitionMetadata(dir: string, topicId: string | undefined): string | undefined {
    const path = join(dir, PARTITION_METADATA_FILE);
    let stored: string | undefined;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const fields = new Map<string, string>();
      for (const line of text.split('\n')) {
        const m = /^([^:]+):\s+(.*?)\s*$/.exec(line);
        if (m !== null) fields.set(m[1]!.trim(), m[2]!);
      }
      const version = Number(fields.get('version'));
      const id = fields.get('topic_id');
      if (!Number.isInteger(version) || version < 0 || id === undefined || id === ZERO_UUID) {
        throw new Error(`${path}: malformed partition metadata ${JSON.stringify(text)}`);
      }
      stored = id;
    }
    if (topicId !== undefined && topicId !== ZERO_UUID) {
      if (stored !== undefined && stored !== topicId) {
        throw new Error(`${path}: the log belongs to topic id ${stored}, not ${topicId} (INCONSISTENT_TOPIC_ID)`);
      }
      if (stored === undefined) writeFileAtomically(path, `version: 0\ntopic_id: ${topicId}`);
      return topicId;
    }
    return stored;
  }

  /**
   * Finishes a log cleaner swap that a crash interrupted, as Kafka's LogLoader does. A
   * `<base>.log.swap` is a whole cleaned segment (fsynced before it got that name) replacing the
   * old segments whose base offsets are in [base, its next offset) (always including the one at
   * `base`): those still there are deleted and the swap file takes the `.log` name; its indexes
   * are rebuilt by the load. `.cleaned` files (a cleaning not yet committed: the old segments are
   * intact), index `.swap` files and `.swap` files at or above the lowest `.cleaned` one are
   * deleted by the load.
   */
  private completeInterruptedSwaps(): void {
    const names = readdirSync(this.dir);
    const swapSuffix = LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX;
    // Kafka's rule: a swap at or above the lowest `.cleaned` file belongs to an unfinished
    // operation (a split) and is dropped with it.
    let minCleaned = Number.POSITIVE_INFINITY;
    for (const n of names) if (n.endsWith(CLEANED_FILE_SUFFIX)) minCleaned = Math.min(minCleaned, offsetFromFileName(n) ?? minCleaned);
    const swaps = names
      .filter((n) => n.endsWith(swapSuffix))
      .map((n) => offsetFromFileName(n))
      .filter((b): b is number => b !== null && b < minCleaned)
      .sort((a, b) => a - b);
    if (swaps.length === 0) return;
    const logBases = names
      .filter((n) => n.endsWith(LOG_FILE_SUFFIX))
      .map((n) => offsetFromFileName(n))
      .filter((b): b is number => b !== null);
    for (const base of swaps) {
      const swapPath = LogSegment.logPath(this.dir, base) + SWAP_FILE_SUFFIX;
      const records = FileRecords.open(swapPath);
      let next = base;
      try {
        for (let pos = 0; pos < records.size; ) {
          const b = records.checkBatch(pos);
          if (!('baseOffset' in b)) break;
          next = b.lastOffset + 1;
          pos += b.size;
        }
      } finally {
        records.close();
      }
      const end = Math.max(next, base + 1);
      const replaced = logBases.filter((b) => b >= base && b < end);
      this.logger.info({ swap: swapPath, replaces: replaced }, 'completing a segment swap interrupted by a crash');
      for (const old of replaced) {
        const prefix = join(this.dir, filenamePrefixFromOffset(old));
        for (const suffix of [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, '.txnindex', LOG_FILE_SUFFIX]) rmSync(prefix + suffix, { force: true });
      }
      renameSync(swapPath, LogSegment.logPath(this.dir, base));
    }
    fsyncDirectory(this.dir);
  }

  private load(opts: LogOpenOptions): void {
    this.completeInterruptedSwaps();
    const names = readdirSync(this.dir);
    const logBases = new Set<number>();
    for (const name of names) {
      if (name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith(SWAP_FILE_SUFFIX) || name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (name.endsWith(LOG_FILE_SUFFIX)) {
        const base = offsetFromFileName(name);
        if (base !== null && name === `${String(base).padStart(20, '0')}${LOG_FILE_SUFFIX}`) logBases.add(base);
      }
    }
    for (const name of names) {
      if (!name.endsWith(INDEX_FILE_SUFFIX) && !name.endsWith(TIME_INDEX_FILE_SUFFIX) && !name.endsWith('.txnindex')) continue;
      const base = offsetFromFileName(name);
      if (base !== null && !logBases.has(base)) {
        this.logger.info({ file: name }, 'deleting index file without a log file');
        rmSync(join(this.dir, name), { force: true });
      }
    }
    const bases = [...logBases].sort((a, b) => a - b);
    const now = this.clock.now();
    const settings = this.segmentSettings();
    const missingIndexes = new Set<number>();
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      if (!existsSync(LogSegment.indexPath(this.dir, base)) || !existsSync(LogSegment.timeIndexPath(this.dir, base))) missingIndexes.add(base);
      const active = i === bases.length - 1;
      this.segments.push(LogSegment.open(this.dir, base, settings, { active, now, rollJitterMs: active ? this.rollJitter() : 0, onIndexRebuild: this.indexRebuildLogger(base) }));
    }

    // Recovery: segments at or after the recovery point after an unclean stop, and any segment
    // whose indexes do not pass the sanity check.
    const recovered: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      const unflushed = !opts.hadCleanShutdown && (next === undefined || next.baseOffset > opts.recoveryPoint);
      const problem = missingIndexes.has(seg.baseOffset) && seg.size > 0 ? 'missing index file' : seg.sanityCheck(!opts.hadCleanShutdown || next === undefined);
      if (!unflushed && problem === null) continue;
      if (problem !== null) this.logger.warn({ segment: seg.baseOffset, problem }, 'rebuilding the indexes of a segment');
      const latest = this.leaderEpochCache;
      const result = seg.recover((b) => {
        if (b.partitionLeaderEpoch >= 0 && b.partitionLeaderEpoch > latest.latestEpoch) latest.assign(b.partitionLeaderEpoch, b.baseOffset);
      });
      recovered.push(seg);
      if (result.truncatedBytes > 0) {
        this.logger.warn({ segment: seg.baseOffset, truncatedBytes: result.truncatedBytes, problem: result.problem }, 'truncated invalid bytes at the end of a segment');
        if (unflushed) {
          const dropped = this.segments.splice(i + 1);
          for (const d of dropped) {
            this.logger.warn({ segment: d.baseOffset }, 'deleting a segment after a truncated one');
            d.deleteFiles();
          }
        }
      }
    }

    if (this.segments.length === 0) {
      const base = opts.logStartOffset ?? 0;
      this.segments.push(this.createSegment(base));
    }
    // Rebuilt indexes go to disk now: trimmed for inactive segments, and fsynced with the data.
    for (const seg of recovered) {
      if (!this.segments.includes(seg)) continue;
      if (seg !== this.segments[this.segments.length - 1]) seg.onBecomeInactiveSegment();
      seg.flush();
    }
    this.segments[this.segments.length - 1]!.makeActive();
    this.endOffset = this.activeSegment.readNextOffset();
    this.startOffset = Math.max(opts.logStartOffset ?? 0, this.segments[0]!.baseOffset);
    if (this.startOffset > this.endOffset) {
      this.logger.warn({ logStartOffset: this.startOffset, logEndOffset: this.endOffset }, 'log start offset is beyond the log end: starting an empty log there');
      this.truncateFullyAndStartAt(this.startOffset);
    }
    this.recoveryPointValue = opts.hadCleanShutdown ? this.endOffset : Math.min(opts.recoveryPoint, this.endOffset);
    if (recovered.length > 0) this.flushUpTo(this.endOffset);

    this.leaderEpochCache.truncateFromEnd(this.endOffset);
    this.leaderEpochCache.truncateFromStart(this.startOffset);
    this.rebuildProducerState();
    this.logger.debug({ logStartOffset: this.startOffset, logEndOffset: this.endOffset, segments: this.segments.length }, 'log loaded');
  }

  /** Loads the latest producer snapshot and replays the batches after it. */
  private rebuildProducerState(): void {
    this.producerState.loadLatestSnapshot(this.startOffset, this.endOffset);
    const from = Math.max(this.producerState.mapEndOffset, this.segments[0]!.baseOffset);
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      if (next !== undefined && next.baseOffset <= from) continue;
      const first = seg.translateOffset(from);
      if (first === null) continue;
      for (const b of seg.log.batchesFrom(first.position)) {
        if (b.lastOffset < from || b.producerId < 0n || (b.attributes & CONTROL_FLAG_MASK) !== 0) continue;
        this.producerState.update({ ...b, firstOffset: b.baseOffset });
      }
    }
    this.producerState.updateMapEndOffset(this.endOffset);
  }

  private indexRebuildLogger(base: number): (problem: string) => void {
    return (problem) => this.logger.warn({ segment: base, problem }, 'rebuilding corrupt indexes found on first use');
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private createSegment(baseOffset: number): LogSegment {
    for (const path of [LogSegment.logPath(this.dir, baseOffset), LogSegment.indexPath(this.dir, baseOffset), LogSegment.timeIndexPath(this.dir, baseOffset)]) {
      rmSync(path, { force: true });
    }
    this.newSegmentsSinceFlush = true;
    return LogSegment.open(this.dir, baseOffset, this.segmentSettings(), { active: true, now: this.clock.now(), rollJitterMs: this.rollJitter() });
  }

  // ---------------------------------------------------------------------------------------------
  // Appends

  /** Produce path: validates, assigns offsets from the log end (rewriting `records` in place), stamps the epoch, appends. */
  appendAsLeader(records: Uint8Array, leaderEpoch: number): AppendResult {
    if (this.offlineReason !== null) return fail('KAFKA_STORAGE_ERROR', `log ${this.name} is offline: ${this.offlineReason}`);
    const analysis = this.analyze(records, 'leader');
    if (!analysis.ok) return analysis;
    const { batches, recordCount } = analysis;

    const check = this.producerState.validateAppend(batches);
    if (check.kind === 'error') return fail(check.error, check.message);
    if (check.kind === 'duplicate') {
      return {
        ok: true,
        firstOffset: check.batch.firstOffset,
        lastOffset: check.batch.lastOffset,
        logAppendTime: this.currentConfig.messageTimestampType === 'LogAppendTime' ? check.batch.timestamp : -1,
        logStartOffset: this.startOffset,
        duplicate: true,
        recordCount: 0,
      };
    }

    const now = this.clock.now();
    const logAppendTime = this.currentConfig.messageTimestampType === 'LogAppendTime';
    let next = this.endOffset;
    const buf = Buffer.isBuffer(records) ? records : Buffer.from(records.buffer, records.byteOffset, records.byteLength);
    for (const b of batches) {
      b.firstOffset = next;
      b.lastOffset = next + b.lastOffsetDelta;
      if (b.lastOffset > MAX_OFFSET) throw new RangeError(`log ${this.name}: offset ${b.lastOffset} is beyond 2^53`);
      writeInt64FromNumber(buf, b.position + BASE_OFFSET_OFFSET, next);
      setPartitionLeaderEpoch(records, b.position, leaderEpoch);
      b.partitionLeaderEpoch = leaderEpoch;
      if (logAppendTime) {
        setLogAppendTime(records, b.position, BigInt(now));
        b.maxTimestamp = now;
      }
      next = b.lastOffset + 1;
    }
    return this.appendBatches(records, batches) ?? this.appended(batches, recordCount, logAppendTime ? now : -1);
  }

  /** Replication path: the batches already carry their offsets and epochs; they are validated and appended as they are. */
  appendAsFollower(records: Uint8Array): AppendResult {
    if (this.offlineReason !== null) return fail('KAFKA_STORAGE_ERROR', `log ${this.name} is offline: ${this.offlineReason}`);
    const analysis = this.analyze(records, 'follower');
    if (!analysis.ok) return analysis;
    const { batches, recordCount } = analysis;
    if (batches.length === 0) {
      return { ok: true, firstOffset: -1, lastOffset: -1, logAppendTime: -1, logStartOffset: this.startOffset, duplicate: false, recordCount: 0 };
    }
    return this.appendBatches(records, batches) ?? this.appended(batches, recordCount, -1);
  }

  /** The result of a stored append of `batches`. */
  private appended(batches: readonly AppendBatch[], recordCount: number, logAppendTime: number): AppendResult {
    return {
      ok: true,
      firstOffset: batches[0]!.firstOffset,
      lastOffset: batches[batches.length - 1]!.lastOffset,
      logAppendTime,
      logStartOffset: this.startOffset,
      duplicate: false,
      recordCount,
    };
  }

  /**
   * Header-level validation of an append. Leader appends follow Kafka's checks for client data:
   * base offset 0, size vs max.message.bytes, CRC, record count vs lastOffsetDelta, no control
   * batches, a sequence for every idempotent batch, one batch only when compressed, timestamps.
   */
  private analyze(records: Uint8Array, origin: 'leader' | 'follower'): Analysis {
    const cfg = this.currentConfig;
    // Header fields are read through a Buffer view of the same memory (no copy, no DataView per field).
    const buf = Buffer.isBuffer(records) ? records : Buffer.from(records.buffer, records.byteOffset, records.byteLength);
    // Created with its first batch: a one-slot array for the usual single batch (an array grown by push starts at 17 slots).
    let batches: AppendBatch[] | null = null;
    let recordCount = 0;
    let compressed = false;
    let expectedNext = this.endOffset;
    const now = this.clock.now();
    const compacted = cfg.cleanupPolicy.includes('compact');
    let pos = 0;
    if (records.length === 0 && origin === 'leader') return fail('INVALID_RECORD', 'the append holds no record batch');
    while (pos < records.length) {
      let size: number;
      try {
        size = checkBatchAt(records, pos, CHECK_BATCH_NO_CRC);
      } catch (err) {
        if (err instanceof RecordBatchError) return fail('CORRUPT_MESSAGE', `batch at byte ${pos}: ${err.message}`);
        throw err;
      }
      if (origin === 'leader' && (buf.readInt32BE(pos + BASE_OFFSET_OFFSET) !== 0 || buf.readInt32BE(pos + BASE_OFFSET_OFFSET + 4) !== 0)) {
        return fail('INVALID_RECORD', `The baseOffset of the record batch in the append to ${this.name} should be 0, but it is ${buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET)}`);
      }
      if (size > cfg.maxMessageBytes) {
        return fail('MESSAGE_TOO_LARGE', `The record batch size in the append to ${this.name} is ${size} bytes which exceeds the maximum configured value of ${cfg.maxMessageBytes}.`);
      }
      const crc = crc32c(records.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
      const storedCrc = buf.readUInt32BE(pos + CRC_OFFSET);
      if (crc !== storedCrc) {
        return fail('CORRUPT_MESSAGE', `Record batch at byte ${pos} is corrupt (stored crc = ${storedCrc}, computed crc = ${crc})`);
      }
      const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
      if ((attributes & COMPRESSION_CODEC_MASK) > 4) return fail('CORRUPT_MESSAGE', `unknown compression codec ${attributes & COMPRESSION_CODEC_MASK}`);
      if ((attributes & COMPRESSION_CODEC_MASK) !== 0) compressed = true;
      const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      const recordsCount = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
      // Most producers are not idempotent (producer id -1): no BigInt for them.
      const producerId = isInt64MinusOne(buf, pos + PRODUCER_ID_OFFSET) ? NO_PRODUCER_ID : buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET);
      const baseSequence = buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
      const maxTimestamp = readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET);
      if (lastOffsetDelta < 0) return fail('INVALID_RECORD', `Batch has an invalid offset range: lastOffsetDelta ${lastOffsetDelta}`);
      if (origin === 'leader') {
        if (recordsCount <= 0) return fail('INVALID_RECORD', `Invalid reported count for record batch: ${recordsCount}`);
        if (lastOffsetDelta + 1 !== recordsCount) {
          return fail('INVALID_RECORD', `Inconsistent batch offset range (lastOffsetDelta ${lastOffsetDelta}) and record count ${recordsCount}`);
        }
        if ((attributes & CONTROL_FLAG_MASK) !== 0) return fail('INVALID_RECORD', 'Clients are not allowed to write control records');
        if (producerId >= 0n && baseSequence < 0) {
          return fail('INVALID_RECORD', `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`);
        }
        if ((attributes & TIMESTAMP_TYPE_MASK) === 0 && cfg.messageTimestampType === 'CreateTime') {
          const error = this.checkTimestamps(buf, pos, maxTimestamp, now);
          if (error !== null) return fail('INVALID_TIMESTAMP', error);
        }
        // Kafka's LogValidator: the records of a compacted topic need keys (this walks the records).
        if (compacted) {
          let keyless: number;
          try {
            keyless = firstKeylessRecord(buf, pos);
          } catch (err) {
            if (err instanceof RecordBatchError) return fail('CORRUPT_MESSAGE', `batch at byte ${pos}: ${err.message}`);
            throw err;
          }
          if (keyless >= 0) return fail('INVALID_RECORD', `Compacted topic cannot accept message without key in topic partition ${this.name}.`);
        }
      }
      let firstOffset = 0;
      if (origin === 'follower') {
        const baseOffset = buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET);
        if (baseOffset < BigInt(expectedNext) || baseOffset + BigInt(lastOffsetDelta) > BigInt(MAX_OFFSET)) {
          return fail('INVALID_RECORD', `Out of order offsets in the append to ${this.name}: batch at ${baseOffset}, expected at least ${expectedNext}`);
        }
        firstOffset = Number(baseOffset);
        expectedNext = firstOffset + lastOffsetDelta + 1;
      }
      const batch: AppendBatch = {
        position: pos,
        size,
        lastOffsetDelta,
        recordsCount,
        attributes,
        producerId,
        producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
        baseSequence,
        firstOffset,
        lastOffset: firstOffset + lastOffsetDelta,
        maxTimestamp,
        partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
      };
      if (batches === null) batches = [batch];
      else batches.push(batch);
      recordCount += recordsCount;
      pos += size;
    }
    if (origin === 'leader' && compressed && batches !== null && batches.length > 1) return fail('INVALID_RECORD', 'Compressed outer record has more than one batch');
    if (records.length > cfg.segmentBytes) {
      return fail('RECORD_LIST_TOO_LARGE', `Message batch size is ${records.length} bytes in append to partition ${this.name} which exceeds the maximum configured segment size of ${cfg.segmentBytes}.`);
    }
    return { ok: true, batches: batches ?? [], recordCount };
  }

  /** message.timestamp.before/after.max.ms at batch granularity (base timestamp and max timestamp). */
  private checkTimestamps(buf: Buffer, pos: number, maxTimestamp: number, now: number): string | null {
    const before = this.currentConfig.messageTimestampBeforeMaxMs;
    const after = this.currentConfig.messageTimestampAfterMaxMs;
    if (after !== undefined && maxTimestamp >= 0 && maxTimestamp - now > after) {
      return `Timestamp ${maxTimestamp} of a record in ${this.name} is more than ${after} ms after the broker's time ${now}`;
    }
    const baseTimestamp = readInt64AsNumber(buf, pos + BASE_TIMESTAMP_OFFSET);
    if (before !== undefined && baseTimestamp >= 0 && now - baseTimestamp > before) {
      return `Timestamp ${baseTimestamp} of a record in ${this.name} is more than ${before} ms before the broker's time ${now}`;
    }
    return null;
  }

  /**
   * Writes analysed batches (offsets already in place): rolls when needed, appends as one chunk,
   * updates the epoch cache, the producer state and the log end, applies flush.messages.
   * Returns an error result on I/O failure, else null.
   */
  private appendBatches(records: Uint8Array, batches: AppendBatch[]): AppendResult | null {
    const first = batches[0]!;
    const last = batches[batches.length - 1]!;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = first.lastOffset;
    for (const b of batches) {
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMaxTimestamp = b.lastOffset;
      }
    }
    try {
      this.maybeRoll(records.length, maxTimestamp, first.firstOffset, last.lastOffset);
      this.activeSegment.append(last.lastOffset, maxTimestamp, offsetOfMaxTimestamp, records);
    } catch (err) {
      this.offlineReason = `append failed: ${(err as Error).message}`;
      this.logger.error({ err, topic: this.topic, partition: this.partition }, 'append failed; the log is offline until restart');
      return fail('KAFKA_STORAGE_ERROR', `append to ${this.name} failed: ${(err as Error).message}`);
    }
    for (const b of batches) {
      if (b.partitionLeaderEpoch >= 0 && b.partitionLeaderEpoch > this.leaderEpochCache.latestEpoch) {
        this.leaderEpochCache.assign(b.partitionLeaderEpoch, b.firstOffset);
      }
      if (b.producerId >= 0n && (b.attributes & CONTROL_FLAG_MASK) === 0) this.producerState.update(b);
    }
    this.endOffset = last.lastOffset + 1;
    this.producerState.updateMapEndOffset(this.endOffset);
    this.unflushedMessagesCount += batches.reduce((n, b) => n + b.recordsCount, 0);
    if (this.unflushedMessagesCount >= this.currentConfig.flushMessages) this.flush();
    this.notifyAppend();
    return null;
  }

  private notifyAppend(): void {
    if (this.onAppend === undefined) return;
    try {
      this.onAppend();
    } catch (err) {
      this.logger.error({ err }, 'onAppend hook failed');
    }
  }

  /** Kafka's shouldRoll: segment.bytes, segment.ms (+jitter), full indexes, relative-offset overflow. */
  private maybeRoll(messagesSize: number, maxTimestampInMessages: number, firstOffset: number, maxOffsetInMessages: number): void {
    const seg = this.activeSegment;
    const cfg = this.currentConfig;
    const now = this.clock.now();
    // Compacted logs roll by max.compaction.lag.ms too, so that no record waits longer in the active segment (KIP-354).
    const segmentMs = cfg.cleanupPolicy.includes('compact') ? Math.min(cfg.segmentMs, cfg.maxCompactionLagMs) : cfg.segmentMs;
    const reachedRollMs = seg.size > 0 && seg.timeWaitedForRoll(now, maxTimestampInMessages) > segmentMs - seg.rollJitterMs;
    if (seg.size > cfg.segmentBytes - messagesSize || reachedRollMs || seg.indexesFull() || !seg.canConvertToRelativeOffset(maxOffsetInMessages)) {
      this.logger.debug({ segment: seg.baseOffset, size: seg.size, reachedRollMs }, 'rolling a new segment');
      this.roll(firstOffset);
    }
  }

  /** Starts a new active segment at max(expectedNextOffset, log end offset); snapshots the producer state there. */
  roll(expectedNextOffset = 0): void {
    const newOffset = Math.max(expectedNextOffset, this.endOffset);
    const active = this.activeSegment;
    if (active.baseOffset === newOffset && active.size === 0) return;
    if (active.size === 0) {
      this.segments.pop();
      active.deleteFiles();
    } else {
      active.onBecomeInactiveSegment();
    }
    this.producerState.updateMapEndOffset(newOffset);
    this.producerState.takeSnapshot();
    this.segments.push(this.createSegment(newOffset));
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Fetch: whole batches from the one holding `startOffset`; see the class notes for the limits.
   * The bytes land in a buffer from `allocate` (default: a fresh one).
   */
  read(startOffset: number, maxBytes: number, maxOffsetExclusive: number, minOneMessage: boolean, allocate?: ReadAllocator): ReadResult {
    if (startOffset < this.startOffset || startOffset > this.endOffset) {
      return {
        ok: false,
        error: 'OFFSET_OUT_OF_RANGE',
        message: `Received request for offset ${startOffset} for partition ${this.name}, but we only have log segments in the range ${this.startOffset} to ${this.endOffset}.`,
      };
    }
    if (startOffset === this.endOffset || startOffset >= maxOffsetExclusive) return { ok: true, records: EMPTY_RECORDS, firstOffset: startOffset };
    for (let i = this.floorSegmentIndex(startOffset); i < this.segments.length; i++) {
      const r = this.segments[i]!.read(startOffset, maxBytes, maxOffsetExclusive, minOneMessage, allocate);
      if (r !== null) return { ok: true, records: r.records, firstOffset: r.firstOffset };
    }
    return { ok: true, records: EMPTY_RECORDS, firstOffset: startOffset };
  }

  /** Index of the segment whose base offset is the largest <= `offset` (0 when below all). */
  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets by timestamp (ts >= 0): the first record at or after the log start whose
   * timestamp is >= `ts`, found through the time indexes and batch headers, then within the one
   * batch by decoding it. Null when every record is older.
   */
  fetchOffsetByTimestamp(ts: number): { offset: number; timestamp: number } | null {
    for (const seg of this.segments) {
      if (seg.maxTimestampSoFar < ts) continue;
      const b = seg.findBatchByTimestamp(ts, this.startOffset);
      if (b === null) continue;
      const exact = this.firstRecordMatching(seg, b, (offset, timestamp) => timestamp >= ts && offset >= this.startOffset);
      return exact ?? { offset: Math.max(b.baseOffset, this.startOffset), timestamp: b.maxTimestamp };
    }
    return null;
  }

  /** ListOffsets MAX_TIMESTAMP (-3): the first record carrying the log's largest timestamp, or null when the log is empty. */
  maxTimestampAndOffset(): { offset: number; timestamp: number } | null {
    let best: LogSegment | null = null;
    for (const seg of this.segments) if (seg.maxTimestampSoFar >= 0 && (best === null || seg.maxTimestampSoFar > best.maxTimestampSoFar)) best = seg;
    if (best === null) return null;
    const b = best.batchWithMaxTimestamp();
    if (b === null) return null;
    const exact = this.firstRecordMatching(best, b, (_o, timestamp) => timestamp === b.maxTimestamp);
    return exact ?? { offset: b.baseOffset, timestamp: b.maxTimestamp };
  }

  /** Decodes one stored batch and returns the first record matching `pred`, or null (also when it cannot be decoded). */
  private firstRecordMatching(seg: LogSegment, b: FileBatch, pred: (offset: number, timestamp: number) => boolean): { offset: number; timestamp: number } | null {
    try {
      const decoded = decodeRecordBatch(seg.log.readBatch(b), 0, { verifyCrc: false });
      for (const r of decoded.records) {
        const offset = Number(r.offset);
        const timestamp = Number(r.timestamp);
        if (pred(offset, timestamp)) return { offset, timestamp };
      }
    } catch (err) {
      this.logger.warn({ err, offset: b.baseOffset }, 'cannot decode a batch to find a record by timestamp');
    }
    return null;
  }

  /** OffsetForLeaderEpoch: the largest epoch <= `epoch` and its end offset; (-1, -1) when unknown. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.leaderEpochCache.endOffsetFor(epoch, this.endOffset);
  }

  // ---------------------------------------------------------------------------------------------
  // Deletion, retention, truncation

  /** DeleteRecords: moves the log start offset up to `offset` (<= log end) and deletes the segments wholly below it. */
  deleteRecordsBefore(offset: number): void {
    if (offset > this.endOffset) throw new RangeError(`cannot move the log start offset of ${this.name} to ${offset}, beyond the log end ${this.endOffset}`);
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.leaderEpochCache.truncateFromStart(offset);
    this.deleteLogStartOffsetBreachedSegments();
  }

  /**
   * retention.ms and retention.bytes on whole segments (Kafka's deleteOldSegments), then the
   * segments wholly below the log start offset. Only segments whose data is below
   * `highWatermark` (default: the log end) are eligible; the active segment is deleted (after a
   * roll) when it qualifies too, as in Kafka. Returns the number of segments deleted.
   */
  applyRetention(now: number, highWatermark = this.endOffset): number {
    if (this.offlineReason !== null) return 0;
    let deleted = 0;
    const cfg = this.currentConfig;
    if (cfg.cleanupPolicy.includes('delete')) {
      if (cfg.retentionMs >= 0) {
        deleted += this.deleteOldSegments((seg) => now - seg.largestTimestamp() > cfg.retentionMs, highWatermark, 'retention.ms');
      }
      if (cfg.retentionBytes >= 0 && this.size >= cfg.retentionBytes) {
        let diff = this.size - cfg.retentionBytes;
        deleted += this.deleteOldSegments(
          (seg) => {
            if (diff - seg.size >= 0) {
              diff -= seg.size;
              return true;
            }
            return false;
          },
          highWatermark,
          'retention.bytes',
        );
      }
    }
    deleted += this.deleteLogStartOffsetBreachedSegments(highWatermark);
    return deleted;
  }

  private deleteLogStartOffsetBreachedSegments(highWatermark = this.endOffset): number {
    return this.deleteOldSegments((_seg, next) => next !== undefined && next.baseOffset <= this.startOffset, highWatermark, 'log start offset');
  }

  /** Deletes the leading segments for which `predicate` holds (stopping at the first that does not). */
  private deleteOldSegments(predicate: (seg: LogSegment, next: LogSegment | undefined) => boolean, highWatermark: number, reason: string): number {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      const upperBound = next === undefined ? this.endOffset : next.baseOffset;
      const lastAndEmpty = next === undefined && seg.size === 0;
      if (!lastAndEmpty && highWatermark >= upperBound && predicate(seg, next)) deletable.push(seg);
      else break;
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) this.roll();
    this.segments.splice(0, deletable.length);
    for (const seg of deletable) {
      this.logger.info({ topic: this.topic, partition: this.partition, segment: seg.baseOffset, reason }, 'deleting segment');
      seg.deleteFiles();
    }
    this.startOffset = Math.max(this.startOffset, this.segments[0]!.baseOffset);
    this.leaderEpochCache.truncateFromStart(this.startOffset);
    this.producerState.deleteSnapshotsBefore(this.segments[0]!.baseOffset);
    return deletable.length;
  }

  /**
   * Removes everything from `offset` on (whole batches: if `offset` falls inside a batch, the log
   * ends before that batch). Below the log start, the log is emptied and restarts at `offset`.
   */
  truncateTo(offset: number): void {
    if (offset < 0) throw new RangeError(`cannot truncate ${this.name} to a negative offset ${offset}`);
    if (offset >= this.endOffset) return;
    this.truncations++;
    if (offset < this.startOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    const dropped: LogSegment[] = [];
    while (this.segments.length > 1 && this.activeSegment.baseOffset > offset) dropped.push(this.segments.pop()!);
    for (const seg of dropped) seg.deleteFiles();
    this.activeSegment.truncateTo(offset, this.clock.now());
    this.endOffset = this.activeSegment.readNextOffset();
    this.recoveryPointValue = Math.min(this.recoveryPointValue, this.endOffset);
    this.leaderEpochCache.truncateFromEnd(this.endOffset);
    this.producerState.deleteSnapshotsAfter(this.endOffset);
    this.rebuildProducerState();
  }

  /** Deletes every segment and starts an empty log at `offset` (log start = log end = `offset`). */
  truncateFullyAndStartAt(offset: number): void {
    this.truncations++;
    const old = this.segments;
    this.segments = [];
    for (const seg of old) seg.deleteFiles();
    this.segments.push(this.createSegment(offset));
    this.startOffset = offset;
    this.endOffset = offset;
    this.recoveryPointValue = Math.min(this.recoveryPointValue, offset);
    this.leaderEpochCache.clear();
    this.producerState.truncateFullyAndStartAt(offset);
  }

  /**
   * The log cleaner's swap: `cleaned` (a complete, flushed segment whose files end in `.cleaned`,
   * with the base offset of the first old segment) replaces `old` (consecutive inactive segments
   * of this log), in Kafka's crash-safe order: `.cleaned` → `.swap` (the commit point: from here
   * on a restart completes the swap), the old segments are deleted, `.swap` → the plain names.
   * Throws with nothing changed when `old` is not (any more) such a run of segments; an I/O error
   * after the commit point takes the log offline.
   */
  replaceSegments(old: readonly LogSegment[], cleaned: LogSegment): void {
    if (this.offlineReason !== null) throw new Error(`log ${this.name} is offline: ${this.offlineReason}`);
    const i = old.length === 0 ? -1 : this.segments.indexOf(old[0]!);
    if (i < 0 || i + old.length >= this.segments.length || old.some((s, k) => this.segments[i + k] !== s) || cleaned.baseOffset !== old[0]!.baseOffset) {
      throw new Error(`log ${this.name}: the segments to replace are not a run of inactive segments of the log any more`);
    }
    // No other `.cleaned` file may outlive this commit: at startup a swap above one is dropped (Kafka's rule for splits).
    const own = new Set([cleaned.log.path, cleaned.offsetIndex.path, cleaned.timeIndex.path].map((p) => basename(p)));
    for (const n of readdirSync(this.dir)) if (n.endsWith(CLEANED_FILE_SUFFIX) && !own.has(n)) rmSync(join(this.dir, n));
    cleaned.changeFileSuffixes(CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    fsyncDirectory(this.dir);
    try {
      this.segments.splice(i, old.length, cleaned);
      for (const seg of old) seg.deleteFiles();
      cleaned.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
      fsyncDirectory(this.dir);
    } catch (err) {
      this.offlineReason = `segment swap failed: ${(err as Error).message}`;
      this.logger.error({ err, topic: this.topic, partition: this.partition }, 'segment swap failed; the log is offline until restart');
      throw err;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Durability and lifecycle

  /** fsyncs everything up to the log end and moves the recovery point there. */
  flush(): void {
    this.flushUpTo(this.endOffset);
  }

  /** fsyncs the segments holding offsets in [recovery point, `offset`) and moves the recovery point to `offset`. */
  flushUpTo(offset: number): void {
    const target = Math.min(offset, this.endOffset);
    if (target <= this.recoveryPointValue && !this.newSegmentsSinceFlush) return;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      const segEnd = next === undefined ? Number.MAX_SAFE_INTEGER : next.baseOffset;
      if (segEnd > this.recoveryPointValue && seg.baseOffset < target) seg.flush();
    }
    if (this.newSegmentsSinceFlush) {
      fsyncDirectory(this.dir);
      this.newSegmentsSinceFlush = false;
    }
    if (target > this.recoveryPointValue) this.recoveryPointValue = target;
    if (target === this.endOffset) {
      // flush.ms counts from the last time everything was on disk.
      this.unflushedMessagesCount = 0;
      this.lastFlushTime = this.clock.now();
    }
  }

  /**
   * The periodic flusher's check: flush everything when flush.ms has passed since the last flush
   * and there is unflushed data, else fsync the segments rolled since (Kafka flushes rolled
   * segments right after a roll). Returns true when it flushed something.
   */
  flushIfDue(now: number): boolean {
    if (this.offlineReason !== null) return false;
    if (this.recoveryPointValue < this.endOffset && now - this.lastFlushTime >= this.currentConfig.flushMs) {
      this.flush();
      return true;
    }
    const activeBase = this.activeSegment.baseOffset;
    if (this.recoveryPointValue < activeBase) {
      this.flushUpTo(activeBase);
      return true;
    }
    return false;
  }

  /** Forgets idempotent producers idle for longer than `expirationMs`. */
  removeExpiredProducers(now: number, expirationMs: number): number {
    return this.producerState.removeExpiredProducers(now, expirationMs);
  }

  /** Flushes, snapshots the producer state at the log end, trims the index files and closes every file. */
  close(): void {
    if (this.offlineReason === 'closed') return;
    if (this.offlineReason === null) {
      this.flush();
      this.producerState.updateMapEndOffset(this.endOffset);
      this.producerState.takeSnapshot();
      this.producerState.deleteSnapshotsBefore(this.segments[0]!.baseOffset);
    }
    this.closeHandles();
  }

  /** Closes every file without flushing (before the directory is renamed or removed). */
  closeHandles(): void {
    for (const seg of this.segments) {
      try {
        seg.close();
      } catch (err) {
        this.logger.warn({ err, segment: seg.baseOffset }, 'error closing a segment');
      }
    }
    this.offlineReason = 'closed';
  }

  /** Closes the files and removes the whole directory. */
  delete(): void {
    this.closeHandles();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get name(): string {
    return `${this.topic}-${this.partition}`;
  }
}
