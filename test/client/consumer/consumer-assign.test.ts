/**
 * The consumer's manual assignment (Java's assign()): chosen partitions, no group membership, positions
 * from seek / committed offsets / autoOffsetReset, commits only with a groupId (as a non-member).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../../../src/client/admin/admin.js';
import type { Consumer } from '../../../src/client/consumer/consumer.js';
import { Kafka } from '../../../src/client/kafka.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

const until = (condition: () => boolean, what = 'condition'): Promise<unknown> => pollUntil(what, condition, Boolean, { timeoutMs: 10_000, intervalMs: 20 });
const NO_GROUP = 'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.';

describe('Consumer.assign against the in-process broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];
  before(async () => {
    tb = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'assign-test', brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await admin?.disconnect();
    await tb?.close();
  });

  function consumer(extra: Record<string, unknown> = {}): Consumer {
    const c = kafka.consumer({ maxWaitTimeInMs: 100, ...extra });
    consumers.push(c);
    return c;
  }

  async function produce(topic: string, messages: Array<{ key?: string; value: string; partition: number }>): Promise<void> {
    const p = kafka.producer();
    await p.connect();
    try {
      await p.send({ topic, messages });
    } finally {
      await p.disconnect();
    }
  }

  it('reads exactly the assigned partitions from the beginning without a group, and positions reach the end offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'a-read', numPartitions: 3 }] });
    await produce('a-read', [0, 1, 2].flatMap((p) => Array.from({ length: 4 }, (_, i) => ({ value: `p${p}-${i}`, partition: p }))));
    const c = consumer({ autoOffsetReset: 'earliest' });
    await c.connect();
    c.assign([{ topic: 'a-read', partitions: [0, 2] }]);
    const got: string[] = [];
    await c.run({ eachBatch: async ({ batch }) => void got.push(...batch.messages.map((m) => m.value!.toString())) });
    await until(() => got.length >= 8, 'the records of partitions 0 and 2');
    assert.deepStrictEqual([...got].sort(), ['p0-0', 'p0-1', 'p0-2', 'p0-3', 'p2-0', 'p2-1', 'p2-2', 'p2-3']);
    const ends = await admin.listTopicOffsets('a-read', -1);
    await until(() => c.position({ topic: 'a-read', partition: 0 }) === ends[0]!.offset && c.position({ topic: 'a-read', partition: 2 }) === ends[2]!.offset, 'positions at the end');
    assert.equal(c.position({ topic: 'a-read', partition: 1 }), null, 'an unassigned partition has no position');
    // Records written while running arrive too.
    await produce('a-read', [{ value: 'late', partition: 2 }, { value: 'other', partition: 1 }]);
    await until(() => got.includes('late'), 'the late record');
    assert.ok(!got.includes('other'));
    // No group was joined.
    const { groups } = await admin.listGroups();
    assert.deepStrictEqual(groups, []);
    await assert.rejects(c.commitOffsets([{ topic: 'a-read', partition: 0, offset: '1' }]), { message: NO_GROUP });
    await c.stop();
  });

  it('without a groupId, subscribe() is refused; subscribe() and assign() exclude each other', async () => {
    const c = consumer();
    await assert.rejects(c.subscribe({ topics: ['a-read'] }), { message: NO_GROUP });
    const g = consumer({ groupId: 'g-exclusive' });
    await g.subscribe({ topics: ['a-read'] });
    assert.throws(() => g.assign([{ topic: 'a-read', partitions: [0] }]), /mutually exclusive/);
    const a = consumer({ groupId: 'g-exclusive-2' });
    a.assign([{ topic: 'a-read', partitions: [0] }]);
    await assert.rejects(a.subscribe({ topics: ['a-read'] }), /mutually exclusive/);
    assert.throws(() => a.assign([{ topic: 'a-read', partitions: [-1] }]), /invalid partition -1/);
  });

  it('starts where seek() says, else at the latest offset by default; assign() while running adds and drops partitions', async () => {
    await admin.createTopics({ topics: [{ topic: 'a-seek', numPartitions: 2 }] });
    await produce('a-seek', Array.from({ length: 5 }, (_, i) => ({ value: `s${i}`, partition: 0 })));
    await produce('a-seek', [{ value: 'old-1', partition: 1 }]);
    const c = consumer();
    await c.connect();
    c.assign([{ topic: 'a-seek', partitions: [0] }]);
    c.seek({ topic: 'a-seek', partition: 0, offset: '3' });
    const got: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length >= 2, 'records from offset 3');
    assert.deepStrictEqual(got, ['s3', 's4']);
    c.assign([{ topic: 'a-seek', partitions: [1] }]);
    await until(() => c.position({ topic: 'a-seek', partition: 1 }) === '1', 'partition 1 positioned at its end (latest)');
    assert.equal(c.position({ topic: 'a-seek', partition: 0 }), null, 'the dropped partition lost its position');
    await produce('a-seek', [{ value: 'p0-new', partition: 0 }, { value: 'p1-new', partition: 1 }]);
    await until(() => got.includes('p1-new'), 'the new record of partition 1');
    assert.deepStrictEqual(got, ['s3', 's4', 'p1-new'], 'old-1 was before the latest offset; partition 0 is no longer read');
    await c.stop();
  });

  it('with a groupId: starts at the committed offsets and commits as a non-member on stop', async () => {
    await admin.createTopics({ topics: [{ topic: 'a-commit', numPartitions: 1 }] });
    await produce('a-commit', Array.from({ length: 6 }, (_, i) => ({ value: `c${i}`, partition: 0 })));
    await admin.setOffsets({ groupId: 'g-assign', topic: 'a-commit', partitions: [{ partition: 0, offset: '2' }] });
    const c = consumer({ groupId: 'g-assign', autoOffsetReset: 'earliest' });
    await c.connect();
    c.assign([{ topic: 'a-commit', partitions: [0] }]);
    const got: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await until(() => got.length >= 4, 'records after the committed offset');
    assert.deepStrictEqual(got, ['c2', 'c3', 'c4', 'c5']);
    await c.stop();
    const committed = await admin.fetchOffsets({ groupId: 'g-assign', topics: ['a-commit'] });
    assert.equal(committed[0]!.partitions[0]!.offset, '6');
    const { groups } = await admin.describeGroups(['g-assign']);
    assert.deepStrictEqual(groups[0]!.members, [], 'the consumer never joined the group');
  });

  it('works with the async iterator', async () => {
    await admin.createTopics({ topics: [{ topic: 'a-iter', numPartitions: 1 }] });
    await produce('a-iter', [{ value: 'i0', partition: 0 }, { value: 'i1', partition: 0 }, { value: 'i2', partition: 0 }]);
    const c = consumer({ autoOffsetReset: 'earliest' });
    await c.connect();
    c.assign([{ topic: 'a-iter', partitions: [0] }]);
    const got: string[] = [];
    for await (const { message } of c) {
      got.push(message.value!.toString());
      if (got.length === 3) break;
    }
    assert.deepStrictEqual(got, ['i0', 'i1', 'i2']);
  });
});
