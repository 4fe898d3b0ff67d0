/**
 * What the offset index and the time index share (Kafka's AbstractIndex): a file of fixed-size
 * big-endian entries, sorted by key, kept in memory in a Buffer (Node has no mmap) and written to
 * the file entry by entry with positioned writes.
 *
 * The active segment's index file is preallocated to `segment.index.bytes` (rounded down to a
 * multiple of the entry size; the tail is zeros) and cut back to the used bytes when the segment
 * stops being active or is closed. When a file is opened, the leading run of well-ordered entries
 * is taken as its content: a zero entry ends it (the preallocated tail after a crash); any other
 * out-of-order entry marks the index corrupt, and the segment rebuilds it from the log.
 *
 * The index of an inactive segment is loaded lazily, on its first lookup, and its file is not
 * kept open (it reopens if written again): a broker with many segments holds one file
 * descriptor per inactive segment (its `.log`) and only the indexes it has used in memory.
 */
import { Buffer } from 'node:buffer';
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

export abstract class AbstractIndex {
  /** Entries in use (valid once loaded). */
  private entryCount = 0;
  /** Most entries the file may hold (the preallocated size while writable). */
  protected maxCount = 1;
  /** The entries, in file layout; grown on demand. */
  protected buf: Buffer = Buffer.alloc(0);
  private fd: number | null = null;
  private loaded = false;
  /** First entry not yet written to the file, or -1. */
  private pendingFrom = -1;
  /** Whether the file handle stays open between writes (the active segment's indexes). */
  private keepOpen: boolean;
  private readonly initialMaxIndexSize: number;
  /** Why the loaded content was rejected, or null. */
  protected loadProblem: string | null = null;

  protected constructor(
    private filePath: string,
    readonly baseOffset: number,
    maxIndexSize: number,
    writable: boolean,
    protected readonly entrySize: number,
  ) {
    this.initialMaxIndexSize = maxIndexSize;
    this.keepOpen = writable;
    if (writable) {
      this.ensureLoaded();
      this.resize(maxIndexSize);
    } else {
      // Make sure the file exists; its content is read on first use.
      closeSync(openSync(filePath, constants.O_RDWR | constants.O_CREAT, 0o644));
    }
  }

  /** Reads the file into memory (once). */
  private ensureLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    const fd = this.openFd();
    const fileSize = fstatSync(fd).size;
    const fileEntries = Math.floor(fileSize / this.entrySize);
    this.buf = Buffer.alloc(Math.max(fileEntries, 16) * this.entrySize);
    let read = 0;
    const want = fileEntries * this.entrySize;
    while (read < want) {
      const n = readSync(fd, this.buf, read, want - read, read);
      if (n === 0) break;
      read += n;
    }
    this.entryCount = Math.floor(read / this.entrySize);
    this.trimLoadedEntries();
    this.maxCount = Math.max(this.entryCount, 1, Math.floor(this.initialMaxIndexSize / this.entrySize));
    if (!this.keepOpen) this.closeFd();
  }

  /** Entries in use; loads the file on first use. */
  protected get count(): number {
    this.ensureLoaded();
    return this.entryCount;
  }

  protected set count(n: number) {
    this.ensureLoaded();
    this.entryCount = n;
  }

  /** True once the file content is in memory. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /**
   * A cheap check that does not load the index: the file holds whole entries. Returns a problem
   * or null.
   */
  quickCheck(): string | null {
    let size: number;
    try {
      size = statSync(this.filePath).size;
    } catch {
      return 'missing';
    }
    return size % this.entrySize === 0 ? null : `file size ${size} is not a multiple of ${this.entrySize}`;
  }

  /** The last whole entry of the file as raw bytes, read without loading the index; null when there is none. */
  protected readLastEntryFromFile(): Buffer | null {
    if (this.loaded) {
      return this.entryCount === 0 ? null : this.buf.subarray((this.entryCount - 1) * this.entrySize, this.entryCount * this.entrySize);
    }
    const fd = openSync(this.filePath, 'r');
    try {
      const entries = Math.floor(fstatSync(fd).size / this.entrySize);
      if (entries === 0) return null;
      const out = Buffer.alloc(this.entrySize);
      if (readSync(fd, out, 0, this.entrySize, (entries - 1) * this.entrySize) !== this.entrySize) return null;
      return out;
    } finally {
      closeSync(fd);
    }
  }

  get path(): string {
    return this.filePath;
  }

  /** Number of entries. */
  get entries(): number {
    return this.count;
  }

  get maxEntries(): number {
    this.ensureLoaded();
    return this.maxCount;
  }

  isFull(): boolean {
    return this.count >= this.maxCount;
  }

  /** Bytes the entries take (the file size once trimmed). */
  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  /** Why the index is unusable (out-of-order or out-of-range entries), or null when it looks sound. */
  abstract sanityCheck(): string | null;

  /** The key (relative offset or timestamp) of entry `i`, for the binary search. */
  protected abstract keyAt(i: number): number;

  /** True when entry `i` is not strictly after entry `i - 1`. */
  protected abstract outOfOrder(i: number): boolean;

  /**
   * Cuts the loaded entries at the first out-of-order one: a zero entry is the preallocated tail
   * (fine); anything else is recorded as a load problem.
   */
  private trimLoadedEntries(): void {
    if (this.entryCount > 0 && this.isZeroEntry(0)) {
      this.entryCount = 0;
      return;
    }
    for (let i = 1; i < this.entryCount; i++) {
      if (this.outOfOrder(i)) {
        if (!this.isZeroEntry(i)) this.loadProblem = `entry ${i} is out of order`;
        this.entryCount = i;
        return;
      }
    }
  }

  private isZeroEntry(i: number): boolean {
    const start = i * this.entrySize;
    for (let p = start; p < start + this.entrySize; p++) if (this.buf[p] !== 0) return false;
    return true;
  }

  /** Index of the last entry whose key is <= `target`, or -1. */
  protected largestLowerBound(target: number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0 || this.keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Makes room in memory for entry `this.count` and returns its byte position. */
  protected prepareAppend(skipFullCheck = false): number {
    if (this.isFull()) {
      if (!skipFullCheck) throw new Error(`index ${this.filePath} is full (${this.count} entries)`);
      this.maxCount = this.count + 1;
    }
    const pos = this.count * this.entrySize;
    if (pos + this.entrySize > this.buf.length) {
      const capacity = Math.max(this.count + 1, Math.min(this.maxCount, Math.max(16, this.count * 2)));
      const grown = Buffer.alloc(capacity * this.entrySize);
      this.buf.copy(grown, 0, 0, pos);
      this.buf = grown;
    }
    return pos;
  }

  /**
   * Counts the entry prepared at `pos`. It reaches the file with the next writePending (flush,
   * roll, close): until then only memory has it, which is safe because after an unclean stop the
   * unflushed part of the log is re-read and its index entries rebuilt.
   */
  protected commitAppend(pos: number): void {
    if (this.pendingFrom < 0) this.pendingFrom = pos / this.entrySize;
    this.count++;
  }

  /** Writes the entries appended since the last write to the file, in one positioned write. */
  writePending(): void {
    if (this.pendingFrom < 0) return;
    const start = this.pendingFrom * this.entrySize;
    const end = this.count * this.entrySize;
    this.pendingFrom = -1;
    if (end <= start) return;
    const fd = this.openFd();
    let written = 0;
    while (written < end - start) written += writeSync(fd, this.buf, start + written, end - start - written, start + written);
  }

  /** Keeps the first `n` entries; the file tail is zeroed so stale entries never reappear. */
  protected truncateToEntries(n: number): void {
    const keep = Math.max(0, Math.min(n, this.count));
    if (keep === this.count) return;
    this.count = keep;
    if (this.pendingFrom >= keep) this.pendingFrom = -1;
    this.buf.fill(0, keep * this.entrySize);
    const fd = this.openFd();
    const fileSize = fstatSync(fd).size;
    ftruncateSync(fd, keep * this.entrySize);
    if (fileSize > keep * this.entrySize) ftruncateSync(fd, Math.max(fileSize, keep * this.entrySize));
  }

  /** Removes every entry. */
  reset(): void {
    this.truncateToEntries(0);
  }

  /** Sets the maximum size (rounded down to whole entries, never below the entries in use) and sizes the file to it. */
  resize(maxIndexSize: number): void {
    this.maxCount = Math.max(this.count, 1, Math.floor(maxIndexSize / this.entrySize));
    ftruncateSync(this.openFd(), this.maxCount * this.entrySize);
  }

  /** Cuts the file back to the entries in use (on roll and close). */
  trimToValidSize(): void {
    this.writePending();
    this.resize(this.count * this.entrySize);
    this.keepOpen = false;
    this.closeFd();
  }

  /** Makes the file preallocated again (when its segment becomes active again). */
  makeWritable(maxIndexSize: number): void {
    this.keepOpen = true;
    this.resize(maxIndexSize);
  }

  /** Writes pending entries and fsyncs the file. */
  flush(): void {
    this.writePending();
    if (this.fd !== null) fsyncSync(this.fd);
  }

  /** Trims the file and closes it; the in-memory entries stay usable for lookups, and the file reopens on the next write. */
  close(): void {
    if (this.loaded) this.trimToValidSize();
    this.closeFd();
  }

  /** Closes the file handle (it reopens on the next write); the entries stay in memory. */
  closeFd(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  /** Closes (without trimming) and removes the file. */
  deleteFile(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    rmSync(this.filePath, { force: true });
  }

  /** Closes the file and renames it (e.g. to `*.deleted`); it reopens under the new name when written. */
  renameTo(newPath: string): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    renameSync(this.filePath, newPath);
    this.filePath = newPath;
  }

  private openFd(): number {
    if (this.fd === null) this.fd = openSync(this.filePath, constants.O_RDWR | constants.O_CREAT, 0o644);
    return this.fd;
  }
}
