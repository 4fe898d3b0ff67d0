/**
 * A retried idempotent batch is not written twice: the same Produce request (same record batch
 * bytes, new correlation id, as a client's retry) sent again on the same connection, on a new
 * connection, after later batches, and after a broker restart, is acknowledged with the offset
 * of the first write and appended once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { dumpTopic, partitionCount } from '../../src/testkit/topic-dump.js';

const TOPIC = 'idempotent-retry';
const PRODUCE_VERSION = 9;

function batch(producerId: bigint, producerEpoch: number, baseSequence: number, count: number): Uint8Array {
  const records = Array.from({ length: count }, (_, i) => {
    const seq = baseSequence + i;
    return { key: Buffer.from(`key-${seq}`), value: Buffer.from(`value-${seq}`), headers: [{ key: 'seq', value: Buffer.from(String(seq)) }], timestamp: 1_700_000_000_000n + BigInt(seq) };
  });
  return buildRecordBatch(records, { producerId, producerEpoch, baseSequence });
}

async function produce(client: KafkaTestClient, records: Uint8Array) {
  const res = await client.send(ApiKey.Produce, PRODUCE_VERSION, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

describe('a retried idempotent batch is not duplicated', { timeout: 60_000 }, () => {
  let dir: string;
  let broker: Broker | undefined;
  let client: KafkaTestClient | undefined;
  let producerId = -1n;
  let producerEpoch = -1;
  // The exact bytes of the batches, resent as they are.
  let first: Uint8Array;
  let second: Uint8Array;

  const start = async (): Promise<void> => {
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'num.partitions': '1' }, logger: silentLogger() });
    client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  };
  const values = async (): Promise<string[]> => (await dumpTopic('127.0.0.1', broker!.port, TOPIC)).records.map((r) => r.value!);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-idempotent-'));
    await start();
    await client!.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: TOPIC }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const deadline = Date.now() + 10_000;
    while ((await partitionCount(client!, TOPIC)) !== 1) {
      assert.ok(Date.now() < deadline, 'topic created within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const init = await client!.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    producerId = init.producerId;
    producerEpoch = init.producerEpoch;
    first = batch(producerId, producerEpoch, 0, 10);
    second = batch(producerId, producerEpoch, 10, 10);
  });

  after(async () => {
    client?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges a resent batch with its first offset and appends it once (same connection)', async () => {
    assert.deepStrictEqual(await produce(client!, first), { errorCode: ErrorCode.NONE, baseOffset: 0n });
    assert.deepStrictEqual(await produce(client!, first), { errorCode: ErrorCode.NONE, baseOffset: 0n }, 'the retry is answered as the first write');
    assert.deepStrictEqual(await values(), Array.from({ length: 10 }, (_, i) => `value-${i}`));
  });

  it('deduplicates a retry on a new connection, as after a client-side timeout', async () => {
    const other = await KafkaTestClient.connect('127.0.0.1', broker!.port);
    try {
      assert.deepStrictEqual(await produce(other, first), { errorCode: ErrorCode.NONE, baseOffset: 0n });
    } finally {
      other.close();
    }
    assert.equal((await values()).length, 10);
  });

  it('deduplicates a retry of an earlier batch after later ones were written', async () => {
    assert.deepStrictEqual(await produce(client!, second), { errorCode: ErrorCode.NONE, baseOffset: 10n });
    // Pipelined: both retries are in flight together.
    const [a, b] = await Promise.all([produce(client!, first), produce(client!, second)]);
    assert.deepStrictEqual([a, b], [{ errorCode: ErrorCode.NONE, baseOffset: 0n }, { errorCode: ErrorCode.NONE, baseOffset: 10n }]);
    assert.deepStrictEqual(await values(), Array.from({ length: 20 }, (_, i) => `value-${i}`));
  });

  it('refuses a sequence gap without appending', async () => {
    const gap = await produce(client!, batch(producerId, producerEpoch, 25, 5));
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal((await values()).length, 20);
  });

  it('still deduplicates after the broker restarts (producer state recovered)', async () => {
    client!.close();
    await broker!.close();
    await start();
    assert.deepStrictEqual(await produce(client!, second), { errorCode: ErrorCode.NONE, baseOffset: 10n });
    const third = batch(producerId, producerEpoch, 20, 5);
    assert.deepStrictEqual(await produce(client!, third), { errorCode: ErrorCode.NONE, baseOffset: 20n });
    assert.deepStrictEqual(await produce(client!, third), { errorCode: ErrorCode.NONE, baseOffset: 20n });
    assert.deepStrictEqual(await values(), Array.from({ length: 25 }, (_, i) => `value-${i}`));
  });
});
