import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../../src/broker/broker.js';
import type { Broker } from '../../../src/broker/broker.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
const here = dirname(fileURLToPath(import.meta.url));
const MEMBER_SCRIPT = join(here, 'kafkajs-group-member.js');

const PROPS = {
  'offsets.topic.replication.factor': '1',
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'auto.create.topics.enable': 'false',
};

interface Member {
  child: ChildProcess;
  /** The latest assignment it printed. */
  partitions: number[] | null;
  assignments: number;
}

function spawnMember(bootstrap: string, group: string, topic: string, sessionTimeoutMs: number): Member {
  const child = spawn(process.execPath, [MEMBER_SCRIPT, bootstrap, group, topic, String(sessionTimeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const member: Member = { child, partitions: null, assignments: 0 };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const parsed = JSON.parse(line) as { partitions: number[] };
      member.partitions = parsed.partitions;
      member.assignments++;
    }
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return member;
}

async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

/** Every partition exactly once across the members' latest assignments. */
function splitExactly(members: Member[], partitions: number): boolean {
  const all = members.flatMap((m) => m.partitions ?? [-1]);
  return all.length === partitions && new Set(all).size === partitions && all.every((p) => p >= 0 && p < partitions);
}

describe('consumer groups with kafkajs', () => {
  let dir: string;
  let broker: Broker;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-group-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: PROPS });
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three members split 6 partitions; a killed member’s partitions move after its session timeout', { timeout: 40_000 }, async () => {
    const kafka = new Kafka({ clientId: 'admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'split', numPartitions: 6 }] });
    await admin.disconnect();
    const sessionTimeoutMs = 6000;
    const members = [0, 1, 2].map(() => spawnMember(broker.bootstrap, 'splitters', 'split', sessionTimeoutMs));
    children.push(...members.map((m) => m.child));
    await waitFor('three members to split the 6 partitions', 25_000, () => members.every((m) => (m.partitions?.length ?? 0) > 0) && splitExactly(members, 6));
    const before = members.map((m) => [...m.partitions!]);
    assert.deepEqual(before.map((p) => p.length), [2, 2, 2]);

    const killed = members[2]!;
    const survivors = members.slice(0, 2);
    const rounds = survivors.map((m) => m.assignments);
    killed.child.kill('SIGKILL');
    const ms = await waitFor('the survivors to take over the killed member’s partitions', 20_000, () => survivors.every((m, i) => m.assignments > rounds[i]!) && splitExactly(survivors, 6));
    // Nothing tells the broker before the session runs out (minus the heartbeat/tick granularity).
    assert.ok(ms >= sessionTimeoutMs - 1500, `reassigned after ${ms} ms, before the ${sessionTimeoutMs} ms session timeout`);
    for (const m of survivors) m.child.kill('SIGTERM');
  });

  it('a consumer resumes exactly after the last commit when the broker restarts', { timeout: 40_000 }, async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'samsa-group-restart-'));
    let b = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir2], properties: PROPS });
    try {
      let kafka = new Kafka({ clientId: 'resume', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'resume', numPartitions: 1 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'resume', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.disconnect();

      // First consumer reads everything but commits only up to offset 20 (the next to read).
      const first = kafka.consumer({ groupId: 'resumers', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
      await first.connect();
      await first.subscribe({ topic: 'resume', fromBeginning: true });
      const seen: number[] = [];
      await first.run({ autoCommit: false, eachMessage: async ({ message }) => void seen.push(Number(message.offset)) });
      await waitFor('the first consumer to read 30 records', 20_000, () => seen.length >= 30);
      await first.commitOffsets([{ topic: 'resume', partition: 0, offset: '20' }]);
      await first.disconnect();

      await b.close();
      b = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir2], properties: PROPS });
      kafka = new Kafka({ clientId: 'resume', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
      const admin2 = kafka.admin();
      await admin2.connect();
      const committed = await admin2.fetchOffsets({ groupId: 'resumers', topics: ['resume'] });
      await admin2.disconnect();
      assert.deepEqual(committed, [{ topic: 'resume', partitions: [{ partition: 0, offset: '20', metadata: null }] }]);

      const second = kafka.consumer({ groupId: 'resumers', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
      await second.connect();
      await second.subscribe({ topic: 'resume', fromBeginning: true });
      const resumed: string[] = [];
      await second.run({ autoCommit: false, eachMessage: async ({ message }) => void resumed.push(`${message.offset}:${message.value?.toString()}`) });
      await waitFor('the second consumer to read the uncommitted records', 20_000, () => resumed.length >= 10);
      await new Promise((r) => setTimeout(r, 300));
      await second.disconnect();
      assert.deepEqual(resumed, Array.from({ length: 10 }, (_, i) => `${20 + i}:v${20 + i}`));
    } finally {
      await b.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
