import { murmur2, toPositive } from './murmur2.js';
import type { PartitionerArgs } from './producer-types.js';

const utf8 = new TextEncoder();

/** Key bytes as the producer serializes them (strings as UTF-8). */
export function keyBytes(key: Buffer | Uint8Array | string | null | undefined): Uint8Array | null {
  if (key === null || key === undefined) return null;
  return typeof key === 'string' ? utf8.encode(key) : key;
}

/** The partition of a keyed record in the Java client (and librdkafka's `murmur2_random`): over all partitions. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

/**
 * The Java client's default partitioner: an explicit partition wins; a key goes to
 * `toPositive(murmur2(key)) % partitionCount`; a record without a key goes to the topic's sticky
 * partition (KIP-480), a random available partition kept until the producer starts a new batch
 * for it, when `onNewBatch` moves the topic to another one.
 */
export class DefaultPartitioner {
  private readonly sticky = new Map<string, number>();
  constructor(private readonly random: () => number = Math.random) {}

  partition(args: PartitionerArgs): number {
    const { message, partitionMetadata } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const key = keyBytes(message.key);
    if (key !== null) return partitionForKey(key, partitionMetadata.length);
    return this.stickyPartition(args.topic, partitionMetadata);
  }

  /** Whether `partition()` gave a sticky (keyless, unpinned) choice for this message. */
  isSticky(message: PartitionerArgs['message']): boolean {
    return (message.partition === undefined || message.partition === null) && keyBytes(message.key) === null;
  }

  /** A new batch is being started on `previous`: if it is the sticky partition, pick another. */
  onNewBatch(topic: string, partitionMetadata: PartitionerArgs['partitionMetadata'], previous: number): number {
    const current = this.sticky.get(topic);
    if (current === undefined || current === previous) {
      const available = partitionMetadata.filter((p) => p.leader >= 0 && p.partitionId !== previous);
      const pool = available.length > 0 ? available : partitionMetadata.filter((p) => p.partitionId !== previous);
      const next = pool.length > 0 ? pool[Math.floor(this.random() * pool.length)]!.partitionId : previous;
      this.sticky.set(topic, next);
      return next;
    }
    return current;
  }

  private stickyPartition(topic: string, partitionMetadata: PartitionerArgs['partitionMetadata']): number {
    const current = this.sticky.get(topic);
    if (current !== undefined && current < partitionMetadata.length) return current;
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    const next = pool[Math.floor(this.random() * pool.length)]!.partitionId;
    this.sticky.set(topic, next);
    return next;
  }
}
