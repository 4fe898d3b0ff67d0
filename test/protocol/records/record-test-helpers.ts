/** Helpers shared by the record batch tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const utf8 = new TextEncoder();
export const bytes = (s: string): Uint8Array => utf8.encode(s);
export const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));

/** A small deterministic PRNG (mulberry32) so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
