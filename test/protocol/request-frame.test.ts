import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../src/protocol/primitives/protocol-error.js';
import {
  decodeRequest,
  decodeRequestFrameHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  encodeResponseChunks,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/protocol/request-frame.js';
import { codecApiVersions } from '../../src/protocol/supported-api-versions.js';
import { errorName, isRetriable } from '../../src/protocol/error-codes.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function decodeError(fn: () => unknown): ProtocolDecodeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtocolDecodeError, `expected ProtocolDecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a decode error');
}

describe('request frames', () => {
  // The worked example of ../shared/kafka-protocol/README.md: ApiVersions v3, correlation id 1.
  const apiVersionsV3 = hex('0012 0003 00000001 0003 636c69 00 03 7473 02 31 00');

  it('decodes the documented ApiVersions v3 request and re-encodes it byte for byte', () => {
    const { header, body } = decodeRequest(apiVersionsV3);
    assert.deepStrictEqual(header, { requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'cli' });
    assert.deepStrictEqual(body, { clientSoftwareName: 'ts', clientSoftwareVersion: '1' });
    const encoded = encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: 'cli', body: body as never });
    assert.deepStrictEqual(encoded, Buffer.concat([hex('00000014'), apiVersionsV3]));
  });

  it('parses the header of an ApiVersions request at a version the codec does not know', () => {
    const future = Buffer.from(apiVersionsV3);
    future.writeInt16BE(99, 2);
    const { header, bodyOffset } = decodeRequestFrameHeader(future);
    assert.equal(header.requestApiVersion, 99);
    assert.equal(header.clientId, 'cli');
    assert.equal(bodyOffset, 14);
    const err = decodeError(() => decodeRequest(future));
    assert.equal(err.reason, 'UNSUPPORTED_VERSION');
    assert.equal(err.messageName, 'ApiVersionsRequest');
  });

  it('rejects unknown API keys, trailing bytes and short frames with typed errors', () => {
    assert.equal(decodeError(() => decodeRequestFrameHeader(hex('7fff 0000 00000001 0000'))).reason, 'UNKNOWN_API_KEY');
    assert.equal(decodeError(() => decodeRequest(Buffer.concat([apiVersionsV3, hex('00')]))).reason, 'TRAILING_BYTES');
    assert.equal(decodeError(() => decodeRequestFrameHeader(hex('00'))).reason, 'BUFFER_UNDERFLOW');
  });

  it('names the API, version and field when a length is absurd', () => {
    // Metadata v1: topics array claims 2^31-1 elements in a 20-byte frame.
    const frame = hex('0003 0001 00000007 0000 7fffffff');
    const err = decodeError(() => decodeRequest(frame));
    assert.equal(err.reason, 'INVALID_LENGTH');
    assert.equal(err.messageName, 'MetadataRequest');
    assert.equal(err.version, 1);
    assert.equal(err.field, 'Topics');
    assert.match(err.message, /MetadataRequest v1 Topics/);
  });

  it('rejects a string longer than the data, and a bad unsigned varint', () => {
    // Produce v3: transactional id claims 1000 bytes.
    assert.equal(decodeError(() => decodeRequest(hex('0000 0003 00000001 ffff 03e8 6162'))).field, 'TransactionalId');
    // Metadata v9 (flexible): topics length varint with six continuation bytes.
    const err = decodeError(() => decodeRequest(hex('0003 0009 00000001 ffff 00 ffffffffff01')));
    assert.equal(err.reason, 'INVALID_VARINT');
  });

  it('rejects a null where the version does not allow one', () => {
    // Produce v3, topic name length -1 (not nullable).
    const frame = hex('0000 0003 00000001 ffff ffff 0001 00007530 00000001 ffff');
    const err = decodeError(() => decodeRequest(frame));
    assert.equal(err.reason, 'UNEXPECTED_NULL');
    assert.equal(err.field, 'TopicProduceData.Name');
  });

  it('refuses to encode a non-default field the version lacks', () => {
    assert.throws(
      () => encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 2, correlationId: 1, clientId: null, body: { transactionalId: 'tx', acks: 1, timeoutMs: 1000, topicData: [] } }),
      (err: unknown) => err instanceof ProtocolEncodeError && err.field === 'TransactionalId' && err.version === 2,
    );
  });

  it('chooses header versions as Kafka does', () => {
    assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
    assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
    assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
  });

  it('round-trips a flexible response with tagged fields and its header', () => {
    const body = {
      throttleTimeMs: 0,
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }],
      finalizedFeaturesEpoch: 5n,
      zkMigrationReady: true,
    };
    const bytes = encodeResponse(ApiKey.ApiVersions, 3, 42, body);
    assert.equal(bytes.readInt32BE(0), bytes.length - 4);
    const decoded = decodeResponse(ApiKey.ApiVersions, 3, bytes.subarray(4));
    assert.equal(decoded.correlationId, 42);
    assert.equal(decoded.body.finalizedFeaturesEpoch, 5n);
    assert.equal(decoded.body.zkMigrationReady, true);
    assert.deepStrictEqual(decoded.body.apiKeys.map((k) => ({ apiKey: k.apiKey, minVersion: k.minVersion, maxVersion: k.maxVersion })), body.apiKeys);
  });

  it('fills the size prefix in the first chunk and keeps large records as their own chunk, not copied', () => {
    const big = new Uint8Array(10_000).fill(7);
    const small = new Uint8Array(100).fill(9);
    for (const records of [big, small]) {
      const partition = { partitionIndex: 0, errorCode: 0, highWatermark: 5n, lastStableOffset: 5n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records };
      const body = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [partition] }] };
      const chunks = encodeResponseChunks(ApiKey.Fetch, 12, 77, body);
      const bytes = Buffer.concat(chunks);
      assert.equal(bytes.readInt32BE(0), bytes.length - 4);
      assert.ok(chunks[0]!.length > 4, 'the size prefix is not a chunk of its own');
      assert.equal(chunks.includes(big), records === big, 'large records are referenced as they are');
      const decoded = decodeResponse(ApiKey.Fetch, 12, bytes.subarray(4));
      assert.equal(decoded.correlationId, 77);
      assert.deepEqual(Buffer.from(decoded.body.responses[0]!.partitions[0]!.records!), Buffer.from(records));
      assert.deepEqual(encodeResponse(ApiKey.Fetch, 12, 77, body), bytes);
    }
  });
});

describe('supported versions and error codes', () => {
  it('lists every API key with Kafka\'s ranges, leaving out unstable latest versions', () => {
    const table = codecApiVersions();
    const produce = table.find((r) => r.apiKey === ApiKey.Produce)!;
    assert.deepStrictEqual(produce, { apiKey: 0, name: 'Produce', minVersion: 0, maxVersion: 11 });
    assert.equal(table.find((r) => r.apiKey === ApiKey.EndTxn)!.maxVersion, 4);
    assert.equal(codecApiVersions({ unstable: true }).find((r) => r.apiKey === ApiKey.EndTxn)!.maxVersion, 5);
  });

  it('names error codes and knows which are retriable', () => {
    assert.equal(errorName(6), 'NOT_LEADER_OR_FOLLOWER');
    assert.equal(isRetriable(6), true);
    assert.equal(isRetriable(10), false);
    assert.equal(errorName(9999), 'UNKNOWN_ERROR_CODE_9999');
  });
});
