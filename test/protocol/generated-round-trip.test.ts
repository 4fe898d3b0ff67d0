import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as generated from '../../src/protocol/generated/index.js';
import { MESSAGE_SCHEMAS } from '../../src/protocol/generated/schema-table.js';
import { ProtocolDecodeError } from '../../src/protocol/primitives/protocol-error.js';
import { ProtocolReader } from '../../src/protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../../src/protocol/primitives/protocol-writer.js';
import { normalize, randomStruct, seededRng } from '../support/random-message.js';

type Encoder = (w: ProtocolWriter, value: object, version: number) => void;
type Decoder = (r: ProtocolReader, version: number) => object;

export function codecOf(name: string): { encode: Encoder; decode: Decoder } {
  const table = generated as unknown as Record<string, unknown>;
  const encode = table[`encode${name}`] as Encoder | undefined;
  const decode = table[`decode${name}`] as Decoder | undefined;
  if (encode === undefined || decode === undefined) throw new Error(`no codec exported for ${name}`);
  return { encode, decode };
}

function encodeToBytes(encode: Encoder, value: object, version: number): Buffer {
  const w = new ProtocolWriter();
  encode(w, value, version);
  return w.toBytes();
}

const SAMPLES_PER_VERSION = 6;

describe('generated codec round trips every message at every version', () => {
  let seed = 1;
  for (const msg of MESSAGE_SCHEMAS) {
    it(`${msg.name} v${msg.validVersions.min}-${msg.validVersions.max}`, () => {
      const { encode, decode } = codecOf(msg.name);
      for (let version = msg.validVersions.min; version <= msg.validVersions.max; version++) {
        const rng = seededRng(seed++);
        for (let i = 0; i < SAMPLES_PER_VERSION; i++) {
          const value = randomStruct(msg, msg.name, version, rng);
          const bytes = encodeToBytes(encode, value, version);
          const r = new ProtocolReader(bytes);
          const decoded = decode(r, version);
          assert.equal(r.pos, bytes.length, `${msg.name} v${version}: decoder left bytes unread`);
          assert.deepStrictEqual(normalize(decoded), normalize(value), `${msg.name} v${version} sample ${i}`);
          // Re-encoding what was decoded gives the same bytes (unknown tags included).
          assert.deepStrictEqual(encodeToBytes(encode, decoded, version), bytes);
        }
      }
    });
  }
});

describe('decoding truncated messages fails with a typed error', () => {
  for (const msg of MESSAGE_SCHEMAS) {
    it(msg.name, () => {
      const { encode, decode } = codecOf(msg.name);
      const rng = seededRng(msg.name.length * 7919);
      for (let version = msg.validVersions.min; version <= msg.validVersions.max; version++) {
        const bytes = encodeToBytes(encode, randomStruct(msg, msg.name, version, rng), version);
        for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 16))) {
          assert.throws(
            () => decode(new ProtocolReader(bytes.subarray(0, cut)), version),
            (err: unknown) => err instanceof ProtocolDecodeError && err.messageName === msg.name && err.version === version,
            `${msg.name} v${version} cut at ${cut} of ${bytes.length}`,
          );
        }
      }
    });
  }
});
