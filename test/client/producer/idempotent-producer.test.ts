import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { FrameReader } from '../../../src/net/frame-reader.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { ProduceRequest } from '../../../src/protocol/generated/produce.js';
import type { InitProducerIdRequest } from '../../../src/protocol/generated/init-producer-id.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { dumpTopic } from '../../../src/testkit/topic-dump.js';
import { startFakeBroker, startTestBroker } from '../client-test-support.js';
import type { FakeReply } from '../client-test-support.js';

interface Appended {
  epoch: number;
  seq: number;
  values: string[];
  baseOffset: bigint;
}

/**
 * A one-partition broker with Kafka's idempotence checks (next sequence per epoch, duplicates
 * answered with their first offset, gaps refused with OUT_OF_ORDER_SEQUENCE_NUMBER), answering
 * after `delayMs` so requests pile up in flight, and failing chosen attempts with `inject`.
 */
async function startIdempotentFake(inject: (epoch: number, seq: number, attempt: number) => number | undefined, delayMs = 15) {
  let port = 0;
  let epoch = -1;
  let nextSeq = 0;
  let nextOffset = 0n;
  const log: Appended[] = [];
  const attempts = new Map<string, number>();
  const inits: InitProducerIdRequest[] = [];
  const sent: Array<{ epoch: number; seq: number; error: number }> = [];
  let answered = 0;
  let maxOutstanding = 0;
  // eslint-disable-next-line prefer-const
  let fake: Awaited<ReturnType<typeof startFakeBroker>>;
  fake = await startFakeBroker(async (req): Promise<FakeReply> => {
    switch (req.header.requestApiKey) {
      case ApiKey.ApiVersions:
        return { body: { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }, { apiKey: 3, minVersion: 0, maxVersion: 12 }, { apiKey: 0, minVersion: 3, maxVersion: 11 }, { apiKey: 22, minVersion: 0, maxVersion: 5 }], throttleTimeMs: 0 } };
      case ApiKey.Metadata:
        return { body: { throttleTimeMs: 0, brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'fake', controllerId: 1, topics: [{ errorCode: 0, name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }] } };
      case ApiKey.InitProducerId: {
        const body = req.body as InitProducerIdRequest;
        inits.push(body);
        const next = body.producerId !== undefined && body.producerId >= 0n ? (body.producerEpoch ?? 0) + 1 : 0;
        return { body: { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: next } };
      }
      case ApiKey.Produce: {
        // Requests are answered one at a time, in order: those received and not yet answered are in flight at the client.
        const received = fake.requests.filter((r) => r.header.requestApiKey === ApiKey.Produce).length;
        maxOutstanding = Math.max(maxOutstanding, received - answered);
        await new Promise((r) => setTimeout(r, delayMs));
        answered++;
        const body = req.body as ProduceRequest;
        const batch = decodeRecordBatches(body.topicData[0]!.partitionData[0]!.records!)[0]!;
        const e = batch.header.producerEpoch;
        const seq = batch.header.baseSequence;
        const key = `${e}/${seq}`;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        let error = inject(e, seq, attempt) ?? ErrorCode.NONE;
        let baseOffset = -1n;
        if (error === ErrorCode.NONE) {
          if (e > epoch) {
            if (seq !== 0) error = ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
            else {
              epoch = e;
              nextSeq = 0;
            }
          } else if (e < epoch) error = ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        if (error === ErrorCode.NONE) {
          if (seq === nextSeq) {
            baseOffset = nextOffset;
            const values = batch.records.map((r) => Buffer.from(r.value!).toString());
            log.push({ epoch: e, seq, values, baseOffset });
            nextSeq += batch.records.length;
            nextOffset += BigInt(batch.records.length);
          } else if (seq < nextSeq) {
            baseOffset = log.find((a) => a.epoch === e && a.seq === seq)?.baseOffset ?? -1n;
          } else error = ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        sent.push({ epoch: e, seq, error });
        return { body: { throttleTimeMs: 0, responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: error, baseOffset, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }] } };
      }
      default:
        return undefined;
    }
  });
  port = fake.port;
  return { fake, log, inits, sent, get maxOutstanding() { return maxOutstanding; } };
}

describe('idempotent producer: retries, ordering and epoch bumps (scripted broker)', () => {
  it('keeps up to 5 batches in flight per partition and, after a retriable failure, re-sends in sequence order without duplicates', async () => {
    const broker = await startIdempotentFake((_e, seq, attempt) => (seq === 3 && attempt === 1 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : undefined));
    const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.fake.port}`] });
    const producer = kafka.producer({ batchSize: 1, retryBackoffMs: 10 });
    await producer.connect();
    try {
      const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
      const result = await producer.send({ topic: 't', messages: values.map((value) => ({ value, partition: 0 })) });
      assert.equal(result[0]!.baseOffset, '0');
      assert.deepStrictEqual(broker.log.flatMap((a) => a.values), values, 'every record once, in order');
      assert.deepStrictEqual(broker.log.map((a) => a.seq), values.map((_, i) => i));
      assert.ok(broker.maxOutstanding >= 2 && broker.maxOutstanding <= 5, `in flight at once: ${broker.maxOutstanding}`);
      // The batches after the failed one were refused as out of order and sent again after it.
      assert.ok(broker.sent.some((s) => s.seq === 4 && s.error === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
      assert.equal(broker.inits.length, 1, 'an explained OUT_OF_ORDER_SEQUENCE_NUMBER does not bump the epoch');
      // NOT_LEADER_OR_FOLLOWER made the producer ask for metadata again before retrying.
      const apiOrder = broker.fake.requests.map((r) => r.header.requestApiKey);
      const firstProduce = apiOrder.indexOf(ApiKey.Produce);
      assert.ok(apiOrder.slice(firstProduce).includes(ApiKey.Metadata), 'a Metadata request after the failure');
    } finally {
      await producer.disconnect();
      await broker.fake.close();
    }
  });

  for (const code of [ErrorCode.UNKNOWN_PRODUCER_ID, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER]) {
    it(`bumps the epoch on ${code === ErrorCode.UNKNOWN_PRODUCER_ID ? 'UNKNOWN_PRODUCER_ID' : 'an unexplained OUT_OF_ORDER_SEQUENCE_NUMBER'} and re-sends from sequence 0`, async () => {
      const broker = await startIdempotentFake((e, seq) => (e === 0 && seq === 1 ? code : undefined), 1);
      const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.fake.port}`] });
      const producer = kafka.producer({ retryBackoffMs: 10 });
      await producer.connect();
      try {
        await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
        const r = await producer.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] });
        assert.equal(r[0]!.baseOffset, '1');
        assert.equal(broker.inits.length, 2);
        assert.deepStrictEqual([broker.inits[1]!.producerId, broker.inits[1]!.producerEpoch], [1000n, 0], 'KIP-360: the bump presents the current id and epoch');
        assert.deepStrictEqual(producer.producerIdAndEpoch, { producerId: 1000n, producerEpoch: 1 });
        assert.deepStrictEqual(broker.log.map((a) => [a.epoch, a.seq, a.values[0]]), [[0, 0, 'a'], [1, 0, 'b']]);
        // The sequence goes on from the new epoch's start.
        await producer.send({ topic: 't', messages: [{ value: 'c', partition: 0 }] });
        assert.deepStrictEqual(broker.log.at(-1), { epoch: 1, seq: 1, values: ['c'], baseOffset: 2n });
      } finally {
        await producer.disconnect();
        await broker.fake.close();
      }
    });
  }

  it('fails a batch with a non-retriable error and reports it typed', async () => {
    const broker = await startIdempotentFake((_e, seq) => (seq === 0 ? ErrorCode.MESSAGE_TOO_LARGE : undefined), 1);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.fake.port}`] });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await assert.rejects(producer.send({ topic: 't', messages: [{ value: 'big', partition: 0 }] }), (e: unknown) => (e as { type?: string }).type === 'MESSAGE_TOO_LARGE' && (e as { retriable?: boolean }).retriable === false);
      assert.equal(broker.sent.length, 1, 'not retried');
    } finally {
      await producer.disconnect();
      await broker.fake.close();
    }
  });
});

describe('idempotent producer against the in-process broker', () => {
  it('a retry after a lost Produce response is not written twice', async () => {
    // A proxy in front of the broker (advertised as the broker's address) that forwards the first
    // Produce request and then cuts the connection instead of returning its response.
    let upstreamPort = 0;
    let produceForwarded = false;
    let cut = 0;
    const proxy = createServer((client: Socket) => {
      const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
      const reader = new FrameReader({ maxFrameBytes: 1 << 26 });
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let r = reader.next(); r.kind === 'frame'; r = reader.next()) {
          if (r.frame.readInt16BE(0) === ApiKey.Produce && cut === 0) produceForwarded = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (produceForwarded && cut === 0) {
          cut++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as { port: number }).port;
    const tb = await startTestBroker({ properties: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}` } });
    upstreamPort = tb.broker.listeners[0]!.port;
    const kafka = new Kafka({ brokers: [`127.0.0.1:${proxyPort}`], retry: { initialRetryTime: 50 } });
    const producer = kafka.producer({ retryBackoffMs: 20 });
    try {
      await producer.connect();
      const values = Array.from({ length: 10 }, (_, i) => `once-${i}`);
      const result = await producer.send({ topic: 'dedup', messages: values.map((value) => ({ value, partition: 0 })) });
      assert.equal(cut, 1, 'the first response was lost');
      assert.equal(result[0]!.baseOffset, '0', 'the retry was answered with the first write\'s offset');
      const dump = await dumpTopic('127.0.0.1', upstreamPort, 'dedup');
      assert.deepStrictEqual(dump.records.map((r) => r.value), values);
      assert.equal(dump.batches.length, 1);
    } finally {
      await producer.disconnect();
      await tb.close();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
