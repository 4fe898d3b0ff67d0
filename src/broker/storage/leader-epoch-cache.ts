/**
 * The leader-epoch history of one partition (Kafka's LeaderEpochFileCache): for each leader epoch,
 * the first offset written in it, in ascending order of both. Persisted in the partition's
 * `leader-epoch-checkpoint` (text checkpoint, version 0, lines `<epoch> <startOffset>`) on every
 * change; changes are rare (once per leadership change, and on truncation).
 *
 * Followers use it (OffsetForLeaderEpoch) to find where their log diverges from the leader's.
 */
import { join } from 'node:path';
import { CheckpointFile, parseStrictInt, type CheckpointFormatter } from './checkpoint-file.js';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

const epochEntryFormatter: CheckpointFormatter<EpochEntry> = {
  format: (e) => `${e.epoch} ${e.startOffset}`,
  parse(line) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) return null;
    const epoch = parseStrictInt(parts[0]!);
    const startOffset = parseStrictInt(parts[1]!);
    if (epoch === null || startOffset === null || epoch < 0 || startOffset < 0) return null;
    return { epoch, startOffset };
  },
};

export class LeaderEpochCache {
  private entries: EpochEntry[];
  private readonly file: CheckpointFile<EpochEntry>;

  /** Loads the partition directory's `leader-epoch-checkpoint` (none: an empty history). */
  constructor(dir: string) {
    this.file = new CheckpointFile(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 0, epochEntryFormatter);
    this.entries = this.file.read();
    // Keep only a well-ordered history, whatever the file said.
    const clean: EpochEntry[] = [];
    for (const e of this.entries) {
      const last = clean[clean.length - 1];
      if (last === undefined || (e.epoch > last.epoch && e.startOffset >= last.startOffset)) clean.push(e);
    }
    if (clean.length !== this.entries.length) {
      this.entries = clean;
      this.flush();
    }
  }

  /** A copy of the history, oldest first. */
  epochEntries(): EpochEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** The latest epoch, or UNDEFINED_EPOCH (-1) when the history is empty. */
  get latestEpoch(): number {
    return this.entries.length === 0 ? UNDEFINED_EPOCH : this.entries[this.entries.length - 1]!.epoch;
  }

  /**
   * Records that `epoch` starts at `startOffset`. A no-op for the latest epoch or an older one;
   * an entry that conflicts (same or later epoch, or a start offset at or after `startOffset`)
   * is removed first, as in Kafka.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const latest = this.entries[this.entries.length - 1];
    if (latest !== undefined && epoch <= latest.epoch) return;
    this.entries = this.entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.entries.push({ epoch, startOffset });
    this.flush();
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= `requestedEpoch` and the end offset of that epoch
   * (the start offset of the next epoch, or `logEndOffset` for the latest one). Returns
   * (-1, -1) when the requested epoch is undefined or after every known epoch.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requestedEpoch === UNDEFINED_EPOCH || this.entries.length === 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === this.latestEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.entries.find((e) => e.epoch > requestedEpoch);
    if (higher === undefined) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    let floor: EpochEntry | undefined;
    for (const e of this.entries) if (e.epoch <= requestedEpoch) floor = e;
    if (floor === undefined) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: floor.epoch, endOffset: higher.startOffset };
  }

  /** Removes the epochs starting at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.flush();
  }

  /**
   * The log now starts at `startOffset`: drops the epochs that ended before it, and moves the
   * start of the epoch that covers it up to it.
   */
  truncateFromStart(startOffset: number): void {
    let lastBelow = -1;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]!.startOffset <= startOffset) lastBelow = i;
    if (lastBelow < 0) return;
    const covering = this.entries[lastBelow]!;
    if (lastBelow === 0 && covering.startOffset === startOffset) return;
    this.entries = [{ epoch: covering.epoch, startOffset }, ...this.entries.slice(lastBelow + 1)];
    this.flush();
  }

  /** Empties the history (the log was emptied). */
  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.flush();
  }

  private flush(): void {
    this.file.write(this.entries);
  }
}
