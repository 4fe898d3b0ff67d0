/**
 * A segment's `.log` file (Kafka's FileRecords): record batches one after another, appended with
 * positioned synchronous writes and read back either as raw byte ranges (for Fetch) or batch by
 * batch through their headers (for offset and timestamp searches, recovery and producer-state
 * rebuilds). Headers are read through a small window buffer, so a scan over batch headers costs
 * one read per window rather than one per batch. Records are never decoded here.
 */
import { Buffer } from 'node:buffer';
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import {
  checkBatchAt,
  LOG_OVERHEAD,
  MAGIC_V2,
  readAttributes,
  readBaseOffset,
  readBaseSequence,
  readBatchLength,
  readLastOffsetDelta,
  readMagic,
  readMaxTimestamp,
  readPartitionLeaderEpoch,
  readProducerEpoch,
  readProducerId,
  readRecordsCount,
  RECORD_BATCH_OVERHEAD,
  RecordBatchError,
} from '../../protocol/records/index.js';
import type { ReadAllocator } from './read-buffer-pool.js';

/** The header fields of one batch stored in a file, with offsets as numbers. */
export interface FileBatch {
  /** Byte position of the batch in the file. */
  position: number;
  /** Total size of the batch (batchLength + 12). */
  size: number;
  baseOffset: number;
  lastOffset: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** Window used for header scans; batches larger than this are read on their own. */
const WINDOW_SIZE = 64 * 1024;

/** Converts an int64 offset read from a batch to a number, refusing values beyond 2^53. */
export function offsetToNumber(value: bigint, what = 'offset'): number {
  if (value > MAX_SAFE_OFFSET || value < -MAX_SAFE_OFFSET) {
    throw new RangeError(`${what} ${value} is beyond 2^53, which Samsa does not support`);
  }
  return Number(value);
}

export class FileRecords {
  private fd: number | null;
  private bytes: number;
  private window = Buffer.alloc(0);
  private windowStart = 0;
  private windowLength = 0;
  /** Where `locate` found the bytes asked for. */
  private locatedBuf: Buffer = this.window;
  private locatedAt = 0;
  /**
   * Size and offsets of the batch `findBatch` or `hasBatchAt` last found: overwritten by every
   * call (the fetch path reads them without an object per batch).
   */
  readonly found = { size: 0, baseOffset: 0, lastOffset: 0 };

  private constructor(
    private filePath: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.bytes = size;
  }

  /** Opens (creating it if needed) the file at `path`. */
  static open(path: string): FileRecords {
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    return new FileRecords(path, fd, fstatSync(fd).size);
  }

  get path(): string {
    return this.filePath;
  }

  /** Bytes in the file. */
  get size(): number {
    return this.bytes;
  }

  /** Appends `data` at the end of the file; returns the position it was written at. */
  append(data: Uint8Array): number {
    const fd = this.openFd();
    const position = this.bytes;
    let written = 0;
    try {
      while (written < data.length) written += writeSync(fd, data, written, data.length - written, position + written);
    } catch (err) {
      // Leave no partial batch behind when we can help it.
      try {
        ftruncateSync(fd, position);
      } catch {
        // The caller reports the original error.
      }
      throw err;
    }
    this.bytes += data.length;
    return position;
  }

  /**
   * `length` bytes from `position` (fewer if the file ends first), in a buffer from `allocate`
   * (default: a fresh one).
   */
  read(position: number, length: number, allocate: ReadAllocator = Buffer.allocUnsafe): Buffer {
    const len = Math.max(0, Math.min(length, this.bytes - position));
    const out = allocate(len);
    const inWindow = position - this.windowStart;
    if (inWindow >= 0 && inWindow + len <= this.windowLength) {
      // The batch search just read these bytes (a fetch at the log end, say): copy them rather
      // than read them again. The window only ever holds bytes below the end of the file, which
      // appends do not change, and a truncation empties it.
      this.window.copy(out, 0, inWindow, inWindow + len);
    } else {
      this.readInto(out, 0, len, position);
    }
    return out;
  }

  private readInto(buf: Buffer, offset: number, length: number, position: number): number {
    const fd = this.openFd();
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /**
   * A buffer and an offset in it where bytes [position, position + length) of the file are,
   * served from the window when possible. Returns null when the file ends first.
   */
  private view(position: number, length: number): { buf: Buffer; at: number } | null {
    return this.locate(position, length) ? { buf: this.locatedBuf, at: this.locatedAt } : null;
  }

  /** `view` without a result object: sets `locatedBuf` and `locatedAt`; false when the file ends first. */
  private locate(position: number, length: number): boolean {
    if (position + length > this.bytes) return false;
    if (position >= this.windowStart && position + length <= this.windowStart + this.windowLength) {
      this.locatedBuf = this.window;
      this.locatedAt = position - this.windowStart;
      return true;
    }
    if (length > WINDOW_SIZE) {
      const own = Buffer.allocUnsafe(length);
      if (this.readInto(own, 0, length, position) < length) return false;
      this.locatedBuf = own;
      this.locatedAt = 0;
      return true;
    }
    if (this.window.length === 0) this.window = Buffer.allocUnsafe(WINDOW_SIZE);
    const want = Math.min(WINDOW_SIZE, this.bytes - position);
    this.windowStart = position;
    this.windowLength = this.readInto(this.window, 0, want, position);
    if (this.windowLength < length) return false;
    this.locatedBuf = this.window;
    this.locatedAt = 0;
    return true;
  }

  /**
   * Whether a plausible batch starts at `position` (exactly when `batchAt(position)` is not
   * null), without allocating; its size and offsets are then in `found`.
   */
  hasBatchAt(position: number): boolean {
    if (!this.locate(position, RECORD_BATCH_OVERHEAD)) return false;
    const buf = this.locatedBuf;
    const at = this.locatedAt;
    const size = readBatchLength(buf, at) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || position + size > this.bytes || readMagic(buf, at) !== MAGIC_V2) return false;
    const high = buf.readInt32BE(at);
    const lastOffsetDelta = readLastOffsetDelta(buf, at);
    let baseOffset: number;
    if (high >= 0 && high < 0x200000) {
      // Below 2^53: exact as a number; a sum above 2^53 - 1 compares as above it even when rounded.
      baseOffset = high * 0x100000000 + buf.readUInt32BE(at + 4);
      if (baseOffset + lastOffsetDelta > Number.MAX_SAFE_INTEGER) return false;
    } else {
      // Negative or huge (garbage): decide exactly as batchAt does.
      const b = this.batchAt(position);
      if (b === null) return false;
      baseOffset = b.baseOffset;
    }
    this.found.size = size;
    this.found.baseOffset = baseOffset;
    this.found.lastOffset = baseOffset + lastOffsetDelta;
    return true;
  }

  /**
   * The position of the first batch from `position` on whose last offset is >= `offset`, as a
   * scan of `batchesFrom(position)` finds it, without allocating (its size and offsets are then
   * in `found`); -1 when there is none.
   */
  findBatch(position: number, offset: number): number {
    let pos = position;
    while (pos < this.bytes) {
      if (!this.hasBatchAt(pos)) return -1;
      if (this.found.lastOffset >= offset) return pos;
      pos += this.found.size;
    }
    return -1;
  }

  /**
   * The header of the batch at `position`, or null when no plausible whole batch starts there
   * (fewer than 61 bytes left, a length below the header size or past the end of the file, or a
   * magic other than 2). The CRC is not checked.
   */
  batchAt(position: number): FileBatch | null {
    const v = this.view(position, RECORD_BATCH_OVERHEAD);
    if (v === null) return null;
    const { buf, at } = v;
    const size = readBatchLength(buf, at) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || position + size > this.bytes || readMagic(buf, at) !== MAGIC_V2) return null;
    const rawBase = readBaseOffset(buf, at);
    const lastOffsetDelta = readLastOffsetDelta(buf, at);
    // Offsets beyond 2^53 (or negative) never come from this broker: treat them as garbage.
    if (rawBase < 0n || rawBase + BigInt(lastOffsetDelta) > MAX_SAFE_OFFSET) return null;
    const baseOffset = Number(rawBase);
    return {
      position,
      size,
      baseOffset,
      lastOffset: baseOffset + lastOffsetDelta,
      lastOffsetDelta,
      maxTimestamp: Number(readMaxTimestamp(buf, at)),
      partitionLeaderEpoch: readPartitionLeaderEpoch(buf, at),
      attributes: readAttributes(buf, at),
      producerId: readProducerId(buf, at),
      producerEpoch: readProducerEpoch(buf, at),
      baseSequence: readBaseSequence(buf, at),
      recordsCount: readRecordsCount(buf, at),
    };
  }

  /** Batch headers from `position` on, stopping at the end of the file or at the first implausible batch. */
  *batchesFrom(position = 0): Generator<FileBatch, void, undefined> {
    let pos = position;
    while (pos < this.bytes) {
      const b = this.batchAt(pos);
      if (b === null) return;
      yield b;
      pos += b.size;
    }
  }

  /**
   * Fully checks the batch at `position` (framing, magic, CRC-32C) and returns its header, or
   * the RecordBatchError describing why it is invalid (TRUNCATED when the file ends inside it).
   */
  checkBatch(position: number): FileBatch | RecordBatchError {
    const head = this.bytes - position < LOG_OVERHEAD ? null : this.view(position, LOG_OVERHEAD);
    if (head === null) {
      return new RecordBatchError('TRUNCATED', `${this.bytes - position} bytes left at position ${position}`, { position });
    }
    const size = readBatchLength(head.buf, head.at) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD) {
      return new RecordBatchError('BAD_LENGTH', `batch size ${size} at position ${position} is below the header size`, { position });
    }
    if (position + size > this.bytes) {
      return new RecordBatchError('TRUNCATED', `batch of ${size} bytes at position ${position} passes the end of the file (${this.bytes})`, { position });
    }
    const v = this.view(position, size);
    if (v === null) return new RecordBatchError('TRUNCATED', `cannot read ${size} bytes at position ${position}`, { position });
    try {
      checkBatchAt(v.buf.subarray(v.at, v.at + size), 0, { trailingPartial: 'reject' });
    } catch (err) {
      if (err instanceof RecordBatchError) return err;
      throw err;
    }
    const b = this.batchAt(position);
    if (b === null) return new RecordBatchError('BAD_LENGTH', `unreadable batch at position ${position}`, { position });
    return b;
  }

  /** The whole bytes of `batch` (a fresh Buffer, or one from `allocate`). */
  readBatch(batch: FileBatch, allocate?: ReadAllocator): Buffer {
    return this.read(batch.position, batch.size, allocate);
  }

  /** Cuts the file to `size` bytes (no-op when it is not longer). Returns the bytes removed. */
  truncateTo(size: number): number {
    if (size >= this.bytes) return 0;
    const removed = this.bytes - size;
    ftruncateSync(this.openFd(), size);
    this.bytes = size;
    this.windowLength = 0;
    return removed;
  }

  flush(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  /** Modification time of the file, in ms. */
  lastModified(): number {
    return fstatSync(this.openFd()).mtimeMs;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.window = Buffer.alloc(0);
    this.windowLength = 0;
  }

  deleteFile(): void {
    this.close();
    rmSync(this.filePath, { force: true });
  }

  renameTo(newPath: string): void {
    this.close();
    renameSync(this.filePath, newPath);
    this.filePath = newPath;
  }

  private openFd(): number {
    if (this.fd === null) this.fd = openSync(this.filePath, constants.O_RDWR | constants.O_CREAT, 0o644);
    return this.fd;
  }
}
