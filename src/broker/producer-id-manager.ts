import type { MetadataStore } from './metadata/metadata-store.js';

const BLOCK_SIZE = 1000;

/** Hands out producer ids for InitProducerId from blocks reserved in the metadata store (as Kafka's ZK mode). */
export class ProducerIdManager {
  private next = 0n;
  private end = 0n;
  private pending: Promise<void> | null = null;

  constructor(private readonly metadata: MetadataStore) {}

  async nextProducerId(): Promise<bigint> {
    while (this.next >= this.end) {
      // Cleared however it ends: a block that could not be stored (a full disk) is asked for again
      // by the next InitProducerId rather than failing every later one.
      this.pending ??= this.metadata
        .allocateProducerIds(BLOCK_SIZE)
        .then((block) => {
          this.next = block.firstProducerId;
          this.end = block.firstProducerId + BigInt(block.count);
        })
        .finally(() => {
          this.pending = null;
        });
      await this.pending;
    }
    return this.next++;
  }
}
