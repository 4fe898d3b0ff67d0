/**
 * The `.index` file of a segment (Kafka's OffsetIndex): sparse 8-byte entries of
 * (relative offset int32, file position int32), both strictly increasing. An entry (O, P) says
 * that the chunk whose last offset is O starts at byte P of the `.log` file, so the batch holding
 * any offset >= O starts at or after P.
 */
import { AbstractIndex } from './abstract-index.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

/** An offset and the file position of the batch run that holds it. */
export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends AbstractIndex {
  /**
   * Opens (or creates) the index file. `writable` marks the active segment's index: its file is
   * preallocated to `maxIndexSize`.
   */
  constructor(path: string, baseOffset: number, maxIndexSize: number, writable: boolean) {
    super(path, baseOffset, maxIndexSize, writable, OFFSET_INDEX_ENTRY_SIZE);
  }

  protected keyAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
  }

  protected outOfOrder(i: number): boolean {
    return this.keyAt(i) <= this.keyAt(i - 1) || this.positionAt(i) <= this.positionAt(i - 1);
  }

  private positionAt(i: number): number {
    return this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
  }

  /** Entry `i` with its absolute offset. */
  entry(i: number): OffsetPosition {
    if (i < 0 || i >= this.count) throw new RangeError(`offset index entry ${i} out of range (${this.count} entries)`);
    return { offset: this.baseOffset + this.keyAt(i), position: this.positionAt(i) };
  }

  /** The last entry, or (baseOffset, 0) when there is none. */
  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1);
  }

  /** The last offset indexed (baseOffset when empty). */
  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.keyAt(this.count - 1);
  }

  /** The entry with the largest offset <= `targetOffset`, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetPosition {
    const i = this.largestLowerBound(targetOffset - this.baseOffset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /**
   * Adds (offset, position); the offset must be above the last one and fit in a relative int32.
   * `skipFullCheck` lets a rebuild go past the preallocated size (after segment.index.bytes shrank).
   */
  append(offset: number, position: number, skipFullCheck = false): void {
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`offset ${offset} does not fit in segment ${this.baseOffset}`);
    // Called on every indexed append: the last entry is read field by field (no object).
    if (this.count > 0) {
      const lastOffset = this.baseOffset + this.keyAt(this.count - 1);
      if (offset <= lastOffset) throw new RangeError(`offset index ${this.path}: ${offset} is not above the last offset ${lastOffset}`);
      if (position <= this.positionAt(this.count - 1)) throw new RangeError(`offset index ${this.path}: position ${position} is not above the last position`);
    }
    const pos = this.prepareAppend(skipFullCheck);
    this.buf.writeInt32BE(rel, pos);
    this.buf.writeInt32BE(position, pos + 4);
    this.commitAppend(pos);
  }

  /** Removes the entries for offsets >= `offset`. */
  truncateTo(offset: number): void {
    const i = this.largestLowerBound(offset - this.baseOffset);
    // Keep entries strictly below `offset`.
    let keep = i + 1;
    if (i >= 0 && this.baseOffset + this.keyAt(i) >= offset) keep = i;
    this.truncateToEntries(keep);
  }

  sanityCheck(): string | null {
    if (this.count < 0) return 'negative entry count';
    if (this.loadProblem !== null) return this.loadProblem;
    if (this.count > 0 && this.keyAt(0) < 0) return 'negative relative offset';
    return null;
  }
}
