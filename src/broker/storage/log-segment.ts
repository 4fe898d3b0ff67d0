/**
 * One segment of a partition's log (Kafka's LogSegment): the `.log` file of record batches plus
 * its sparse `.index` (offset -> position) and `.timeindex` (timestamp -> offset), all named
 * after the segment's base offset zero-padded to 20 digits.
 *
 * Appends take whole chunks of already-validated batches as opaque bytes. Every chunk that starts
 * more than `index.interval.bytes` after the previous index entry gets an offset-index entry
 * (chunk's last offset, chunk's start position) and, when the largest timestamp grew, a
 * time-index entry. Reads locate batches through the index and then walk batch headers forward.
 */
import { join } from 'node:path';
import { FileRecords, type FileBatch } from './file-records.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import type { ReadAllocator } from './read-buffer-pool.js';

/** Shared empty read result (never written to). */
const EMPTY = new Uint8Array(0);

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const DELETED_FILE_SUFFIX = '.deleted';
/** A segment the log cleaner is writing (deleted at startup: the old segments are intact). */
export const CLEANED_FILE_SUFFIX = '.cleaned';
/** A complete cleaned segment about to replace old ones (the swap is completed at startup). */
export const SWAP_FILE_SUFFIX = '.swap';

const INT32_MAX = 0x7fffffff;

/** The 20-digit, zero-padded file name prefix for `offset`. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** The base offset named by a segment or snapshot file name, or null when the name is not one. */
export function offsetFromFileName(name: string): number | null {
  const m = /^(\d{20})\./.exec(name);
  if (m === null) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

export interface LogSegmentSettings {
  /** index.interval.bytes */
  indexIntervalBytes: number;
  /** segment.index.bytes: the preallocated size of the active segment's index files. */
  maxIndexSize: number;
}

/** Where a read found its bytes. */
export interface SegmentReadInfo {
  /** Base offset of the first batch returned (the requested offset when nothing is). */
  firstOffset: number;
  records: Uint8Array;
}

export class LogSegment {
  /** Largest batch maxTimestamp seen in the segment (-1 when none). */
  private maxTimestamp = -1;
  /** Last offset of the batch that carried maxTimestamp. */
  private offsetOfMaxTimestamp: number;
  private bytesSinceLastIndexEntry = 0;
  /** maxTimestamp of the first batch (the base of time-based rolling), or null while empty. */
  private rollingBasedTimestamp: number | null = null;
  /** Whether the indexes have had their full sanity check (done on first use for lazily loaded ones). */
  private indexesChecked: boolean;
  /** Told when indexes found corrupt on first use are rebuilt. */
  private readonly onIndexRebuild: ((problem: string) => void) | undefined;

  private constructor(
    readonly baseOffset: number,
    readonly log: FileRecords,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private settings: LogSegmentSettings,
    /** When this segment object was created (the base of time-based rolling while empty). */
    private created: number,
    /** This segment's share of segment.jitter.ms. */
    readonly rollJitterMs: number,
    onIndexRebuild?: (problem: string) => void,
  ) {
    this.offsetOfMaxTimestamp = baseOffset;
    this.indexesChecked = offsetIndex.isLoaded && timeIndex.isLoaded;
    this.onIndexRebuild = onIndexRebuild;
  }

  static logPath(dir: string, baseOffset: number): string {
    return join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX);
  }
  static indexPath(dir: string, baseOffset: number): string {
    return join(dir, filenamePrefixFromOffset(baseOffset) + INDEX_FILE_SUFFIX);
  }
  static timeIndexPath(dir: string, baseOffset: number): string {
    return join(dir, filenamePrefixFromOffset(baseOffset) + TIME_INDEX_FILE_SUFFIX);
  }

  /**
   * Opens the segment at `baseOffset` in `dir`, creating missing files. `active` preallocates
   * the index files. The caller checks `sanityCheck()` and runs `recover()` when needed.
   * `fileSuffix` (e.g. `.cleaned`) is appended to the three file names.
   */
  static open(
    dir: string,
    baseOffset: number,
    settings: LogSegmentSettings,
    options: { active: boolean; now: number; rollJitterMs?: number; onIndexRebuild?: (problem: string) => void; fileSuffix?: string },
  ): LogSegment {
    const suffix = options.fileSuffix ?? '';
    const log = FileRecords.open(LogSegment.logPath(dir, baseOffset) + suffix);
    let offsetIndex: OffsetIndex | undefined;
    try {
      offsetIndex = new OffsetIndex(LogSegment.indexPath(dir, baseOffset) + suffix, baseOffset, settings.maxIndexSize, options.active);
      const timeIndex = new TimeIndex(LogSegment.timeIndexPath(dir, baseOffset) + suffix, baseOffset, settings.maxIndexSize, options.active);
      const segment = new LogSegment(baseOffset, log, offsetIndex, timeIndex, settings, options.now, options.rollJitterMs ?? 0, options.onIndexRebuild);
      if (options.active) segment.loadDerivedState();
      else segment.loadLargestTimestampFromIndex();
      return segment;
    } catch (err) {
      offsetIndex?.closeFd();
      log.close();
      throw err;
    }
  }

  /** Size of the `.log` file in bytes. */
  get size(): number {
    return this.log.size;
  }

  updateSettings(settings: LogSegmentSettings): void {
    this.settings = settings;
  }

  /**
   * An inactive segment's largest timestamp is the last entry of its time index (added when it was
   * rolled); read without loading the index.
   */
  private loadLargestTimestampFromIndex(): void {
    const last = this.timeIndex.lastEntryFromFile();
    this.maxTimestamp = last.timestamp;
    this.offsetOfMaxTimestamp = last.timestamp >= 0 ? last.offset : this.baseOffset;
  }

  /** Recomputes the largest timestamp, the rolling timestamp and the bytes since the last index entry from the files. */
  private loadDerivedState(): void {
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = this.baseOffset;
    const lastTime = this.timeIndex.lastEntry();
    if (lastTime.timestamp >= 0 && this.timeIndex.entries > 0) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    const from = this.indexedPosition(this.timeIndex.entries > 0 ? lastTime.offset : this.baseOffset);
    if (from < this.log.size) {
      for (const b of this.log.batchesFrom(from)) {
        if (b.maxTimestamp > this.maxTimestamp) {
          this.maxTimestamp = b.maxTimestamp;
          this.offsetOfMaxTimestamp = b.lastOffset;
        }
      }
    }
    const first = this.log.size > 0 ? this.log.batchAt(0) : null;
    this.rollingBasedTimestamp = first === null ? null : first.maxTimestamp;
    this.bytesSinceLastIndexEntry = this.log.size - this.offsetIndex.lastEntry().position;
  }

  /**
   * Why the indexes cannot be trusted (then the segment must be recovered), or null. Without
   * `full`, only what needs no loading is checked (whole entries in both files), as Kafka does
   * for the inactive segments of a cleanly stopped log.
   */
  sanityCheck(full = true): string | null {
    if (!full) {
      const q = this.offsetIndex.quickCheck() ?? this.timeIndex.quickCheck();
      return q === null ? null : `index files of segment ${this.baseOffset}: ${q}`;
    }
    const o = this.offsetIndex.sanityCheck();
    if (o !== null) return `${this.offsetIndex.path}: ${o}`;
    const t = this.timeIndex.sanityCheck();
    if (t !== null) return `${this.timeIndex.path}: ${t}`;
    if (this.offsetIndex.entries > 0 && this.offsetIndex.lastEntry().position >= this.log.size) {
      return `${this.offsetIndex.path}: last entry points past the end of the log (${this.log.size} bytes)`;
    }
    if (this.offsetIndex.entries > 0 && this.log.batchAt(this.offsetIndex.lastEntry().position) === null) {
      return `${this.offsetIndex.path}: last entry does not point at a batch`;
    }
    return null;
  }

  /** Largest batch timestamp in the segment, or -1. */
  get maxTimestampSoFar(): number {
    return this.maxTimestamp;
  }

  /** Last offset of the (first) batch carrying the largest timestamp. */
  get offsetOfMaxTimestampSoFar(): number {
    return this.offsetOfMaxTimestamp;
  }

  /** The segment's largest timestamp, or the file's modification time when no batch carries one (Kafka's largestTimestamp). */
  largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.log.lastModified();
  }

  /** True when `offset` fits as a relative int32 offset in this segment. */
  canConvertToRelativeOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= INT32_MAX;
  }

  /**
   * Kafka's timeWaitedForRoll: how long the segment has been open, measured from the first batch's
   * timestamp to the incoming batch's (or, while empty, from the segment's creation to now).
   */
  timeWaitedForRoll(now: number, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp !== null && this.rollingBasedTimestamp >= 0) return messageTimestamp - this.rollingBasedTimestamp;
    return now - this.created;
  }

  /**
   * Appends a chunk of whole batches (already carrying their offsets). `largestOffset` is its
   * last offset; `largestTimestamp` the largest batch maxTimestamp in it and
   * `offsetOfLargestTimestamp` the last offset of the batch that carried it.
   */
  append(largestOffset: number, largestTimestamp: number, offsetOfLargestTimestamp: number, records: Uint8Array): void {
    if (records.length === 0) return;
    if (!this.canConvertToRelativeOffset(largestOffset)) {
      throw new RangeError(`offset ${largestOffset} cannot be stored in segment ${this.baseOffset} (relative offset beyond int32)`);
    }
    const position = this.log.size;
    if (position === 0) this.rollingBasedTimestamp = largestTimestamp;
    this.log.append(records);
    if (largestTimestamp > this.maxTimestamp) {
      this.maxTimestamp = largestTimestamp;
      this.offsetOfMaxTimestamp = offsetOfLargestTimestamp;
    }
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(largestOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += records.length;
  }

  /** True when either index has no room for another entry. */
  indexesFull(): boolean {
    return this.offsetIndex.isFull() || this.timeIndex.isFull();
  }

  /**
   * Before the first lookup through lazily loaded indexes: the full sanity check, and a rebuild
   * of both indexes from the log when it fails.
   */
  private checkIndexesOnFirstUse(): void {
    if (this.indexesChecked) return;
    this.indexesChecked = true;
    const problem = this.sanityCheck(true);
    if (problem === null) return;
    this.onIndexRebuild?.(problem);
    this.recover();
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  /** The offset index's position for `offset`, or 0 when that entry does not point at a batch. */
  private indexedPosition(offset: number): number {
    this.checkIndexesOnFirstUse();
    const pos = this.offsetIndex.lookup(offset).position;
    return pos > 0 && !this.log.hasBatchAt(pos) ? 0 : pos;
  }

  /**
   * The first batch whose last offset is >= `offset`, searching from the index entry for it (or
   * from `startingPosition` if that is further). Null when the segment has no such batch.
   */
  translateOffset(offset: number, startingPosition = 0): FileBatch | null {
    const from = Math.max(startingPosition, this.indexedPosition(offset));
    for (const b of this.log.batchesFrom(from)) {
      if (b.lastOffset >= offset) return b;
    }
    return null;
  }

  /**
   * Whole batches starting with the one that holds `startOffset`: at most `maxSize` bytes (at
   * least the first batch when `minOneMessage`), none whose last offset reaches
   * `maxOffsetExclusive`. Null when no batch of this segment holds `startOffset` or a later offset.
   */
  read(startOffset: number, maxSize: number, maxOffsetExclusive: number, minOneMessage: boolean, allocate?: ReadAllocator): SegmentReadInfo | null {
    // translateOffset without a FileBatch per batch passed (the fetch path).
    const position = this.log.findBatch(this.indexedPosition(startOffset), startOffset);
    if (position < 0) return null;
    const { size, baseOffset, lastOffset } = this.log.found;
    if (lastOffset >= maxOffsetExclusive) return { firstOffset: baseOffset, records: EMPTY };
    if (size > maxSize) {
      return { firstOffset: baseOffset, records: minOneMessage ? this.log.read(position, size, allocate) : EMPTY };
    }
    const buf = this.log.read(position, maxSize, allocate);
    let pos = 0;
    while (pos + 61 <= buf.length) {
      const batchSize = buf.readInt32BE(pos + 8) + 12;
      if (batchSize < 61 || pos + batchSize > buf.length) break;
      // Base offsets in this log are below 2^53 (appends check it): read without a BigInt.
      const batchLastOffset = buf.readInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4) + buf.readInt32BE(pos + 23);
      if (batchLastOffset >= maxOffsetExclusive) break;
      pos += batchSize;
    }
    return { firstOffset: baseOffset, records: pos === buf.length ? buf : buf.subarray(0, pos) };
  }

  /** The offset after the last batch (the base offset when empty). */
  readNextOffset(): number {
    let next = this.baseOffset;
    const from = this.indexedPosition(Number.MAX_SAFE_INTEGER);
    for (const b of this.log.batchesFrom(from)) next = b.lastOffset + 1;
    return next;
  }

  /**
   * The first batch at or after `startingOffset` whose maxTimestamp is >= `timestamp`, found
   * through the time index and then batch headers; null when there is none in this segment.
   */
  findBatchByTimestamp(timestamp: number, startingOffset: number): FileBatch | null {
    this.checkIndexesOnFirstUse();
    const entry = this.timeIndex.lookup(timestamp);
    const from = this.indexedPosition(Math.max(entry.offset, startingOffset));
    for (const b of this.log.batchesFrom(from)) {
      if (b.maxTimestamp >= timestamp && b.lastOffset >= startingOffset) return b;
    }
    return null;
  }

  /** The first batch carrying the segment's largest timestamp, or null when the segment is empty. */
  batchWithMaxTimestamp(): FileBatch | null {
    if (this.maxTimestamp < 0) return null;
    const from = this.indexedPosition(this.offsetOfMaxTimestamp);
    for (const b of this.log.batchesFrom(from)) {
      if (b.lastOffset >= this.offsetOfMaxTimestamp && b.maxTimestamp === this.maxTimestamp) return b;
    }
    return null;
  }

  /**
   * Re-validates every batch (framing, magic, CRC, offsets increasing within the segment's
   * relative range), rebuilds both indexes, and truncates the file after the last valid batch.
   * `onBatch` sees each valid batch (for the leader-epoch cache). Returns the bytes truncated.
   */
  recover(onBatch?: (batch: FileBatch) => void): { truncatedBytes: number; problem: string | null } {
    this.indexesChecked = true;
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = this.baseOffset;
    let validBytes = 0;
    let lastIndexEntry = 0;
    let previousLastOffset = this.baseOffset - 1;
    let problem: string | null = null;
    while (validBytes < this.log.size) {
      const b = this.log.checkBatch(validBytes);
      if (!('baseOffset' in b)) {
        problem = b.message;
        break;
      }
      if (b.baseOffset <= previousLastOffset || b.lastOffsetDelta < 0 || !this.canConvertToRelativeOffset(b.lastOffset)) {
        problem = `batch at position ${validBytes} has offsets ${b.baseOffset}..${b.lastOffset}, not after ${previousLastOffset} within segment ${this.baseOffset}`;
        break;
      }
      if (b.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = b.maxTimestamp;
        this.offsetOfMaxTimestamp = b.lastOffset;
      }
      if (validBytes - lastIndexEntry > this.settings.indexIntervalBytes) {
        this.offsetIndex.append(b.lastOffset, validBytes, true);
        this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
        lastIndexEntry = validBytes;
      }
      previousLastOffset = b.lastOffset;
      validBytes += b.size;
      onBatch?.(b);
    }
    const truncatedBytes = this.log.truncateTo(validBytes);
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    const first = this.log.size > 0 ? this.log.batchAt(0) : null;
    this.rollingBasedTimestamp = first === null ? null : first.maxTimestamp;
    this.bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    return { truncatedBytes, problem };
  }

  /**
   * Removes every batch from the one holding `offset` on (whole batches: an offset inside a batch
   * removes that batch), with the index entries for them; the segment's index files become
   * preallocated again since it is now the active segment. Returns the bytes removed.
   */
  truncateTo(offset: number, now: number): number {
    const batch = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.offsetIndex.makeWritable(this.settings.maxIndexSize);
    this.timeIndex.makeWritable(this.settings.maxIndexSize);
    if (batch === null) return 0;
    const removed = this.log.truncateTo(batch.position);
    if (this.log.size === 0) this.created = now;
    this.loadDerivedState();
    return removed;
  }

  /** Makes the index files preallocated again (the segment becomes the active one). */
  makeActive(): void {
    this.offsetIndex.makeWritable(this.settings.maxIndexSize);
    this.timeIndex.makeWritable(this.settings.maxIndexSize);
    this.loadDerivedState();
  }

  /** On roll: adds the final time-index entry and trims both index files to their entries. */
  onBecomeInactiveSegment(): void {
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  /** fsyncs the log and both indexes. */
  flush(): void {
    this.log.flush();
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Adds the final time-index entry, trims the index files and closes every file. */
  close(): void {
    // An index never loaded is as it was when the segment was rolled (final entry included).
    if (this.maxTimestamp >= 0 && this.timeIndex.isLoaded) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    this.offsetIndex.close();
    this.timeIndex.close();
    this.log.close();
  }

  /**
   * Renames the three files from `<name><oldSuffix>` to `<name><newSuffix>` (the log cleaner's
   * `.cleaned` → `.swap` → no suffix): the indexes first, the `.log` last, since the `.log`'s name
   * is what recovery goes by.
   */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    for (const f of [this.offsetIndex, this.timeIndex, this.log]) {
      if (!f.path.endsWith(oldSuffix)) throw new Error(`${f.path} does not end with ${JSON.stringify(oldSuffix)}`);
      f.renameTo(f.path.slice(0, f.path.length - oldSuffix.length) + newSuffix);
    }
  }

  /**
   * Deletes the segment's files: each is first closed and renamed to `*.deleted` (the `.log`
   * first, so a crash in between leaves at worst orphan index files), then removed.
   */
  deleteFiles(): void {
    const files = [this.log, this.offsetIndex, this.timeIndex];
    for (const f of files) {
      try {
        f.renameTo(f.path + DELETED_FILE_SUFFIX);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    this.log.deleteFile();
    this.offsetIndex.deleteFile();
    this.timeIndex.deleteFile();
  }
}
