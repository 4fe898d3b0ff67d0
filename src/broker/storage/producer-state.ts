/**
 * Idempotent-producer state of one partition (Kafka's ProducerStateManager): for each producer id,
 * its epoch and the metadata of its last 5 batches (sequence range, offset range, timestamp).
 * The leader checks every batch of an idempotent producer against it:
 *
 * - a batch equal to one of the last 5 (same epoch and sequence range) is a retry: it is not
 *   appended again, and the original offsets are answered (duplicate);
 * - an older epoch is INVALID_PRODUCER_EPOCH;
 * - a newer epoch must start at sequence 0 (unless the producer had no epoch yet), and within an
 *   epoch each batch must start right after the previous one's last sequence (wrapping from
 *   Int32 max to 0); otherwise OUT_OF_ORDER_SEQUENCE_NUMBER. A producer this partition has never
 *   seen may start at any sequence (KIP-360).
 *
 * The state is saved in `<offset>.snapshot` files (RECORDS.md section 5: version 1, CRC-32C,
 * 46-byte entries), named after the log end offset they cover, when a segment is rolled and when
 * the log is closed; at open the latest snapshot is loaded and the log after it is replayed.
 * Kafka's snapshot entry holds one batch per producer; Samsa writes up to 5 entries per producer,
 * oldest first, so that its own reader gets the whole window back while Kafka's reader (the last
 * entry for an id wins) still reads the latest batch.
 */
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { crc32c } from '../../protocol/records/index.js';
import { writeFileAtomically } from './checkpoint-file.js';
import { filenamePrefixFromOffset } from './log-segment.js';

export const SNAPSHOT_FILE_SUFFIX = '.snapshot';
/** Batches remembered per producer for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const NUM_BATCHES_TO_RETAIN = 5;
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER_SIZE = 2 + 4 + 4;
const SNAPSHOT_ENTRY_SIZE = 46;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's maxTimestamp. */
  timestamp: number;
}

export interface ProducerStateEntry {
  producerId: bigint;
  producerEpoch: number;
  /** The last batches, oldest first (at most NUM_BATCHES_TO_RETAIN). */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, or -1 (transactions are not tracked yet). */
  currentTxnFirstOffset: number;
  /** Timestamp of the last batch (for producer-id expiration). */
  lastTimestamp: number;
}

/** The producer fields of one batch (from its header). */
export interface ProducerBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

/** A batch as appended, with its offsets. */
export interface AppendedProducerBatch extends ProducerBatch {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export type ProducerAppendCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; batch: BatchMetadata }
  | { kind: 'error'; error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH'; message: string };

/** Sequence `seq` advanced by `increment`, wrapping past Int32 max to 0 (Kafka's incrementSequence). */
export function incrementSequence(seq: number, increment: number): number {
  if (seq > INT32_MAX - increment) return increment - (INT32_MAX - seq) - 1;
  return seq + increment;
}

/** Sequence `seq` moved back by `decrement`, wrapping below 0 to Int32 max (Kafka's decrementSequence). */
export function decrementSequence(seq: number, decrement: number): number {
  if (seq < decrement) return INT32_MAX - (decrement - seq) + 1;
  return seq - decrement;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function lastSeqOf(entry: ProducerStateEntry): number {
  const last = entry.batches[entry.batches.length - 1];
  return last === undefined ? -1 : last.lastSeq;
}

const OK_CHECK: ProducerAppendCheck = Object.freeze({ kind: 'ok' });

export class ProducerStateManager {
  private producers = new Map<bigint, ProducerStateEntry>();
  /** The log offset up to which the state is built (exclusive). */
  private lastMapOffset = 0;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The offset (exclusive) up to which batches have been applied. */
  get mapEndOffset(): number {
    return this.lastMapOffset;
  }

  /** Producers with state, by id. */
  activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producers;
  }

  lastEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Checks the idempotent batches of one leader append, in order (later batches of the same
   * producer are checked against the earlier ones). Non-idempotent batches (producerId -1) are
   * skipped. Nothing is changed: call `update` for each batch once it is appended.
   */
  validateAppend(batches: readonly ProducerBatch[]): ProducerAppendCheck {
    // Created on the first idempotent batch: appends without producer ids allocate nothing here.
    let pending: Map<bigint, { epoch: number; lastSeq: number }> | undefined;
    for (const b of batches) {
      if (b.producerId < 0n) continue;
      pending ??= new Map();
      const current = this.producers.get(b.producerId);
      const lastSeq = incrementSequence(b.baseSequence, b.lastOffsetDelta);
      if (current !== undefined && !pending.has(b.producerId) && current.producerEpoch === b.producerEpoch) {
        const dup = current.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === lastSeq);
        if (dup !== undefined) return { kind: 'duplicate', batch: { ...dup } };
      }
      const p = pending.get(b.producerId);
      const knownEpoch = p?.epoch ?? current?.producerEpoch ?? -1;
      if (b.producerEpoch < knownEpoch) {
        return {
          kind: 'error',
          error: 'INVALID_PRODUCER_EPOCH',
          message: `Epoch of producer ${b.producerId} is ${b.producerEpoch}, which is smaller than the last seen epoch ${knownEpoch}`,
        };
      }
      if (b.producerEpoch !== knownEpoch) {
        if (b.baseSequence !== 0 && knownEpoch !== -1) {
          return {
            kind: 'error',
            error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
            message: `Invalid sequence number for new epoch of producer ${b.producerId}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${knownEpoch} (current producer epoch)`,
          };
        }
      } else {
        const currentLastSeq = p !== undefined ? p.lastSeq : current !== undefined ? lastSeqOf(current) : -1;
        const noCurrentEpoch = current === undefined || current.producerEpoch === -1;
        if (!noCurrentEpoch && !inSequence(currentLastSeq, b.baseSequence)) {
          return {
            kind: 'error',
            error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
            message: `Out of order sequence number for producer ${b.producerId}: ${b.baseSequence} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
          };
        }
      }
      pending.set(b.producerId, { epoch: b.producerEpoch, lastSeq });
    }
    return OK_CHECK;
  }

  /** Applies an appended batch (leader, follower, recovery and replay paths alike). */
  update(b: AppendedProducerBatch): void {
    if (b.producerId >= 0n) {
      let entry = this.producers.get(b.producerId);
      if (entry === undefined) {
        entry = { producerId: b.producerId, producerEpoch: b.producerEpoch, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: -1 };
        this.producers.set(b.producerId, entry);
      }
      if (entry.producerEpoch !== b.producerEpoch) {
        entry.producerEpoch = b.producerEpoch;
        entry.batches = [];
      }
      if (b.baseSequence >= 0) {
        entry.batches.push({
          firstSeq: b.baseSequence,
          lastSeq: incrementSequence(b.baseSequence, b.lastOffsetDelta),
          firstOffset: b.firstOffset,
          lastOffset: b.lastOffset,
          timestamp: b.maxTimestamp,
        });
        if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
      }
      entry.lastTimestamp = b.maxTimestamp;
    }
    if (b.lastOffset + 1 > this.lastMapOffset) this.lastMapOffset = b.lastOffset + 1;
  }

  /** Records that the state covers the log up to `offset` (exclusive). */
  updateMapEndOffset(offset: number): void {
    this.lastMapOffset = offset;
  }

  /** Forgets producers whose last batch is older than `expirationMs` (producer.id.expiration.ms). Returns how many. */
  removeExpiredProducers(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Writes `<mapEndOffset>.snapshot` atomically. */
  takeSnapshot(): void {
    const entries: Array<{ e: ProducerStateEntry; b: BatchMetadata | null }> = [];
    for (const e of this.producers.values()) {
      if (e.batches.length === 0) entries.push({ e, b: null });
      for (const b of e.batches) entries.push({ e, b });
    }
    const buf = Buffer.alloc(SNAPSHOT_HEADER_SIZE + entries.length * SNAPSHOT_ENTRY_SIZE);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(entries.length, 6);
    let pos = SNAPSHOT_HEADER_SIZE;
    for (const { e, b } of entries) {
      buf.writeBigInt64BE(e.producerId, pos);
      buf.writeInt16BE(e.producerEpoch, pos + 8);
      buf.writeInt32BE(b === null ? -1 : b.lastSeq, pos + 10);
      buf.writeBigInt64BE(BigInt(b === null ? -1 : b.lastOffset), pos + 14);
      buf.writeInt32BE(b === null ? 0 : b.lastOffset - b.firstOffset, pos + 22);
      buf.writeBigInt64BE(BigInt(b === null ? e.lastTimestamp : b.timestamp), pos + 26);
      buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
      buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), pos + 38);
      pos += SNAPSHOT_ENTRY_SIZE;
    }
    buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
    writeFileAtomically(this.snapshotPath(this.lastMapOffset), buf);
  }

  /** Offsets of the snapshot files in the directory, ascending. */
  snapshotOffsets(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d{20})\.snapshot$/.exec(name);
      if (m !== null) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Replaces the state with the latest readable snapshot at or below `logEndOffset`; snapshots
   * above it are stale (the log was truncated) and deleted, as are unreadable ones. Without a
   * snapshot the state is empty from `logStartOffset`. The caller then replays the log from
   * `mapEndOffset`.
   */
  loadLatestSnapshot(logStartOffset: number, logEndOffset: number): void {
    this.producers = new Map();
    this.lastMapOffset = logStartOffset;
    const offsets = this.snapshotOffsets();
    for (const o of offsets) if (o > logEndOffset) this.deleteSnapshot(o);
    const usable = offsets.filter((o) => o <= logEndOffset).reverse();
    for (const o of usable) {
      const loaded = this.readSnapshot(o);
      if (loaded === null) {
        this.deleteSnapshot(o);
        continue;
      }
      this.producers = loaded;
      this.lastMapOffset = Math.max(o, logStartOffset);
      return;
    }
  }

  private readSnapshot(offset: number): Map<bigint, ProducerStateEntry> | null {
    const path = this.snapshotPath(offset);
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      this.logger.warn({ err, path }, 'cannot read producer snapshot');
      return null;
    }
    const bad = (why: string): null => {
      this.logger.warn({ path }, `ignoring corrupt producer snapshot: ${why}`);
      return null;
    };
    if (buf.length < SNAPSHOT_HEADER_SIZE) return bad('too short');
    const version = buf.readInt16BE(0);
    if (version !== SNAPSHOT_VERSION) return bad(`version ${version}`);
    if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) return bad('CRC mismatch');
    const count = buf.readInt32BE(6);
    if (count < 0 || buf.length !== SNAPSHOT_HEADER_SIZE + count * SNAPSHOT_ENTRY_SIZE) return bad(`entry count ${count} does not match the size`);
    const out = new Map<bigint, ProducerStateEntry>();
    let pos = SNAPSHOT_HEADER_SIZE;
    for (let i = 0; i < count; i++, pos += SNAPSHOT_ENTRY_SIZE) {
      const producerId = buf.readBigInt64BE(pos);
      const producerEpoch = buf.readInt16BE(pos + 8);
      const lastSeq = buf.readInt32BE(pos + 10);
      const lastOffset = Number(buf.readBigInt64BE(pos + 14));
      const offsetDelta = buf.readInt32BE(pos + 22);
      const timestamp = Number(buf.readBigInt64BE(pos + 26));
      const coordinatorEpoch = buf.readInt32BE(pos + 34);
      const currentTxnFirstOffset = Number(buf.readBigInt64BE(pos + 38));
      let entry = out.get(producerId);
      if (entry === undefined || entry.producerEpoch !== producerEpoch) {
        entry = { producerId, producerEpoch, batches: [], coordinatorEpoch, currentTxnFirstOffset, lastTimestamp: timestamp };
        out.set(producerId, entry);
      }
      entry.coordinatorEpoch = coordinatorEpoch;
      entry.currentTxnFirstOffset = currentTxnFirstOffset;
      entry.lastTimestamp = timestamp;
      if (lastSeq >= 0 && lastOffset >= 0) {
        entry.batches.push({
          firstSeq: decrementSequence(lastSeq, offsetDelta),
          lastSeq,
          firstOffset: lastOffset - offsetDelta,
          lastOffset,
          timestamp,
        });
        if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
      }
    }
    return out;
  }

  /** Deletes every snapshot below `offset`. */
  deleteSnapshotsBefore(offset: number): void {
    for (const o of this.snapshotOffsets()) if (o < offset) this.deleteSnapshot(o);
  }

  /** Deletes every snapshot above `offset`. */
  deleteSnapshotsAfter(offset: number): void {
    for (const o of this.snapshotOffsets()) if (o > offset) this.deleteSnapshot(o);
  }

  /** Forgets everything: the log was emptied and restarts at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    for (const o of this.snapshotOffsets()) this.deleteSnapshot(o);
    this.producers = new Map();
    this.lastMapOffset = offset;
  }

  private deleteSnapshot(offset: number): void {
    rmSync(this.snapshotPath(offset), { force: true });
  }

  private snapshotPath(offset: number): string {
    return join(this.dir, filenamePrefixFromOffset(offset) + SNAPSHOT_FILE_SUFFIX);
  }
}
