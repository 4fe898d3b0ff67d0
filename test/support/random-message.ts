/**
 * Builds random values of any generated message at any version from the schema table, for the
 * round-trip and fuzz tests. Seeded, so a failure reproduces.
 */
import { MESSAGE_SCHEMAS } from '../../src/protocol/generated/schema-table.js';
import type { FieldSchema, MessageSchema, VersionRange } from '../../src/protocol/generated/schema-table.js';

export type Rng = () => number;

/** A small deterministic PRNG (mulberry32). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function schemaByName(name: string): MessageSchema {
  const s = MESSAGE_SCHEMAS.find((m) => m.name === name);
  if (s === undefined) throw new Error(`no schema ${name}`);
  return s;
}

export function inRange(r: VersionRange | null | undefined, v: number): boolean {
  return r !== null && r !== undefined && v >= r.min && v <= r.max;
}

const SAMPLE_CHARS = ['a', 'Z', '0', '-', '_', '.', ' ', 'é', 'ß', 'Ж', '中', '文', '🙂', '🚀', '\u0000', '\n'];

function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function randomString(rng: Rng): string {
  const n = randInt(rng, 0, 8);
  let s = '';
  for (let i = 0; i < n; i++) s += SAMPLE_CHARS[randInt(rng, 0, SAMPLE_CHARS.length - 1)];
  return s;
}

function randomBytes(rng: Rng, max: number): Uint8Array {
  const b = new Uint8Array(randInt(rng, 0, max));
  for (let i = 0; i < b.length; i++) b[i] = randInt(rng, 0, 255);
  return b;
}

export function defaultValue(msg: MessageSchema, f: FieldSchema): unknown {
  const d = f.defaultValue;
  if (d === null) return null;
  if (f.array) return [];
  if (typeof d === 'string') {
    if (d.startsWith('int64:')) return BigInt(d.slice(6));
    if (d === 'bytes:empty') return new Uint8Array(0);
    if (d === 'struct:default') return defaultStruct(msg, f.type);
  }
  return d;
}

export function defaultStruct(msg: MessageSchema, tsName: string): Record<string, unknown> {
  const s = msg.structs[tsName]!;
  const o: Record<string, unknown> = {};
  for (const f of s.fields) o[f.prop] = defaultValue(msg, f);
  return o;
}

function randomScalar(msg: MessageSchema, f: FieldSchema, version: number, rng: Rng, depth: number): unknown {
  switch (f.type) {
    case 'bool': return rng() < 0.5;
    case 'int8': return randInt(rng, -128, 127);
    case 'int16': return randInt(rng, -32768, 32767);
    case 'uint16': return randInt(rng, 0, 65535);
    case 'int32': return randInt(rng, -2147483648, 2147483647);
    case 'uint32': return randInt(rng, 0, 4294967295);
    case 'int64': return BigInt.asIntN(64, (BigInt(randInt(rng, 0, 0xffffffff)) << 32n) | BigInt(randInt(rng, 0, 0xffffffff)));
    case 'float64': return (rng() - 0.5) * 1e6;
    case 'uuid': return Buffer.from(Array.from({ length: 16 }, () => randInt(rng, 0, 255))).toString('base64url');
    case 'string': return randomString(rng);
    case 'bytes': return randomBytes(rng, 24);
    case 'records': return randomBytes(rng, 64);
    default: return randomStruct(msg, f.type, version, rng, depth + 1);
  }
}

/** A random value of struct `tsName` of `msg` at `version`; absent fields hold their defaults. */
export function randomStruct(msg: MessageSchema, tsName: string, version: number, rng: Rng, depth = 0): Record<string, unknown> {
  const s = msg.structs[tsName]!;
  const o: Record<string, unknown> = {};
  let maxTag = -1;
  for (const f of s.fields) {
    maxTag = Math.max(maxTag, f.tag);
    if (!inRange(f.versions, version)) {
      o[f.prop] = defaultValue(msg, f);
      continue;
    }
    const tagged = inRange(f.taggedVersions, version);
    const nullable = tagged ? f.nullableVersions !== null || f.defaultValue === null : inRange(f.nullableVersions, version);
    if (nullable && rng() < 0.2) {
      o[f.prop] = null;
    } else if (tagged && rng() < 0.2) {
      o[f.prop] = defaultValue(msg, f);
    } else if (f.array) {
      const n = depth > 3 ? 0 : randInt(rng, 0, 3);
      const a: unknown[] = [];
      for (let i = 0; i < n; i++) a.push(randomScalar(msg, f, version, rng, depth));
      o[f.prop] = a;
    } else {
      o[f.prop] = randomScalar(msg, f, version, rng, depth);
    }
  }
  if (inRange(msg.flexibleVersions, version) && rng() < 0.25) {
    const n = randInt(rng, 1, 2);
    const unknown: { tag: number; data: Uint8Array }[] = [];
    for (let i = 0; i < n; i++) unknown.push({ tag: maxTag + 10 + i * randInt(rng, 1, 1000), data: randomBytes(rng, 6) });
    o.unknownTaggedFields = unknown;
  }
  return o;
}

/** Replaces Buffers (decoder output) with plain Uint8Arrays so values compare structurally. */
export function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalize(x);
    return o;
  }
  return v;
}
