import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeAssignment } from '../../../src/client/consumer/consumer-protocol.js';
import { cooperativeStickyAssignor } from '../../../src/client/consumer/cooperative-sticky-assignor.js';
import { Kafka } from '../../../src/client/kafka.js';
import { assertToolsPresent, skipUnlessTools, SYSTEM_PYTHON } from '../../../src/testkit/interop-tools.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SCRIPT = join(root, 'test', 'broker', 'group', 'python', 'confluent_group_consumer.py');

describe('Samsa consumer in a cooperative-sticky group with a confluent-kafka-python member', { skip: skipUnlessTools(['confluent-kafka']) }, () => {
  let tb: TestBroker;
  before(async () => {
    assertToolsPresent(['confluent-kafka']);
    tb = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0' } });
  });
  after(async () => {
    await tb?.close();
  });

  it('the partitions are shared incrementally and every record is read once, by the member owning its partition', { timeout: 90_000 }, async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
    const admin = kafka.admin();
    await admin.connect();
    const revoked: number[] = [];
    const ours: Array<{ partition: number; value: string }> = [];
    const consumer = kafka.consumer({
      groupId: 'coop-mixed', maxWaitTimeInMs: 100, heartbeatInterval: 300, sessionTimeout: 6000, partitionAssigners: [cooperativeStickyAssignor],
      rebalanceListener: { onPartitionsRevoked: (tps) => void revoked.push(...tps.flatMap((t) => t.partitions ?? [])) },
    });
    try {
      await admin.createTopics({ topics: [{ topic: 'coop-mixed-topic', numPartitions: 4 }] });
      await consumer.connect();
      await consumer.subscribe({ topics: ['coop-mixed-topic'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void ours.push({ partition, value: message.value!.toString() }) });
      assert.deepStrictEqual(consumer.assignments(), [{ topic: 'coop-mixed-topic', partitions: [0, 1, 2, 3] }]);

      // The Python member stays 12 s, reading what it is assigned, then prints what it read.
      const python = spawn(SYSTEM_PYTHON, [SCRIPT, tb.bootstrap, 'coop-mixed', 'coop-mixed-topic', '-12'], { env: { ...process.env, ASSIGNOR: 'cooperative-sticky' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      python.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((r) => python.once('exit', (code) => r(code)));
      let group = (await admin.describeGroups(['coop-mixed'])).groups[0]!;
      for (const deadline = Date.now() + 9000; Date.now() < deadline; ) {
        group = (await admin.describeGroups(['coop-mixed'])).groups[0]!;
        const sizes = group.members.map((m) => decodeAssignment(m.memberAssignment).assignedPartitions.flatMap((t) => t.partitions).length);
        if (group.state === 'Stable' && sizes.length === 2 && sizes.every((n) => n === 2)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(group.protocol, 'cooperative-sticky');
      assert.equal(group.state, 'Stable');
      const mine = consumer.assignments()[0]!.partitions!;
      assert.equal(mine.length, 2);
      assert.deepStrictEqual(revoked.sort(), [0, 1, 2, 3].filter((p) => !mine.includes(p)), 'only the partitions handed over were revoked');

      const producer = kafka.producer();
      await producer.connect();
      const values = Array.from({ length: 40 }, (_, i) => ({ value: `c${i}`, partition: i % 4 }));
      await producer.send({ topic: 'coop-mixed-topic', messages: values });
      await producer.disconnect();
      assert.equal(await exited, 0);
      const theirs = (JSON.parse(stdout.trim().split('\n').pop()!) as { records: Array<[number, number, string]> }).records.map(([partition, , value]) => ({ partition, value }));
      assert.ok(ours.every((r) => mine.includes(r.partition)));
      assert.ok(theirs.every((r) => !mine.includes(r.partition)));
      assert.deepStrictEqual([...ours, ...theirs].map((r) => r.value).sort(), values.map((v) => v.value).sort(), 'each record exactly once');
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.disconnect();
    }
  });
});
