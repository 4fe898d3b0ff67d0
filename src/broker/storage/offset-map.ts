/**
 * The log cleaner's key → latest offset map (Kafka's OffsetMap), built over the dirty section of
 * a log. Kafka's SkimpyOffsetMap stores MD5 hashes of keys in a fixed buffer; this one keys a
 * JS Map by the exact key bytes (as a latin1 string, one char per byte), so two keys can never
 * be confused, and bounds its memory by an estimate of what each entry costs
 * (`log.cleaner.dedupe.buffer.size`).
 */

/** Estimated bytes of one entry beyond its key: the Map slot, the string header, the number. */
export const OFFSET_MAP_ENTRY_OVERHEAD = 64;

export class OffsetMap {
  private readonly entries = new Map<string, number>();
  private usedBytes = 0;
  /** The last offset the map covers (the last offset of the last batch mapped), or -1. */
  latestOffset = -1;

  /** `maxBytes`: the memory the map may use (log.cleaner.dedupe.buffer.size). */
  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`the offset map needs a positive size, not ${maxBytes}`);
  }

  /** Number of keys. */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes in use. */
  get bytes(): number {
    return this.usedBytes;
  }

  /** True when the estimate has reached the limit: the caller stops mapping before the next batch. */
  get isFull(): boolean {
    return this.usedBytes >= this.maxBytes;
  }

  /** The map key for `data[start, start + length)`. */
  static keyOf(data: Uint8Array, start: number, length: number): string {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return buf.toString('latin1', start, start + length);
  }

  /** Records that `key` (a keyOf string) was seen at `offset` (offsets only grow). */
  put(key: string, offset: number): void {
    const before = this.entries.size;
    this.entries.set(key, offset);
    if (this.entries.size !== before) this.usedBytes += key.length + OFFSET_MAP_ENTRY_OVERHEAD;
  }

  /** The latest offset recorded for `key`, or -1. */
  get(key: string): number {
    return this.entries.get(key) ?? -1;
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
    this.latestOffset = -1;
  }
}
