import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { API_DEFINITIONS, ApiKey } from '../../../src/protocol/generated/index.js';
import { readCaptureIndex } from '../../../src/testkit/capture-index.js';
import { assertReencodesIdentically, assertRequestContent, assertSameBytes } from '../../../src/testkit/captured-request-check.js';
import { INTEROP_CODECS } from '../../../src/testkit/interop-produce-spec.js';

// Compiled to dist/test/protocol/interop/; the fixtures stay in the source tree.
const capturesDir = fileURLToPath(new URL('../../../../test/fixtures/captures/', import.meta.url));
const index = readCaptureIndex(capturesDir);

describe('request frames captured from real clients (test/fixtures/captures)', () => {
  test('index.json lists exactly the .bin files in the directory', () => {
    const files = readdirSync(capturesDir).filter((f) => f.endsWith('.bin')).sort();
    assert.deepEqual(index.frames.map((f) => f.file).sort(), files);
  });

  test('each client contributed ApiVersions, Metadata and a Produce for every codec', () => {
    for (const client of ['kcat', 'kafkajs'] as const) {
      const frames = index.frames.filter((f) => f.client === client);
      assert.ok(frames.some((f) => f.apiKey === ApiKey.ApiVersions), `${client}: ApiVersions`);
      assert.ok(frames.some((f) => f.apiKey === ApiKey.Metadata), `${client}: Metadata`);
      assert.ok(frames.some((f) => f.apiKey === ApiKey.InitProducerId), `${client}: InitProducerId`);
      const codecs = new Set(frames.filter((f) => f.apiKey === ApiKey.Produce).map((f) => f.codec));
      for (const codec of INTEROP_CODECS) assert.ok(codecs.has(codec), `${client}: Produce with ${codec}`);
    }
  });

  test('the byte comparison reports the first differing offset', () => {
    const frame = readFileSync(join(capturesDir, index.frames[0]!.file));
    const changed = Buffer.from(frame);
    changed[9] = changed[9]! ^ 0xff;
    assert.throws(() => assertSameBytes(changed, frame, 'x'), /at offset 9 /);
    assert.throws(() => assertSameBytes(frame.subarray(0, -1), frame, 'x'), new RegExp(`at offset ${frame.length - 1} `));
  });

  for (const entry of index.frames) {
    test(`${entry.file} decodes, and re-encodes to the same bytes`, () => {
      const frame = readFileSync(join(capturesDir, entry.file));
      assert.equal(frame.length, entry.bytes);
      assert.equal(createHash('sha256').update(frame).digest('hex'), entry.sha256, 'file changed since capture');

      const decoded = assertReencodesIdentically(frame, entry.file);
      assert.equal(decoded.header.requestApiKey, entry.apiKey);
      assert.equal(API_DEFINITIONS[entry.apiKey]!.name, entry.apiName);
      assert.equal(decoded.header.requestApiVersion, entry.apiVersion);
      assert.equal(decoded.header.correlationId, entry.correlationId);
      assert.equal(decoded.header.clientId, entry.clientId);

      const run = index.runs.find((r) => r.client === entry.client && r.run === entry.run);
      assert.ok(run, `no run ${entry.client}/${entry.run} in index.json`);
      assertRequestContent(decoded, { spec: index.spec, clientId: run.clientId, codec: run.codec, idempotent: run.idempotent, producerId: 1000n }, entry.file);
    });
  }
});
