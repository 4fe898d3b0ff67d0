import type { RecordInput } from '../../protocol/records/record.js';
import { RECORD_BATCH_OVERHEAD } from '../../protocol/records/record-batch-header.js';

/** What a delivered batch resolves with (offsets are -1 when unknown, e.g. acks=0). */
export interface BatchResult {
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
}

/** The settings records must share to go in the same batch (they share one Produce request). */
export interface BatchSettings {
  acks: number;
  timeout: number;
  codec: number;
}

/**
 * A batch of records for one partition, from its first append until it is acknowledged or fails.
 * Its producer epoch and base sequence are stamped when it is first sent (and again after an
 * epoch bump); retries of the same epoch keep them, so the broker can recognise duplicates.
 */
export class ProducerBatch {
  readonly records: RecordInput[] = [];
  /** Uncompressed size estimate (header + records). */
  sizeBytes = RECORD_BATCH_OVERHEAD;
  /** No more appends once closed (full, or sent). */
  closed = false;
  producerId = -1n;
  producerEpoch = -1;
  baseSequence = -1;
  /** Sends so far. */
  attempts = 0;
  /** Not to be sent again before this time (ms). */
  retryAt = 0;
  lastError: Error | undefined;
  /** Built bytes for the current stamp (rebuilt only when the stamp changes). */
  built: Uint8Array | undefined;
  builtFor = '';
  readonly done: Promise<BatchResult>;
  resolve!: (result: BatchResult) => void;
  reject!: (error: Error) => void;
  settled = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly settings: BatchSettings,
    readonly createdAt: number,
  ) {
    this.done = new Promise<BatchResult>((resolve, reject) => {
      this.resolve = (r) => {
        this.settled = true;
        resolve(r);
      };
      this.reject = (e) => {
        this.settled = true;
        reject(e);
      };
    });
    // Callers attach their own handlers; an unobserved failure must not crash the process.
    this.done.catch(() => undefined);
  }

  /** Whether the batch accepts `settings` and `bytes` more (a first record is always accepted). */
  accepts(settings: BatchSettings, bytes: number, batchSize: number): boolean {
    if (this.closed) return false;
    const s = this.settings;
    if (s.acks !== settings.acks || s.timeout !== settings.timeout || s.codec !== settings.codec) return false;
    return this.records.length === 0 || this.sizeBytes + bytes <= batchSize;
  }

  append(record: RecordInput, bytes: number): number {
    this.records.push(record);
    this.sizeBytes += bytes;
    return this.records.length - 1;
  }
}

/** Per-partition producer state: the batches waiting, in flight, and the next sequence number. */
export class PartitionQueue {
  /** Batches not yet sent (or put back for a retry), in sequence order; the last may be open. */
  readonly queue: ProducerBatch[] = [];
  /** Batches sent and awaiting their response, in send order. */
  readonly inFlight: ProducerBatch[] = [];
  /** In-flight batches that failed retriably: put back (in order) once the partition has nothing in flight. */
  readonly failed: ProducerBatch[] = [];
  nextSequence = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get openBatch(): ProducerBatch | undefined {
    const last = this.queue[this.queue.length - 1];
    return last !== undefined && !last.closed ? last : undefined;
  }

  /** Moves failed batches back to the head of the queue, oldest sequence first, once nothing is in flight. */
  requeueFailed(): void {
    if (this.failed.length === 0 || this.inFlight.length > 0) return;
    const back = this.failed.splice(0).sort((a, b) => a.baseSequence - b.baseSequence || a.createdAt - b.createdAt);
    this.queue.unshift(...back);
  }

  get isEmpty(): boolean {
    return this.queue.length === 0 && this.inFlight.length === 0 && this.failed.length === 0;
  }
}

/** Rough serialized size of a record, for batch.size: its fields plus varint overheads. */
export function estimateRecordBytes(record: RecordInput): number {
  let n = 21 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const h of record.headers ?? []) n += 10 + h.key.length * 3 + (h.value?.length ?? 0);
  return n;
}
