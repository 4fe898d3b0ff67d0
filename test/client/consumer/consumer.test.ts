import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../../../src/client/admin/admin.js';
import type { Consumer } from '../../../src/client/consumer/consumer.js';
import type { KafkaMessage } from '../../../src/client/consumer/consumer-types.js';
import { Kafka } from '../../../src/client/kafka.js';
import { CompressionTypes } from '../../../src/client/producer/producer-types.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';

const until = (condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<unknown> => pollUntil(what, condition, Boolean, { timeoutMs, intervalMs: 20 });

describe('Consumer against the in-process broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '3', 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'consumer-test', brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await admin?.disconnect();
    await tb?.close();
  });

  function consumer(groupId: string, extra: Record<string, unknown> = {}): Consumer {
    const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 6000, ...extra });
    consumers.push(c);
    return c;
  }

  async function produce(topic: string, messages: Array<{ key?: string; value: string; partition?: number; headers?: Record<string, string> }>, compression: CompressionTypes = CompressionTypes.None): Promise<void> {
    const p = kafka.producer();
    await p.connect();
    try {
      await p.send({ topic, messages, compression });
    } finally {
      await p.disconnect();
    }
  }

  it('reads every record of every partition from the beginning (all codecs), commits, and a new member resumes after the commit', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-all', numPartitions: 3 }] });
    const sent: string[] = [];
    for (const [name, codec] of Object.entries(CompressionTypes)) {
      const msgs = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `${name}-${i}`, headers: { codec: name } }));
      sent.push(...msgs.map((m) => m.value));
      await produce('c-all', msgs, codec);
    }
    const got: Array<{ partition: number; message: KafkaMessage }> = [];
    const c1 = consumer('g-all');
    await c1.connect();
    await c1.subscribe({ topics: ['c-all'], fromBeginning: true });
    await c1.run({ eachMessage: async ({ partition, message }) => void got.push({ partition, message }) });
    assert.deepStrictEqual(c1.assignments(), [{ topic: 'c-all', partitions: [0, 1, 2] }]);
    await until(() => got.length >= sent.length, 10_000, 'all records');
    assert.deepStrictEqual(got.map((g) => g.message.value!.toString()).sort(), [...sent].sort());
    for (const g of got) assert.equal(g.message.headers.codec!.toString(), g.message.value!.toString().split('-')[0]);
    // Offsets within a partition arrive in order.
    for (const p of [0, 1, 2]) {
      const offsets = got.filter((g) => g.partition === p).map((g) => Number(g.message.offset));
      assert.deepStrictEqual(offsets, offsets.map((_, i) => i));
    }
    await c1.stop();
    const committed = await admin.fetchOffsets({ groupId: 'g-all', topics: ['c-all'] });
    const ends = await admin.fetchTopicOffsets('c-all');
    assert.deepStrictEqual(committed[0]!.partitions.map((p) => p.offset), ends.map((e) => e.high), 'stop() committed the end of every partition');

    await produce('c-all', [{ value: 'late-1', partition: 0 }, { value: 'late-2', partition: 2 }]);
    const again: string[] = [];
    const c2 = consumer('g-all');
    await c2.connect();
    await c2.subscribe({ topics: ['c-all'], fromBeginning: true });
    await c2.run({ eachMessage: async ({ message }) => void again.push(message.value!.toString()) });
    await until(() => again.length >= 2, 10_000, 'the late records');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(again.sort(), ['late-1', 'late-2'], 'nothing committed is delivered again');
    await c2.stop();
  });

  it('without fromBeginning a new group starts at the end', async () => {
    await produce('c-latest', [{ value: 'old', partition: 0 }]);
    const got: string[] = [];
    const c = consumer('g-latest');
    await c.connect();
    await c.subscribe({ topics: ['c-latest'] });
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await produce('c-latest', [{ value: 'new', partition: 0 }]);
    await until(() => got.length >= 1);
    assert.deepStrictEqual(got, ['new']);
    await c.stop();
  });

  it('two members split the partitions with the range assignor, and the survivor takes all after one leaves', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-split', numPartitions: 4 }] });
    const a = consumer('g-split');
    const b = consumer('g-split');
    for (const c of [a, b]) {
      await c.connect();
      await c.subscribe({ topics: ['c-split'], fromBeginning: true });
    }
    await a.run({ eachMessage: async () => undefined });
    await b.run({ eachMessage: async () => undefined });
    await until(() => {
      const pa = a.assignments()[0]?.partitions ?? [];
      const pb = b.assignments()[0]?.partitions ?? [];
      return pa.length === 2 && pb.length === 2;
    }, 15_000, 'a 2/2 split');
    const all = [...a.assignments()[0]!.partitions!, ...b.assignments()[0]!.partitions!].sort();
    assert.deepStrictEqual(all, [0, 1, 2, 3]);
    const described = await admin.describeGroups(['g-split']);
    assert.equal(described.groups[0]!.protocol, 'range');
    assert.equal(described.groups[0]!.members.length, 2);
    await b.stop();
    await until(() => (a.assignments()[0]?.partitions ?? []).length === 4, 15_000, 'the survivor to take every partition');
    await a.stop();
  });

  it('seek re-reads from an offset; pause and resume hold a partition back', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-seek', numPartitions: 2 }] });
    await produce('c-seek', [0, 1, 2, 3].map((i) => ({ value: `p0-${i}`, partition: 0 })));
    const got: string[] = [];
    const c = consumer('g-seek');
    await c.connect();
    await c.subscribe({ topics: ['c-seek'], fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length === 4);
    c.seek({ topic: 'c-seek', partition: 0, offset: '2' });
    await until(() => got.length === 6);
    assert.deepStrictEqual(got.slice(4), ['p0-2', 'p0-3']);

    c.pause([{ topic: 'c-seek', partitions: [1] }]);
    assert.deepStrictEqual(c.paused(), [{ topic: 'c-seek', partitions: [1] }]);
    await produce('c-seek', [{ value: 'p1-held', partition: 1 }, { value: 'p0-flows', partition: 0 }]);
    await until(() => got.includes('p0-flows'));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!got.includes('p1-held'), 'the paused partition is not delivered');
    c.resume([{ topic: 'c-seek', partitions: [1] }]);
    await until(() => got.includes('p1-held'));
    await c.stop();
  });

  it('eachBatch with manual resolveOffset and commitOffsets (autoCommit off)', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-batch', numPartitions: 1 }] });
    await produce('c-batch', Array.from({ length: 10 }, (_, i) => ({ value: `b${i}`, partition: 0 })));
    const c = consumer('g-batch');
    await c.connect();
    await c.subscribe({ topics: ['c-batch'], fromBeginning: true });
    let seen = 0;
    let highWatermark = '';
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        highWatermark = batch.highWatermark;
        for (const m of batch.messages) {
          seen++;
          resolveOffset(m.offset);
        }
      },
    });
    await until(() => seen === 10);
    assert.equal(highWatermark, '10');
    assert.equal((await admin.fetchOffsets({ groupId: 'g-batch', topics: ['c-batch'] }))[0]!.partitions[0]!.offset, '-1', 'nothing committed without autoCommit');
    await c.commitOffsets([{ topic: 'c-batch', partition: 0, offset: '7' }]);
    assert.equal((await admin.fetchOffsets({ groupId: 'g-batch', topics: ['c-batch'] }))[0]!.partitions[0]!.offset, '7');
    await c.stop();
  });

  it('commits and heartbeats do not wait behind a long-polling Fetch to the same broker (the coordinator has its own connection)', { timeout: 60_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: 'c-longpoll', numPartitions: 1 }] });
    await produce('c-longpoll', [{ value: 'only', partition: 0 }]);
    // The next Fetch waits up to 10 minutes for data that never comes; on a shared connection the commit would wait as long (past this test's timeout).
    const c = consumer('g-longpoll', { maxWaitTimeInMs: 600_000, minBytes: 1 });
    await c.connect();
    await c.subscribe({ topics: ['c-longpoll'], fromBeginning: true });
    let seen = 0;
    await c.run({ autoCommit: false, eachMessage: async () => void seen++ });
    await until(() => seen === 1);
    // The Fetch after the one that brought the record is in flight once the handler has returned.
    await new Promise((r) => setTimeout(r, 200));
    await c.commitOffsets([{ topic: 'c-longpoll', partition: 0, offset: '1' }]);
    assert.equal((await admin.fetchOffsets({ groupId: 'g-longpoll', topics: ['c-longpoll'] }))[0]!.partitions[0]!.offset, '1');
    await c.stop();
  });

  it('messages kept from earlier batches still hold their bytes after later fetches (each response has a buffer of its own), with and without compression', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-keep', numPartitions: 1 }] });
    const value = (i: number) => `${i}:`.padEnd(20_000 + i, String.fromCharCode(65 + (i % 26)));
    for (let send = 0; send < 8; send++) {
      const msgs = Array.from({ length: 5 }, (_, j) => ({ key: `k${send * 5 + j}`, value: value(send * 5 + j), partition: 0, headers: { i: String(send * 5 + j) } }));
      await produce('c-keep', msgs, send % 2 === 0 ? CompressionTypes.None : CompressionTypes.LZ4);
    }
    // Small fetches: many responses, each read into a buffer of its own that its messages view.
    const c = consumer('g-keep', { maxBytesPerPartition: 48 * 1024 });
    await c.connect();
    await c.subscribe({ topics: ['c-keep'], fromBeginning: true });
    const kept: KafkaMessage[] = [];
    let batches = 0;
    await c.run({
      eachBatch: async ({ batch }) => {
        batches++;
        kept.push(...batch.messages);
      },
    });
    await until(() => kept.length >= 40);
    await c.stop();
    assert.ok(batches >= 8, `${batches} batches`);
    assert.deepStrictEqual(kept.map((m) => m.offset), Array.from({ length: 40 }, (_, i) => String(i)));
    for (const [i, m] of kept.entries()) {
      assert.equal(m.value!.toString(), value(i), `value ${i}`);
      assert.equal(m.key!.toString(), `k${i}`);
      assert.equal(String(m.headers.i), String(i));
    }
  });

  it('for await over the consumer yields messages and commits what was processed when the loop ends', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-iter', numPartitions: 1 }] });
    await produce('c-iter', Array.from({ length: 6 }, (_, i) => ({ value: `i${i}`, partition: 0 })));
    const c = consumer('g-iter');
    await c.connect();
    await c.subscribe({ topics: ['c-iter'], fromBeginning: true });
    const got: string[] = [];
    for await (const { message } of c) {
      got.push(message.value!.toString());
      if (got.length === 4) break;
    }
    assert.deepStrictEqual(got, ['i0', 'i1', 'i2', 'i3']);
    assert.equal((await admin.fetchOffsets({ groupId: 'g-iter', topics: ['c-iter'] }))[0]!.partitions[0]!.offset, '4');
  });

  it('a handler error is retried from the failing message', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-retry', numPartitions: 1 }] });
    await produce('c-retry', ['r0', 'r1', 'r2'].map((value) => ({ value, partition: 0 })));
    const c = consumer('g-retry', { retry: { initialRetryTime: 20 } });
    await c.connect();
    await c.subscribe({ topics: ['c-retry'], fromBeginning: true });
    const got: string[] = [];
    let failed = false;
    await c.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        if (v === 'r1' && !failed) {
          failed = true;
          throw new Error('transient');
        }
        got.push(v);
      },
    });
    await until(() => got.length >= 3);
    assert.deepStrictEqual(got, ['r0', 'r1', 'r2']);
    await c.stop();
  });

  it('autoOffsetReset none fails run() when a partition has no committed offset', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-none', numPartitions: 1 }] });
    let crashed: Error | undefined;
    const c = consumer('g-none', { autoOffsetReset: 'none', onCrash: (e: Error) => (crashed = e) });
    await c.connect();
    await c.subscribe({ topics: ['c-none'] });
    await assert.rejects(c.run({ eachMessage: async () => undefined }), /autoOffsetReset is none/);
    assert.ok(crashed !== undefined);
    // With a committed offset it starts from there.
    await admin.setOffsets({ groupId: 'g-none', topic: 'c-none', partitions: [{ partition: 0, offset: '0' }] });
    await produce('c-none', [{ value: 'first', partition: 0 }]);
    const got: string[] = [];
    const d = consumer('g-none', { autoOffsetReset: 'none' });
    await d.connect();
    await d.subscribe({ topics: ['c-none'] });
    await d.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length === 1);
    assert.deepStrictEqual(got, ['first']);
    await d.stop();
  });

  it('rebalance listener: assigned after each join, revoked before a rejoin (still a member: it may commit); a partition added to the topic is picked up', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-grow', numPartitions: 2 }] });
    const events: string[] = [];
    const got: string[] = [];
    let commitInRevoke = 'not called';
    const c: Consumer = consumer('g-grow', {
      metadataMaxAge: 150,
      rebalanceListener: {
        onPartitionsAssigned: (tps: Array<{ topic: string; partitions?: number[] }>) => void events.push(`assigned ${tps.map((t) => `${t.topic}:${t.partitions}`).join(' ')}`),
        onPartitionsRevoked: async (tps: Array<{ topic: string; partitions?: number[] }>) => {
          events.push(`revoked ${tps.map((t) => `${t.topic}:${t.partitions}`).join(' ')}`);
          commitInRevoke = await c.commitOffsets([{ topic: 'c-grow', partition: 1, offset: '0' }]).then(
            () => 'ok',
            (e: Error) => e.message,
          );
        },
      },
    });
    await c.connect();
    await c.subscribe({ topics: ['c-grow'], fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    assert.deepStrictEqual(events, ['assigned c-grow:0,1']);
    await admin.createPartitions({ topicPartitions: [{ topic: 'c-grow', count: 3 }] });
    await until(() => (c.assignments()[0]?.partitions ?? []).length === 3, 10_000, 'the new partition to be assigned');
    await until(() => events.length >= 3, 10_000, 'the assigned callback');
    assert.deepStrictEqual(events, ['assigned c-grow:0,1', 'revoked c-grow:0,1', 'assigned c-grow:0,1,2']);
    assert.equal(commitInRevoke, 'ok', 'a commit from onPartitionsRevoked succeeds');
    await produce('c-grow', [{ value: 'in-new-partition', partition: 2 }]);
    await until(() => got.includes('in-new-partition'));
    await c.stop();
  });

  it('a static member (groupInstanceId) that restarts within its session gets its partitions back without a rebalance', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-static', numPartitions: 2 }] });
    const first = consumer('g-static', { groupInstanceId: 'instance-1', sessionTimeout: 10_000 });
    await first.connect();
    await first.subscribe({ topics: ['c-static'], fromBeginning: true });
    await first.run({ eachMessage: async () => undefined });
    const before = (await admin.describeGroups(['g-static'])).groups[0]!;
    await first.disconnect();
    const during = (await admin.describeGroups(['g-static'])).groups[0]!;
    assert.equal(during.state, 'Stable', 'no LeaveGroup: the group does not rebalance');
    assert.equal(during.members.length, 1);
    const second = consumer('g-static', { groupInstanceId: 'instance-1', sessionTimeout: 10_000 });
    await second.connect();
    await second.subscribe({ topics: ['c-static'], fromBeginning: true });
    await second.run({ eachMessage: async () => undefined });
    assert.deepStrictEqual(second.assignments(), [{ topic: 'c-static', partitions: [0, 1] }]);
    const afterRestart = (await admin.describeGroups(['g-static'])).groups[0]!;
    assert.equal(afterRestart.members.length, 1);
    assert.notEqual(afterRestart.members[0]!.memberId, before.members[0]!.memberId, 'a new member id replaced the old one for the same instance');
    await second.stop();
  });

  it('cooperative-sticky: a joining member takes half without the first member giving up the partitions it keeps', async () => {
    const { cooperativeStickyAssignor } = await import('../../../src/client/consumer/cooperative-sticky-assignor.js');
    await admin.createTopics({ topics: [{ topic: 'c-coop', numPartitions: 4 }] });
    const revokedA: string[] = [];
    const a = consumer('g-coop', { partitionAssigners: [cooperativeStickyAssignor], rebalanceListener: { onPartitionsRevoked: (tps: Array<{ partitions?: number[] }>) => void revokedA.push(...tps.flatMap((t) => (t.partitions ?? []).map(String))) } });
    const b = consumer('g-coop', { partitionAssigners: [cooperativeStickyAssignor] });
    assert.equal(a.cooperative, true);
    const gotA: string[] = [];
    const gotB: string[] = [];
    await a.connect();
    await a.subscribe({ topics: ['c-coop'], fromBeginning: true });
    await a.run({ eachMessage: async ({ message }) => void gotA.push(message.value!.toString()) });
    assert.deepStrictEqual(a.assignments(), [{ topic: 'c-coop', partitions: [0, 1, 2, 3] }]);
    await b.connect();
    await b.subscribe({ topics: ['c-coop'], fromBeginning: true });
    await b.run({ eachMessage: async ({ message }) => void gotB.push(message.value!.toString()) });
    await until(() => (a.assignments()[0]?.partitions?.length ?? 0) === 2 && (b.assignments()[0]?.partitions?.length ?? 0) === 2, 15_000, 'a 2/2 cooperative split');
    const keptByA = a.assignments()[0]!.partitions!;
    assert.deepStrictEqual(revokedA.map(Number).sort(), [0, 1, 2, 3].filter((p) => !keptByA.includes(p)), 'only the partitions that moved were revoked');
    const described = await admin.describeGroups(['g-coop']);
    assert.equal(described.groups[0]!.protocol, 'cooperative-sticky');
    await produce('c-coop', [0, 1, 2, 3].map((p) => ({ value: `coop-${p}`, partition: p })));
    await until(() => gotA.length + gotB.length >= 4, 10_000, 'the records');
    assert.deepStrictEqual([...gotA, ...gotB].sort(), ['coop-0', 'coop-1', 'coop-2', 'coop-3']);
    assert.deepStrictEqual(gotA.map((v) => Number(v.slice(5))).sort(), keptByA);
    await a.stop();
    await b.stop();
  });

  it('keeps consuming across a broker restart, without losing or repeating committed records', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-restart', numPartitions: 2 }] });
    await produce('c-restart', [0, 1].map((p) => ({ value: `before-${p}`, partition: p })));
    const got: string[] = [];
    const c = consumer('g-restart', { retry: { initialRetryTime: 50 } });
    await c.connect();
    await c.subscribe({ topics: ['c-restart'], fromBeginning: true });
    await c.run({ autoCommitInterval: 0, eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length === 2, 10_000, 'the first records');
    await new Promise((r) => setTimeout(r, 200)); // let the auto commit go out
    await tb.restart();
    await produce('c-restart', [0, 1].map((p) => ({ value: `after-${p}`, partition: p })));
    await until(() => got.length >= 4, 20_000, 'the records written after the restart');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual([...got].sort(), ['after-0', 'after-1', 'before-0', 'before-1']);
    await c.stop();
  });

  it('partitionsConsumedConcurrently runs the handler on several partitions at once, each in order', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-conc', numPartitions: 3 }] });
    await produce('c-conc', [0, 1, 2].flatMap((p) => [0, 1, 2].map((i) => ({ value: `${p}-${i}`, partition: p }))));
    const c = consumer('g-conc');
    await c.connect();
    await c.subscribe({ topics: ['c-conc'], fromBeginning: true });
    let inHandler = 0;
    let maxInHandler = 0;
    const got: string[] = [];
    await c.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        inHandler++;
        maxInHandler = Math.max(maxInHandler, inHandler);
        await new Promise((r) => setTimeout(r, 20));
        got.push(message.value!.toString());
        inHandler--;
      },
    });
    await until(() => got.length === 9, 10_000, 'every record');
    assert.ok(maxInHandler >= 2, `handler calls overlapped (${maxInHandler})`);
    for (const p of [0, 1, 2]) assert.deepStrictEqual(got.filter((v) => v.startsWith(`${p}-`)), [`${p}-0`, `${p}-1`, `${p}-2`]);
    await c.stop();
    const committed = await admin.fetchOffsets({ groupId: 'g-conc', topics: ['c-conc'] });
    assert.deepStrictEqual(committed[0]!.partitions.map((p) => p.offset), ['3', '3', '3']);
  });

  it('stop() while run() is still joining (a member that never answers holds the rebalance) returns promptly, and run() settles', async () => {
    await admin.createTopics({ topics: [{ topic: 'c-stuck', numPartitions: 1 }] });
    const first = consumer('g-stuck', { sessionTimeout: 30_000, rebalanceTimeout: 30_000, heartbeatInterval: 60_000 });
    await first.connect();
    await first.subscribe({ topics: ['c-stuck'] });
    await first.run({ eachMessage: async () => undefined });
    // The first member's next heartbeat is a minute away: the group waits for it to rejoin.
    const second = consumer('g-stuck', { sessionTimeout: 30_000, rebalanceTimeout: 30_000 });
    await second.connect();
    await second.subscribe({ topics: ['c-stuck'] });
    let settled = false;
    const running = second.run({ eachMessage: async () => undefined }).then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'still joining');
    const t0 = Date.now();
    await second.stop();
    await running;
    assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
    assert.equal(settled, true);
    await first.stop();
  });
});
