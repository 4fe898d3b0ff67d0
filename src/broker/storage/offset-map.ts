/**
 * The log cleaner's key → latest offset map (Kafka's OffsetMap), built over the dirty section of
 * a log. Kafka's SkimpyOffsetMap keeps MD5 hashes of the keys in a fixed buffer; this one keeps
 * the exact key bytes (so two keys can never be confused): an open-addressing hash table of
 * typed arrays (hash, key position, key length, offset per slot) over an arena holding the keys
 * one after another. Its memory, slots and arena together, is bounded by `maxBytes`
 * (`log.cleaner.dedupe.buffer.size`): once that is reached the map reports itself full and the
 * cleaner maps no further batch in this pass.
 */
import { Buffer } from 'node:buffer';

/** Bytes of one slot: hash, key position, key length (int32 each) and offset (float64). */
const SLOT_BYTES = 4 + 4 + 4 + 8;
const INITIAL_SLOTS = 1024;
const INITIAL_ARENA = 64 * 1024;

/** FNV-1a over data[start, start + length). */
function hashBytes(data: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  const end = start + length;
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  // Mix the high bits down: the table index takes the low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

export class OffsetMap {
  private slotHash = new Int32Array(INITIAL_SLOTS);
  /** Key position in the arena, or -1 for an empty slot. */
  private slotKeyPos = new Int32Array(INITIAL_SLOTS).fill(-1);
  private slotKeyLen = new Int32Array(INITIAL_SLOTS);
  private slotOffset = new Float64Array(INITIAL_SLOTS);
  private arena = Buffer.allocUnsafe(INITIAL_ARENA);
  private arenaUsed = 0;
  private count = 0;
  /** The last offset the map covers (the last offset of the last batch mapped), or -1. */
  latestOffset = -1;

  /** `maxBytes`: the memory the map may use (log.cleaner.dedupe.buffer.size). */
  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`the offset map needs a positive size, not ${maxBytes}`);
  }

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** Bytes in use: the slots (allocated for twice the keys at most) and the key bytes. */
  get bytes(): number {
    return this.slotKeyPos.length * SLOT_BYTES + this.arenaUsed;
  }

  /** True once the memory limit is reached, or the next growth of the table would pass it: the cleaner maps no further batch. */
  get isFull(): boolean {
    const slots = this.slotKeyPos.length;
    const nextSlots = (this.count + 1) * 2 > slots ? slots * 2 : slots;
    return nextSlots * SLOT_BYTES + this.arenaUsed >= this.maxBytes;
  }

  /** Records that the key `data[start, start + length)` was seen at `offset` (later offsets replace earlier ones). */
  put(data: Uint8Array, start: number, length: number, offset: number): void {
    if ((this.count + 1) * 2 > this.slotKeyPos.length) this.grow();
    const h = hashBytes(data, start, length);
    const slot = this.find(h, data, start, length);
    if (this.slotKeyPos[slot]! >= 0) {
      this.slotOffset[slot] = offset;
      return;
    }
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    this.arena.set(data.subarray(start, start + length), this.arenaUsed);
    this.slotHash[slot] = h;
    this.slotKeyPos[slot] = this.arenaUsed;
    this.slotKeyLen[slot] = length;
    this.slotOffset[slot] = offset;
    this.arenaUsed += length;
    this.count++;
  }

  /** The latest offset recorded for the key `data[start, start + length)`, or -1. */
  get(data: Uint8Array, start: number, length: number): number {
    const slot = this.find(hashBytes(data, start, length), data, start, length);
    return this.slotKeyPos[slot]! >= 0 ? this.slotOffset[slot]! : -1;
  }

  clear(): void {
    this.slotKeyPos.fill(-1);
    this.arenaUsed = 0;
    this.count = 0;
    this.latestOffset = -1;
  }

  /** The slot holding the key, or the empty slot where it would go (linear probing). */
  private find(h: number, data: Uint8Array, start: number, length: number): number {
    const mask = this.slotKeyPos.length - 1;
    let slot = h & mask;
    for (;;) {
      const pos = this.slotKeyPos[slot]!;
      if (pos < 0) return slot;
      if (this.slotHash[slot] === h && this.slotKeyLen[slot] === length && this.sameKey(pos, data, start, length)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private sameKey(pos: number, data: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    for (let i = 0; i < length; i++) if (arena[pos + i] !== data[start + i]) return false;
    return true;
  }

  private grow(): void {
    const oldHash = this.slotHash;
    const oldPos = this.slotKeyPos;
    const oldLen = this.slotKeyLen;
    const oldOffset = this.slotOffset;
    const n = oldPos.length * 2;
    this.slotHash = new Int32Array(n);
    this.slotKeyPos = new Int32Array(n).fill(-1);
    this.slotKeyLen = new Int32Array(n);
    this.slotOffset = new Float64Array(n);
    const mask = n - 1;
    for (let i = 0; i < oldPos.length; i++) {
      if (oldPos[i]! < 0) continue;
      let slot = oldHash[i]! & mask;
      while (this.slotKeyPos[slot]! >= 0) slot = (slot + 1) & mask;
      this.slotHash[slot] = oldHash[i]!;
      this.slotKeyPos[slot] = oldPos[i]!;
      this.slotKeyLen[slot] = oldLen[i]!;
      this.slotOffset[slot] = oldOffset[i]!;
    }
  }
}
