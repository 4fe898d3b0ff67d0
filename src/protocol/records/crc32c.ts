import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli) of `data`, as an unsigned 32-bit number.
 *
 * `initial` continues a previous computation: crc32c(b, crc32c(a)) equals
 * crc32c(a followed by b).
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}
