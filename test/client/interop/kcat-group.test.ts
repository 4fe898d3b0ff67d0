import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { decodeAssignment } from '../../../src/client/consumer/consumer-protocol.js';
import { cooperativeStickyAssignor } from '../../../src/client/consumer/cooperative-sticky-assignor.js';
import { rangeAssignor } from '../../../src/client/consumer/range-assignor.js';
import { Kafka } from '../../../src/client/kafka.js';
import { assertToolsPresent, skipUnlessTools } from '../../../src/testkit/interop-tools.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';

const until = (condition: () => boolean, timeoutMs: number, what: string): Promise<unknown> => pollUntil(what, condition, Boolean, { timeoutMs });

describe('Samsa consumer in a group with a librdkafka (kcat -G) member', { skip: skipUnlessTools(['kcat']) }, () => {
  let tb: TestBroker;
  let kcat: ChildProcess | undefined;
  before(async () => {
    assertToolsPresent(['kcat']);
    tb = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0' } });
  });
  after(async () => {
    kcat?.kill('SIGKILL');
    await tb?.close();
  });

  for (const strategy of ['range', 'cooperative-sticky'] as const) it(`the two members split 4 partitions with the ${strategy} assignor and each record goes to exactly one of them`, { timeout: 90_000 }, async () => {
    const groupId = `mixed-${strategy}`;
    const topic = `mixed-${strategy}-topic`;
    const kafka = new Kafka({ brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
    const admin = kafka.admin();
    await admin.connect();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 300, sessionTimeout: 10_000, partitionAssigners: [strategy === 'range' ? rangeAssignor : cooperativeStickyAssignor] });
    const ours: Array<{ partition: number; value: string }> = [];
    const theirs: Array<{ partition: number; value: string }> = [];
    try {
      await admin.createTopics({ topics: [{ topic: topic, numPartitions: 4 }] });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void ours.push({ partition, value: message.value!.toString() }) });
      kcat = spawn('kcat', ['-b', tb.bootstrap, '-G', groupId, '-u', '-q', '-f', '%p|%s\\n', '-X', `partition.assignment.strategy=${strategy}`, '-X', 'auto.offset.reset=earliest', topic], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      kcat.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        out = lines.pop()!;
        for (const l of lines) {
          const [p, value] = l.split('|');
          theirs.push({ partition: Number(p), value: value! });
        }
      });
      await until(() => (consumer.assignments()[0]?.partitions ?? []).length === 2, 60_000, 'the group to split 2/2');
      // Both members hold two partitions in a stable group (a cooperative handover takes a second
      // round, which librdkafka joins at its next heartbeat).
      let group = (await admin.describeGroups([groupId])).groups[0]!;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        group = (await admin.describeGroups([groupId])).groups[0]!;
        const sizes = group.members.map((m) => decodeAssignment(m.memberAssignment).assignedPartitions.flatMap((t) => t.partitions).length);
        if (group.state === 'Stable' && sizes.length === 2 && sizes.every((n) => n === 2)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(group.state, 'Stable');
      assert.equal((consumer.assignments()[0]?.partitions ?? []).length, 2);
      assert.equal(group.protocol, strategy);
      assert.equal(group.members.length, 2);
      assert.ok(group.members.some((m) => m.clientId.includes('rdkafka')), `a librdkafka member: ${group.members.map((m) => m.clientId)}`);

      const producer = kafka.producer();
      await producer.connect();
      const values = Array.from({ length: 40 }, (_, i) => ({ value: `m${i}`, partition: i % 4 }));
      await producer.send({ topic: topic, messages: values });
      await producer.disconnect();
      await until(() => ours.length + theirs.length >= values.length, 30_000, 'every record');
      await new Promise((r) => setTimeout(r, 300));
      const mine = new Set(consumer.assignments()[0]!.partitions);
      assert.ok(ours.every((r) => mine.has(r.partition)));
      assert.ok(theirs.every((r) => !mine.has(r.partition)));
      assert.deepStrictEqual([...ours, ...theirs].map((r) => r.value).sort(), values.map((v) => v.value).sort(), 'each record exactly once');
    } finally {
      kcat?.kill('SIGKILL');
      await consumer.disconnect().catch(() => undefined);
      await admin.disconnect();
    }
  });
});
