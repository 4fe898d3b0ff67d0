/** Helpers shared by the record batch tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const utf8 = new TextEncoder();
export const bytes = (s: string): Uint8Array => utf8.encode(s);
export const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));

/** A small deterministic PRNG (mulberry32) so fuzz failures reproduce. */
export { seededRng as prng } from '../../support/random-message.js';

export function randomBytes(random: () => number, length: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * alphabet);
  return out;
}

/** Compressible text-like bytes. */
export function textLike(random: () => number, length: number): Uint8Array {
  const words = ['kafka', 'samsa', 'record', 'batch', 'offset', 'topic', 'partition', 'value', '{"id":', '},'];
  const out = new Uint8Array(length);
  let pos = 0;
  while (pos < length) {
    const w = words[Math.floor(random() * words.length)]! + (random() < 0.3 ? String(Math.floor(random() * 1000)) : ' ');
    for (let i = 0; i < w.length && pos < length; i++) out[pos++] = w.charCodeAt(i);
  }
  return out;
}

// Compiled to dist/test/protocol/records/; the fixtures stay in the source tree.
export const capturesDir = fileURLToPath(new URL('../../../../test/fixtures/captures/', import.meta.url));

/**
 * The `records` fields of a captured Produce v3-v8 request frame (request
 * header v1, non-flexible body), parsed by hand so these tests depend only on
 * the records code.
 */
export function produceRecordsFromFrame(frame: Uint8Array): Uint8Array[] {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let pos = 0;
  const apiKey = view.getInt16(pos);
  const apiVersion = view.getInt16(pos + 2);
  if (apiKey !== 0 || apiVersion < 3 || apiVersion > 8) throw new Error(`not a Produce v3-v8 frame: key ${apiKey} v${apiVersion}`);
  pos += 8;
  const skipNullableString = (): void => {
    const length = view.getInt16(pos);
    pos += 2 + Math.max(0, length);
  };
  skipNullableString(); // client id
  skipNullableString(); // transactional id
  pos += 2 + 4; // acks, timeout
  const out: Uint8Array[] = [];
  const topicCount = view.getInt32(pos);
  pos += 4;
  for (let t = 0; t < topicCount; t++) {
    skipNullableString();
    const partitionCount = view.getInt32(pos);
    pos += 4;
    for (let p = 0; p < partitionCount; p++) {
      pos += 4; // partition index
      const length = view.getInt32(pos);
      pos += 4;
      if (length >= 0) {
        out.push(frame.subarray(pos, pos + length));
        pos += length;
      }
    }
  }
  return out;
}

export function readCapture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(capturesDir + file));
}

/** Appends zig-zag varints and raw bytes, for hand-made (often malformed) records. */
export class RawWriter {
  private readonly parts: number[] = [];

  varint(value: number): this {
    let z = ((value << 1) ^ (value >> 31)) >>> 0;
    while (z >= 0x80) {
      this.parts.push((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    this.parts.push(z);
    return this;
  }

  raw(...values: number[]): this {
    this.parts.push(...values);
    return this;
  }

  bytes(data: Uint8Array): this {
    for (const b of data) this.parts.push(b);
    return this;
  }

  get length(): number {
    return this.parts.length;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A well-formed record body (everything after the length varint). */
export function recordBody(key: Uint8Array | null, value: Uint8Array | null, offsetDelta = 0, headers: [string, Uint8Array | null][] = []): Uint8Array {
  const w = new RawWriter().raw(0).varint(0).varint(offsetDelta);
  if (key === null) w.varint(-1);
  else w.varint(key.length).bytes(key);
  if (value === null) w.varint(-1);
  else w.varint(value.length).bytes(value);
  w.varint(headers.length);
  for (const [k, v] of headers) {
    const kb = utf8.encode(k);
    w.varint(kb.length).bytes(kb);
    if (v === null) w.varint(-1);
    else w.varint(v.length).bytes(v);
  }
  return w.finish();
}

/** A record: length varint + body. */
export function recordWithLength(body: Uint8Array, declaredLength = body.length): Uint8Array {
  return new RawWriter().varint(declaredLength).bytes(body).finish();
}

/**
 * A batch around an arbitrary records payload, with a valid CRC: lets a
 * test put malformed records (or a malformed compressed payload) inside an
 * otherwise valid batch.
 */
export function batchAround(payload: Uint8Array, recordsCount: number, attributes = 0): Uint8Array {
  const out = new Uint8Array(61 + payload.length);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, 0n);
  view.setInt32(8, out.length - 12);
  view.setInt32(12, -1);
  view.setInt8(16, 2);
  view.setInt16(21, attributes);
  view.setInt32(23, Math.max(0, recordsCount - 1));
  view.setBigInt64(27, 1000n);
  view.setBigInt64(35, 1000n);
  view.setBigInt64(43, -1n);
  view.setInt16(51, -1);
  view.setInt32(53, -1);
  view.setInt32(57, recordsCount);
  out.set(payload, 61);
  fixCrc(out);
  return out;
}

/** Recomputes the CRC of the batch at position 0 (a test-local CRC-32C, independent of the code under test). */
export function fixCrc(batch: Uint8Array): void {
  new DataView(batch.buffer, batch.byteOffset).setUint32(17, referenceCrc32c(batch.subarray(21)));
}

let crcTable: Uint32Array | undefined;
/** Bitwise table-driven CRC-32C, written independently of @node-rs/crc32 to cross-check it. */
export function referenceCrc32c(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
