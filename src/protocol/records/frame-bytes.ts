import type { RecordBatchError } from './record-batch-error.js';

/** Magic numbers of skippable frames, a format LZ4 and zstd share. */
export const SKIPPABLE_MAGIC_MIN = 0x184d2a50;
export const SKIPPABLE_MAGIC_MAX = 0x184d2a5f;

export function uint32LE(d: Uint8Array, p: number): number {
  return (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0;
}

/**
 * When the frame at `pos` (whose magic is `magic`) is a skippable frame, checks its size against
 * the data and returns the position after it; otherwise returns -1.
 */
export function skippableFrameEnd(
  data: Uint8Array,
  pos: number,
  magic: number,
  corrupt: (message: string, position: number) => RecordBatchError,
): number {
  if (magic < SKIPPABLE_MAGIC_MIN || magic > SKIPPABLE_MAGIC_MAX) return -1;
  if (data.length - pos < 8) throw corrupt('data ends inside a skippable frame header', pos);
  const size = uint32LE(data, pos + 4);
  if (size > data.length - pos - 8) throw corrupt('skippable frame runs past the end of the data', pos);
  return pos + 8 + size;
}
