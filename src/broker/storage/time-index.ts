/**
 * The `.timeindex` file of a segment (Kafka's TimeIndex): sparse 12-byte entries of
 * (timestamp int64, relative offset int32). An entry (T, O) says that T is the largest timestamp
 * in the segment up to offset O: every record with a timestamp above T comes after O. Timestamps
 * strictly increase; offsets never decrease.
 */
import { AbstractIndex } from './abstract-index.js';
import { readInt64AsNumber, writeInt64FromNumber } from './int64.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends AbstractIndex {
  constructor(path: string, baseOffset: number, maxIndexSize: number, writable: boolean) {
    super(path, baseOffset, maxIndexSize, writable, TIME_INDEX_ENTRY_SIZE);
  }

  protected keyAt(i: number): number {
    return readInt64AsNumber(this.buf, i * TIME_INDEX_ENTRY_SIZE);
  }

  private relativeOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
  }

  protected outOfOrder(i: number): boolean {
    return this.keyAt(i) <= this.keyAt(i - 1) || this.relativeOffsetAt(i) < this.relativeOffsetAt(i - 1);
  }

  entry(i: number): TimestampOffset {
    if (i < 0 || i >= this.count) throw new RangeError(`time index entry ${i} out of range (${this.count} entries)`);
    return { timestamp: this.keyAt(i), offset: this.baseOffset + this.relativeOffsetAt(i) };
  }

  /** The last entry, or (-1, baseOffset) when there is none. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /**
   * The last entry without loading the whole index (an inactive segment's last entry holds its
   * largest timestamp); falls back to loading when the file ends with a zero entry.
   */
  lastEntryFromFile(): TimestampOffset {
    const raw = this.readLastEntryFromFile();
    if (raw === null) return { timestamp: -1, offset: this.baseOffset };
    if (raw.every((b) => b === 0)) return this.lastEntry();
    return { timestamp: Number(raw.readBigInt64BE(0)), offset: this.baseOffset + raw.readInt32BE(8) };
  }

  /** The entry with the largest timestamp <= `timestamp`, or (-1, baseOffset) when there is none. */
  lookup(timestamp: number): TimestampOffset {
    const i = this.largestLowerBound(timestamp);
    return i < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(i);
  }

  /**
   * Adds (timestamp, offset) when the timestamp is above the last entry's. `skipFullCheck` lets the
   * final entry written when the segment is rolled or closed go past the preallocated size.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    // Called on every indexed append: the last entry is read field by field (no object).
    if (this.count > 0) {
      const lastOffset = this.baseOffset + this.relativeOffsetAt(this.count - 1);
      if (offset < lastOffset) throw new RangeError(`time index ${this.path}: offset ${offset} is below the last offset ${lastOffset}`);
      if (timestamp <= this.keyAt(this.count - 1)) return;
    }
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`offset ${offset} does not fit in segment ${this.baseOffset}`);
    const pos = this.prepareAppend(skipFullCheck);
    writeInt64FromNumber(this.buf, pos, timestamp);
    this.buf.writeInt32BE(rel, pos + 8);
    this.commitAppend(pos);
  }

  /** Removes the entries for offsets >= `offset`. */
  truncateTo(offset: number): void {
    let keep = this.count;
    while (keep > 0 && this.baseOffset + this.relativeOffsetAt(keep - 1) >= offset) keep--;
    this.truncateToEntries(keep);
  }

  sanityCheck(): string | null {
    if (this.count < 0) return 'negative entry count';
    if (this.loadProblem !== null) return this.loadProblem;
    if (this.count > 0 && this.relativeOffsetAt(0) < 0) return 'negative relative offset';
    return null;
  }
}
