import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { API_DEFINITIONS } from '../../src/protocol/generated/api-table.js';
import { ProtocolDecodeError } from '../../src/protocol/primitives/protocol-error.js';
import { decodeRequest, encodeRequest } from '../../src/protocol/request-frame.js';
import type { ApiKeyNumber } from '../../src/protocol/request-frame.js';
import { randomStruct, schemaByName, seededRng } from '../support/random-message.js';
import type { Rng } from '../support/random-message.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const capturesDir = join(root, 'test', 'fixtures', 'captures');

/** Valid request frames (without size prefix): captured real-client frames plus random ones of every API. */
function seedFrames(rng: Rng): Buffer[] {
  const frames: Buffer[] = [];
  if (existsSync(capturesDir)) {
    for (const f of readdirSync(capturesDir).filter((x) => x.endsWith('.bin')).sort()) frames.push(readFileSync(join(capturesDir, f)));
  }
  for (const def of API_DEFINITIONS) {
    const schema = schemaByName(def.request.name);
    for (let version = def.minVersion; version <= def.maxVersion; version++) {
      const body = randomStruct(schema, schema.name, version, rng);
      const bytes = encodeRequest({ apiKey: def.apiKey as ApiKeyNumber, apiVersion: version, correlationId: 7, clientId: 'fuzz', body: body as never });
      frames.push(bytes.subarray(4));
    }
  }
  return frames;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff];

function mutate(frame: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(frame);
  const pick = (): number => Math.floor(rng() * Math.max(1, out.length));
  const kind = Math.floor(rng() * 6);
  switch (kind) {
    case 0: { // flip bits
      for (let i = 0; i < 1 + Math.floor(rng() * 4) && out.length > 0; i++) out[pick()]! ^= 1 << Math.floor(rng() * 8);
      return out;
    }
    case 1: { // interesting byte values (lengths, varint continuation bits, null markers)
      for (let i = 0; i < 1 + Math.floor(rng() * 3) && out.length > 0; i++) out[pick()] = INTERESTING[Math.floor(rng() * INTERESTING.length)]!;
      return out;
    }
    case 2: { // absurd 32-bit length somewhere after the API key/version
      if (out.length >= 8) out.writeInt32BE([0x7fffffff, -2, 0x10000000, 65536][Math.floor(rng() * 4)]!, 4 + Math.floor(rng() * (out.length - 7)));
      return out;
    }
    case 3: // truncate
      return out.subarray(0, pick());
    case 4: { // insert random bytes
      const at = pick();
      const extra = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 8) }, () => Math.floor(rng() * 256)));
      return Buffer.concat([out.subarray(0, at), extra, out.subarray(at)]);
    }
    default: { // delete a range
      const at = pick();
      return Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + Math.floor(rng() * 8)))]);
    }
  }
}

it('mutated and random request frames either decode or raise ProtocolDecodeError', () => {
  const rng = seededRng(20261125);
  const seeds = seedFrames(rng);
  let decoded = 0;
  let rejected = 0;
  const reasons = new Set<string>();
  const check = (frame: Buffer): void => {
    try {
      decodeRequest(frame);
      decoded++;
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) {
        assert.fail(`non-decode error ${String(err)} for frame ${frame.toString('hex').slice(0, 200)}`);
      }
      reasons.add(err.reason);
      rejected++;
    }
  };
  for (let i = 0; i < 20000; i++) {
    const seed = seeds[Math.floor(rng() * seeds.length)]!;
    let frame = mutate(seed, rng);
    if (rng() < 0.3) frame = mutate(frame, rng);
    check(frame);
  }
  // Pure noise behind a valid API key/version.
  for (let i = 0; i < 2000; i++) {
    const noise = Buffer.from(Array.from({ length: Math.floor(rng() * 64) }, () => Math.floor(rng() * 256)));
    const head = Buffer.alloc(4);
    head.writeInt16BE(Math.floor(rng() * API_DEFINITIONS.length), 0);
    head.writeInt16BE(Math.floor(rng() * 14), 2);
    check(Buffer.concat([head, noise]));
  }
  // Both outcomes happen, and the typical failures are among the reasons seen.
  assert.ok(decoded > 100, `only ${decoded} frames decoded`);
  assert.ok(rejected > 1000, `only ${rejected} frames rejected`);
  for (const r of ['BUFFER_UNDERFLOW', 'INVALID_LENGTH', 'TRAILING_BYTES']) assert.ok(reasons.has(r), `no ${r} seen`);
});
