/**
 * Batches written by independent implementations: librdkafka (kcat) and
 * kafkajs frames captured by scripts/capture-client-frames.ts, and kafkajs's
 * own record batch encoder and decoder (JavaScript CRC-32C, gzip) called
 * directly, in both directions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { COMPRESSION_CODEC_NAMES, CompressionCodec } from '../../../src/protocol/records/compression.js';
import { decodeRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch-builder.js';
import { validateBatches } from '../../../src/protocol/records/validate-batches.js';
import { capturesDir, produceRecordsFromFrame, readCapture, text } from './record-test-helpers.js';

interface CaptureEntry {
  readonly file: string;
  readonly client: string;
  readonly apiKey: number;
  readonly codec?: string;
}

interface CaptureIndex {
  readonly frames: readonly CaptureEntry[];
  readonly spec: { readonly messages: readonly { key: string; value: string }[]; readonly headers: readonly [string, string][] };
}

const index = JSON.parse(readFileSync(capturesDir + 'index.json', 'utf8')) as CaptureIndex;

describe('Produce frames captured from kcat (librdkafka) and kafkajs', () => {
  const produces = index.frames.filter((f) => f.apiKey === 0);

  test('there is a capture for every codec from kcat', () => {
    const codecs = new Set(produces.filter((f) => f.client === 'kcat').map((f) => f.codec));
    for (const name of COMPRESSION_CODEC_NAMES) assert.ok(codecs.has(name), `kcat ${name}`);
  });

  for (const entry of produces) {
    test(`${entry.file}: validates and decodes to the produced records`, () => {
      const recordsFields = produceRecordsFromFrame(readCapture(entry.file));
      assert.ok(recordsFields.length > 0);
      const decoded = [];
      for (const records of recordsFields) {
        const summary = validateBatches(records);
        assert.equal(summary.validBytes, records.length);
        for (const batch of decodeRecordBatches(records)) {
          assert.equal(COMPRESSION_CODEC_NAMES[batch.header.compressionCodec], entry.codec);
          decoded.push(...batch.records);
        }
      }
      assert.deepEqual(
        decoded.map((r) => ({ key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)]) })),
        index.spec.messages.map((m) => ({ key: m.key, value: m.value, headers: index.spec.headers.map(([k, v]) => [k, v]) })),
      );
    });
  }
});

// kafkajs internals (no type declarations): loaded through require.
const require = createRequire(import.meta.url);
type KafkaJsEncoder = { buffer: Buffer };
type KafkaJsBatchArgs = Record<string, unknown>;
const kafkaJsRecordBatch = (require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (args: KafkaJsBatchArgs) => Promise<KafkaJsEncoder> }).RecordBatch;
const kafkaJsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: Record<string, unknown>) => KafkaJsEncoder;
const kafkaJsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<KafkaJsDecodedBatch>;
const KafkaJsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };
const kafkaJsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

interface KafkaJsDecodedBatch {
  firstOffset: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }[];
}

describe('kafkajs record batch codec', () => {
  const messages = Array.from({ length: 20 }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 7 === 3 ? null : Buffer.from(`value ${i} ${'x'.repeat(i * 10)} ünïcødé`),
    headers: i % 2 === 0 ? { trace: Buffer.from(`t-${i}`), 'schema-é': Buffer.from('v2') } : {},
  }));

  for (const codec of [CompressionCodec.NONE, CompressionCodec.GZIP]) {
    test(`${COMPRESSION_CODEC_NAMES[codec]}: kafkajs-encoded batches decode here`, async () => {
      const firstTimestamp = 1_700_000_000_000;
      const encoded = await kafkaJsRecordBatch({
        compression: codec,
        firstOffset: Long.fromValue(77),
        firstTimestamp,
        maxTimestamp: firstTimestamp + 19,
        lastOffsetDelta: messages.length - 1,
        producerId: Long.fromValue(31),
        producerEpoch: 2,
        firstSequence: 5,
        transactional: true,
        records: messages.map((m, i) => kafkaJsRecord({ offsetDelta: i, timestampDelta: i, key: m.key, value: m.value, headers: m.headers })),
      });
      const [batch, ...rest] = decodeRecordBatches(new Uint8Array(encoded.buffer));
      assert.equal(rest.length, 0);
      assert.ok(batch !== undefined);
      assert.equal(batch.header.baseOffset, 77n);
      assert.equal(batch.header.producerId, 31n);
      assert.equal(batch.header.baseSequence, 5);
      assert.equal(batch.header.isTransactional, true);
      assert.equal(batch.header.compressionCodec, codec);
      assert.deepEqual(
        batch.records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value), r.headers.map((h) => [h.key, text(h.value)])]),
        messages.map((m, i) => [
          77n + BigInt(i),
          BigInt(firstTimestamp + i),
          m.key === null ? null : m.key.toString(),
          m.value === null ? null : m.value.toString(),
          Object.entries(m.headers).map(([k, v]) => [k, v.toString()]),
        ]),
      );
    });

    test(`${COMPRESSION_CODEC_NAMES[codec]}: batches built here decode with kafkajs, and kafkajs's CRC-32C agrees`, async () => {
      const batch = buildRecordBatch(
        messages.map((m, i) => ({
          key: m.key,
          value: m.value,
          timestamp: 1_000_000n + BigInt(i * 3),
          headers: Object.entries(m.headers).map(([key, value]) => ({ key, value })),
        })),
        { compression: codec, baseOffset: 9n, producerId: 12n, producerEpoch: 1, baseSequence: 0 },
      );
      assert.equal(kafkaJsCrc32C(Buffer.from(batch.subarray(21))), new DataView(batch.buffer).getUint32(17));
      const decoded = await kafkaJsBatchDecoder(new KafkaJsDecoder(Buffer.from(batch)));
      assert.equal(decoded.firstOffset, '9');
      assert.equal(decoded.producerId, '12');
      assert.deepEqual(
        decoded.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null, Object.keys(r.headers)]),
        messages.map((m, i) => [String(9 + i), String(1_000_000 + i * 3), m.key?.toString() ?? null, m.value?.toString() ?? null, Object.keys(m.headers)]),
      );
    });
  }
});
