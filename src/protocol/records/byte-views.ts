/** Zero-copy conversions between Uint8Array and Buffer for the native codec bindings. */
import { Buffer } from 'node:buffer';

/** A Buffer over the same memory (the napi bindings take Buffers). */
export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A plain Uint8Array over the same memory. Codec results are returned as
 * plain Uint8Arrays so that record bytes behave the same whichever codec
 * produced them (Buffer#slice, unlike Uint8Array#slice, does not copy).
 */
export function toPlainBytes(data: Uint8Array): Uint8Array {
  return Buffer.isBuffer(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
}
