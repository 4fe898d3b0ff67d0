/**
 * A broker killed with SIGKILL in the middle of an acks=all produce stream loses none of the
 * records it acknowledged: the broker runs as its own process (kafka-server-start), kafkajs
 * produces to three partitions with one request in flight per partition and records every
 * acknowledgement, the broker is killed while requests are in flight and restarted on the same log
 * directory, twice, and the whole topic is read back.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { RestartableBrokerProcess } from '../../src/testkit/broker-process.js';
import type { BrokerProcess } from '../../src/testkit/broker-process.js';
import { buildInteropDataset } from '../../src/testkit/interop-dataset.js';
import type { InteropRecord } from '../../src/testkit/interop-dataset.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { dumpTopic, partitionCount } from '../../src/testkit/topic-dump.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';

const require = createRequire(import.meta.url);
type KafkaJs = typeof import('kafkajs');

const TOPIC = 'crash-recovery';
const PARTITIONS = 3;
/** Kill once this many more records are acknowledged, in each cycle. */
const KILL_AFTER_ACKED = 3000;
/** Produce, kill, restart: twice, so the second recovery runs over a log the first one recovered. */
const CYCLES = 2;
const RECORDS_PER_SEND = 25;

describe('SIGKILL during an acks=all produce loses no acknowledged record', { timeout: 120_000 }, () => {
  let restartable: RestartableBrokerProcess | undefined;
  let port: number;
  let broker: BrokerProcess | undefined;

  before(async () => {
    restartable = await RestartableBrokerProcess.start({ 'num.partitions': String(PARTITIONS) }, 'samsa-crash-');
    port = restartable.port;
    broker = restartable.process;
  });

  after(async () => {
    await restartable?.close();
  });

  it(`keeps every acknowledged record exactly once and in order through ${CYCLES} kill -9 and restart cycles`, { timeout: 110_000 }, async (t) => {
    // The topic, auto-created from a Metadata request.
    const tc = await KafkaTestClient.connect('127.0.0.1', port);
    try {
      await tc.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: TOPIC }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      const deadline = Date.now() + 10_000;
      while ((await partitionCount(tc, TOPIC)) !== PARTITIONS) {
        assert.ok(Date.now() < deadline, 'topic created within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      tc.close();
    }

    const records = buildInteropDataset({ producer: 'crash', count: 30_000, partitions: PARTITIONS, baseTimestamp: Math.floor(Date.now() / 1000) * 1000 - 60_000 });
    const bySeq = new Map(records.map((r) => [r.seq, r]));
    const queues = Array.from({ length: PARTITIONS }, (_, p) => records.filter((r) => r.partition === p));
    /** Per partition, the next queue index to send. */
    const next = queues.map(() => 0);
    const acked = new Set<number>();
    const attempted = new Set<number>();
    const kafkajs = require('kafkajs') as KafkaJs;

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const killAt = KILL_AFTER_ACKED * cycle;
      // Kill a little after the threshold ack, at a varying moment, so the broker may be anywhere
      // in handling the requests in flight (reading, appending, answering).
      const killDelayMs = Math.floor(Math.random() * 4);
      let killScheduled = false;
      let killed = false;
      let inFlight = 0;
      let inFlightAtKill = 0;
      const kafka = new kafkajs.Kafka({
        clientId: 'samsa-crash-test',
        brokers: [broker!.bootstrap],
        connectionTimeout: 2000,
        requestTimeout: 10_000,
        // No retries: a record is either acknowledged once or reported failed, never sent twice.
        retry: { retries: 0 },
        logLevel: kafkajs.logLevel.NOTHING,
      });
      const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await producer.connect();

      // One worker per partition, one request in flight each, so a partition's log order is the send order.
      const worker = async (p: number): Promise<string> => {
        const queue = queues[p]!;
        while (!killed && next[p]! < queue.length) {
          const part = queue.slice(next[p]!, next[p]! + RECORDS_PER_SEND);
          next[p]! += part.length;
          for (const r of part) attempted.add(r.seq);
          inFlight++;
          try {
            await producer.send({
              topic: TOPIC,
              acks: -1,
              messages: part.map((r) => ({ partition: r.partition, key: r.key, value: r.value, headers: Object.fromEntries(r.headers), timestamp: String(r.timestamp) })),
            });
          } catch (err) {
            return `stopped: ${(err as Error).message}`;
          } finally {
            inFlight--;
          }
          for (const r of part) acked.add(r.seq);
          if (!killScheduled && acked.size >= killAt) {
            killScheduled = true;
            // The workers keep sending until the kill itself.
            setTimeout(() => {
              inFlightAtKill = inFlight;
              killed = true;
              broker!.kill('SIGKILL');
            }, killDelayMs);
          }
        }
        return killed ? 'stopped sending after the kill' : 'ran out of records before the kill';
      };
      const ackedBefore = acked.size;
      const attemptedBefore = attempted.size;
      let timer: NodeJS.Timeout | undefined;
      const outcomes = await Promise.race([
        Promise.all(queues.map((_, p) => worker(p))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`producers did not stop within 60 s after the kill; acked ${acked.size}`)), 60_000);
        }),
      ]).finally(() => clearTimeout(timer));
      await Promise.race([producer.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 3000).unref())]);
      const exit = await broker!.waitForExit(10_000);
      assert.equal(exit.signal, 'SIGKILL', `cycle ${cycle}: the broker was killed (outcomes: ${outcomes.join('; ')})`);
      t.diagnostic(`cycle ${cycle}: SIGKILL ${killDelayMs} ms after ack #${killAt} with ${inFlightAtKill} Produce requests in flight; ` +
        `${acked.size - ackedBefore} records acknowledged, ${attempted.size - attemptedBefore} sent in this cycle`);

      broker = await restartable!.restart();
    }
    const stored = (await dumpTopic('127.0.0.1', port, TOPIC)).records;

    const problems: string[] = [];
    const present = new Set<number>();
    const lastSeq = new Map<number, number>();
    for (const r of stored) {
      const seq = Number(r.headers.find(([k]) => k === 'seq')?.[1]);
      const want = bySeq.get(seq);
      if (want === undefined || !attempted.has(seq)) {
        problems.push(`${r.partition}/${r.offset}: a record that was never sent (seq ${seq})`);
      } else {
        if (present.has(seq)) problems.push(`${r.partition}/${r.offset}: seq ${seq} stored twice`);
        const prev = lastSeq.get(r.partition) ?? -1;
        if (seq <= prev) problems.push(`${r.partition}/${r.offset}: seq ${seq} after ${prev} (out of order)`);
        if (want.partition !== r.partition || want.key !== r.key || want.value !== r.value || want.timestamp !== r.timestamp || JSON.stringify(want.headers) !== JSON.stringify(r.headers)) {
          problems.push(`${r.partition}/${r.offset}: seq ${seq} stored with different content`);
        }
        lastSeq.set(r.partition, seq);
        present.add(seq);
      }
      if (problems.length >= 10) break;
    }
    const lost = [...acked].filter((s) => !present.has(s)).sort((a, b) => a - b);
    if (lost.length > 0) problems.push(`${lost.length} acknowledged records missing, e.g. seq ${lost.slice(0, 10).join(', ')}`);
    const unackedKept = [...present].filter((s) => !acked.has(s)).length;
    t.diagnostic(`after the last restart: ${stored.length} records stored (${acked.size} acknowledged, ${unackedKept} unacknowledged but written before a kill, ${attempted.size - present.size} sent and lost unacknowledged)`);
    assert.deepStrictEqual(problems, [], `broker log tail:\n${broker!.log.slice(-2000)}`);
  });
});
