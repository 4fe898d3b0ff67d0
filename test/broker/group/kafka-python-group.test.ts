import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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

const PROPS = { 'offsets.topic.replication.factor': '1', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' };

interface ConsumerRun {
  assigned: number[];
  records: [number, number, string][];
  committed: Record<string, number>;
  /** [unix seconds, partitions held from then on]. */
  history: [number, number[]][];
  left_at: number;
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a member held at `t` (unix seconds). */
function heldAt(run: ConsumerRun, t: number): number[] {
  let held: number[] = [];
  for (const [at, partitions] of run.history) if (at <= t) held = partitions;
  return held;
}

describe('consumer groups with kafka-python and librdkafka: commits, a mixed group with a killed member, a broker restart', { skip: skipUnlessTools(['kafka-python', 'confluent-kafka']) }, () => {
  let dir: string;
  let broker: Broker;
  const tracker = new ProcessTracker();
  const children: ChildProcess[] = [];

  before(async () => {
    assertToolsPresent(['kafka-python', 'confluent-kafka']);
    dir = mkdtempSync(join(tmpdir(), 'samsa-group-kafka-python-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: PROPS });
    const kafka = new Kafka({ clientId: 'setup', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'py', numPartitions: 4 }, { topic: 'six', numPartitions: 6 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'py', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 4 })) });
    await producer.disconnect();
  });

  after(async () => {
    tracker.killAll();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A member staying `seconds` in the group, as a process that can be killed; `done` is null when it was killed. */
  function spawnMember(client: keyof typeof SCRIPTS, group: string, seconds: number): { child: ChildProcess; done: Promise<ConsumerRun | null> } {
    const child = spawn(SYSTEM_PYTHON, [SCRIPTS[client], broker.bootstrap, group, 'six', String(-seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const done = new Promise<ConsumerRun | null>((resolvePromise, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL') resolvePromise(null);
        else if (code !== 0) reject(new Error(`${client} member exited ${code}: ${err.slice(-2000)}`));
        else resolvePromise(JSON.parse(out.trim().split('\n').at(-1)!) as ConsumerRun);
      });
    });
    return { child, done };
  }

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

  it('three members (kafka-python and two librdkafka, range) split 6 partitions; a SIGKILLed member’s partitions move to the others after its session timeout', { timeout: 60_000 }, async () => {
    const kafka = new Kafka({ clientId: 'watch', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const members = [spawnMember('kafka-python', 'trio', 12), spawnMember('confluent-kafka', 'trio', 12), spawnMember('confluent-kafka', 'trio', 12)];
      const describe = async () => (await admin.describeGroups(['trio'])).groups[0]!;
      await waitFor('a stable group of three', 15_000, async () => {
        const g = await describe();
        return g.state === 'Stable' && g.members.length === 3;
      });
      const killedAt = Date.now() / 1000;
      members[2]!.child.kill('SIGKILL');
      const started = Date.now();
      await waitFor('a stable group of two', 15_000, async () => {
        const g = await describe();
        return g.state === 'Stable' && g.members.length === 2;
      });
      const ms = Date.now() - started;
      assert.ok(ms >= 6000 - 1500, `the killed member was replaced after ${ms} ms, before its 6000 ms session timeout`);
      const [a, b, killed] = await Promise.all(members.map((m) => m.done));
      assert.equal(killed, null);
      const held = `kafka-python ${JSON.stringify(a!.history)}, librdkafka ${JSON.stringify(b!.history)}`;
      // Until the killed member's session ran out, the survivors held two partitions each (it held
      // the other two; 1.5 s after the kill leaves time for the clients' assignment callbacks) ...
      const before = [...heldAt(a!, killedAt + 1.5), ...heldAt(b!, killedAt + 1.5)];
      assert.equal(before.length, 4, held);
      assert.equal(new Set(before).size, 4, held);
      // ... and at the end all six between them, none twice.
      const t = Math.min(a!.left_at, b!.left_at) - 0.3;
      assert.deepEqual([...heldAt(a!, t), ...heldAt(b!, t)].sort(), [0, 1, 2, 3, 4, 5], held);
    } finally {
      await admin.disconnect();
    }
  });

  it('after a broker restart, kafka-python and librdkafka members resume exactly after their groups’ commits', { timeout: 60_000 }, async () => {
    // kp-group committed 10 per partition in the first test; the librdkafka group commits now.
    const rd = await consume('confluent-kafka', 'rd-restart', 40);
    assert.deepEqual(rd.committed, { 0: 10, 1: 10, 2: 10, 3: 10 });
    await broker.close();
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: PROPS });
    const kafka = new Kafka({ clientId: 'setup', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'py', messages: Array.from({ length: 8 }, (_, i) => ({ key: `n${i}`, value: `new${i}`, partition: i % 4 })) });
    await producer.disconnect();
    const expected = [0, 1, 2, 3].flatMap((p) => [`${p}:10:new${p}`, `${p}:11:new${p + 4}`]).sort();
    for (const [client, group] of [['kafka-python', 'kp-group'], ['confluent-kafka', 'rd-restart']] as const) {
      const run = await consume(client, group, 8);
      assert.deepEqual(run.records.map(([p, o, v]) => `${p}:${o}:${v}`).sort(), expected, `${client} after the restart`);
    }
  });
});
