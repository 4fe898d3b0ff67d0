import { Buffer } from 'node:buffer';
import assert from 'node:assert/strict';
import { ApiKey } from '../protocol/generated/index.js';
import type { ApiVersionsRequest, InitProducerIdRequest, MetadataRequest, ProduceRequest } from '../protocol/generated/index.js';
import { decodeRequest, encodeRequest } from '../protocol/request-frame.js';
import type { DecodedRequest } from '../protocol/request-frame.js';
import type { InteropCodec, InteropProduceSpec } from './interop-produce-spec.js';
import { summarizeRecordBatches } from './record-batch-summary.js';

/** Fails with the first differing offset and the bytes around it, instead of two long dumps. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  let at = 0;
  while (at < a.length && at < e.length && a[at] === e[at]) at++;
  const from = Math.max(0, at - 8);
  assert.fail(
    `${label}: re-encoded bytes differ from the captured frame at offset ${at} ` +
      `(lengths ${a.length} vs ${e.length}); re-encoded …${a.subarray(from, at + 16).toString('hex')}, captured …${e.subarray(from, at + 16).toString('hex')}`,
  );
}

/**
 * Decodes a captured request frame (no size prefix), encodes the decoded header and body again with
 * the project's codec, and asserts the result is the same bytes. Returns the decoded request.
 */
export function assertReencodesIdentically(frame: Uint8Array, label: string): DecodedRequest {
  const decoded = decodeRequest(frame);
  const { header, body } = decoded;
  assert.equal(header.unknownTaggedFields, undefined, `${label}: the request header carries tagged fields, which encodeRequest cannot write back`);
  const encoded = encodeRequest({
    apiKey: header.requestApiKey,
    apiVersion: header.requestApiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
    body,
  });
  assert.equal(encoded.readInt32BE(0), encoded.length - 4, `${label}: size prefix`);
  assertSameBytes(encoded.subarray(4), frame, label);
  return decoded;
}

export interface CapturedRequestExpectation {
  spec: InteropProduceSpec;
  clientId: string;
  /** The codec the client was told to use (checked on Produce). */
  codec: InteropCodec;
  idempotent: boolean;
  /** The producer id the capture server handed out (checked on idempotent Produce). */
  producerId?: bigint;
}

/** Asserts that a decoded request says what the producer was asked to do. */
export function assertRequestContent(request: DecodedRequest, expect: CapturedRequestExpectation, label: string): void {
  const { header } = request;
  assert.equal(header.clientId, expect.clientId, `${label}: client id`);
  switch (header.requestApiKey) {
    case ApiKey.ApiVersions: {
      const body = request.body as ApiVersionsRequest;
      if (header.requestApiVersion >= 3) {
        assert.match(body.clientSoftwareName ?? '', /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/, `${label}: ClientSoftwareName`);
        assert.match(body.clientSoftwareVersion ?? '', /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/, `${label}: ClientSoftwareVersion`);
      }
      return;
    }
    case ApiKey.Metadata: {
      const body = request.body as MetadataRequest;
      // null asks for every topic; otherwise only the produced topic may be asked for.
      for (const t of body.topics ?? []) assert.equal(t.name, expect.spec.topic, `${label}: Metadata topic`);
      return;
    }
    case ApiKey.InitProducerId: {
      const body = request.body as InitProducerIdRequest;
      assert.ok(expect.idempotent, `${label}: InitProducerId from a producer that is not idempotent`);
      assert.equal(body.transactionalId, null, `${label}: transactionalId`);
      return;
    }
    case ApiKey.Produce: {
      const body = request.body as ProduceRequest;
      assert.equal(body.transactionalId ?? null, null, `${label}: transactionalId`);
      assert.equal(body.acks, -1, `${label}: acks`);
      assert.ok(body.timeoutMs > 0, `${label}: timeoutMs ${body.timeoutMs}`);
      assert.deepEqual(body.topicData.map((t) => t.name), [expect.spec.topic], `${label}: topics`);
      const partitions = body.topicData[0]!.partitionData;
      assert.deepEqual(partitions.map((p) => p.index), [0], `${label}: partitions`);
      const batches = summarizeRecordBatches(partitions[0]!.records);
      assert.ok(batches.length > 0, `${label}: no record batch`);
      let records = 0;
      for (const b of batches) {
        assert.equal(b.magic, 2, `${label}: batch magic`);
        assert.equal(b.codec, expect.codec, `${label}: batch codec`);
        assert.equal(b.baseOffset, 0n, `${label}: producers send base offset 0`);
        if (expect.idempotent) {
          assert.equal(b.producerId, expect.producerId ?? b.producerId, `${label}: producerId`);
          assert.ok(b.producerId >= 0n && b.producerEpoch >= 0 && b.baseSequence >= 0, `${label}: idempotent batch fields`);
        } else {
          assert.equal(b.producerId, -1n, `${label}: producerId`);
        }
        records += b.recordsCount;
      }
      assert.equal(records, expect.spec.messages.length, `${label}: record count`);
      return;
    }
    default:
      assert.fail(`${label}: unexpected API key ${header.requestApiKey}`);
  }
}
