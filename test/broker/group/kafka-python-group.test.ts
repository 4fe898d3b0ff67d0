import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../../src/broker/broker.js';
import type { Broker } from '../../../src/broker/broker.js';
import { ProcessTracker, SYSTEM_PYTHON, assertToolsPresent, expectSuccess, skipUnlessTools } from '../../../src/testkit/interop-tools.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
/** The repository root, from dist/test/broker/group/. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SCRIPTS = {
  'kafka-python': join(root, 'test', 'broker', 'group', 'python', 'kafka_python_group_consumer.py'),
  'confluent-kafka': join(root, 'test', 'broker', 'group', 'python', 'confluent_group_consumer.py'),
};

interface ConsumerRun {
  assigned: number[];
  records: [number, number, string][];
  committed: Record<string, number>;
  /** [unix seconds, partitions held from then on]. */
  history: [number, number[]][];
  left_at: number;
}

/** What a member held at `t` (unix seconds). */
function heldAt(run: ConsumerRun, t: number): number[] {
  let held: number[] = [];
  for (const [at, partitions] of run.history) if (at <= t) held = partitions;
  return held;
}

describe('consumer groups with kafka-python, and a group mixing kafka-python and librdkafka members', { skip: skipUnlessTools(['kafka-python', 'confluent-kafka']) }, () => {
  let dir: string;
  let broker: Broker;
  const tracker = new ProcessTracker();

  before(async () => {
    assertToolsPresent(['kafka-python', 'confluent-kafka']);
    dir = mkdtempSync(join(tmpdir(), 'samsa-group-kafka-python-'));
    broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      logDirs: [dir],
      properties: { 'offsets.topic.replication.factor': '1', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' },
    });
    const kafka = new Kafka({ clientId: 'setup', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'py', numPartitions: 4 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'py', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 4 })) });
    await producer.disconnect();
  });

  after(async () => {
    tracker.killAll();
    await broker?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function consume(client: keyof typeof SCRIPTS, group: string, expected: number): Promise<ConsumerRun> {
    const r = expectSuccess(await tracker.run(SYSTEM_PYTHON, [SCRIPTS[client], broker.bootstrap, group, 'py', String(expected)], { timeoutMs: 40_000 }));
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ConsumerRun;
  }

  it('a kafka-python member subscribes, consumes and commits; the group resumes at the commits', { timeout: 60_000 }, async () => {
    const first = await consume('kafka-python', 'kp-group', 40);
    assert.deepEqual(first.assigned, [0, 1, 2, 3]);
    assert.equal(first.records.length, 40);
    assert.deepEqual(first.committed, { 0: 10, 1: 10, 2: 10, 3: 10 });
    const again = await consume('kafka-python', 'kp-group', 0);
    assert.deepEqual(again.records, []);
  });

  it('kafka-python and librdkafka members (range assignor) share one group without overlap', { timeout: 60_000 }, async () => {
    const [a, b] = await Promise.all([consume('kafka-python', 'mixed', -6), consume('confluent-kafka', 'mixed', -6)]);
    // Just before the first of them left, each held half of the partitions.
    const t = Math.min(a.left_at, b.left_at) - 0.5;
    const held = `kafka-python ${JSON.stringify(a.history)}, librdkafka ${JSON.stringify(b.history)}`;
    assert.equal(heldAt(a, t).length, 2, held);
    assert.equal(heldAt(b, t).length, 2, held);
    assert.deepEqual([...heldAt(a, t), ...heldAt(b, t)].sort(), [0, 1, 2, 3], held);
    // Together they read every record once per assignment they held.
    const seen = new Set([...a.records, ...b.records].map(([p, o]) => `${p}:${o}`));
    assert.equal(seen.size, 40);
  });
});
