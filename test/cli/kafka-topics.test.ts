import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { kafkaTopics, parseReplicaAssignment } from '../../src/cli/kafka-topics.js';
import { pollUntil } from '../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await kafkaTopics(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('--replica-assignment parses Kafka’s broker-lists-per-partition form', () => {
  assert.deepEqual(parseReplicaAssignment('1:2,2:3,3:1'), [[1, 2], [2, 3], [3, 1]]);
  assert.deepEqual(parseReplicaAssignment('4'), [[4]]);
  assert.throws(() => parseReplicaAssignment('1:x'), /1:2,2:3/);
  assert.throws(() => parseReplicaAssignment('1:1'), /twice/);
});

describe('kafka-topics against a three-broker cluster', { skip }, () => {
  let cluster: SamsaCluster;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3 });
  });

  after(async () => {
    await cluster?.close();
  });

  it('--create with replication factor 3 and 6 partitions; --describe shows leaders spread and full ISRs (Kafka’s output)', async () => {
    const created = await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'orders', '--partitions', '6', '--replication-factor', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=delete']);
    assert.equal(created.code, 0, created.err);
    assert.equal(created.out, 'Created topic orders.');
    const described = await pollUntil('full ISRs', () => run(['--bootstrap-server', cluster.bootstrap, '--describe', '--topic', 'orders']), (r) => r.code === 0 && (r.out.match(/Isr: \d,\d,\d/g) ?? []).length === 6, { timeoutMs: 20_000 });
    const [header, ...lines] = described.out.split('\n');
    assert.match(header!, /^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 6\tReplicationFactor: 3\tConfigs: (cleanup\.policy=delete,retention\.ms=3600000|retention\.ms=3600000,cleanup\.policy=delete)$/);
    assert.equal(lines.length, 6);
    const leaders = new Map<string, number>();
    lines.forEach((line, i) => {
      const m = /^\tTopic: orders\tPartition: (\d+)\tLeader: (\d+)\tReplicas: (\d,\d,\d)\tIsr: (\d,\d,\d)$/.exec(line);
      assert.ok(m !== null, line);
      assert.equal(Number(m[1]), i);
      assert.deepEqual(m[3]!.split(',').sort(), ['1', '2', '3']);
      assert.deepEqual(m[4]!.split(',').sort(), ['1', '2', '3']);
      leaders.set(m[2]!, (leaders.get(m[2]!) ?? 0) + 1);
    });
    assert.deepEqual([...leaders.entries()].sort(), [['1', 2], ['2', 2], ['3', 2]], 'leaders spread: each broker leads two partitions');
    const again = await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'orders', '--partitions', '1']);
    assert.equal(again.code, 1);
    assert.match(again.err, /Topic 'orders' already exists/);
    assert.equal((await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'orders', '--if-not-exists'])).code, 0);
  });

  it('--list (regex, --exclude-internal), --alter --partitions, --describe filters, --delete', async () => {
    assert.equal((await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'orders-eu', '--partitions', '1', '--replication-factor', '2'])).code, 0);
    const listed = await run(['--bootstrap-server', cluster.bootstrap, '--list', '--topic', 'orders.*', '--exclude-internal']);
    assert.deepEqual(listed.out.split('\n'), ['orders', 'orders-eu']);
    const altered = await run(['--bootstrap-server', cluster.bootstrap, '--alter', '--topic', 'orders-eu', '--partitions', '3']);
    assert.equal(altered.code, 0, altered.err);
    await pollUntil('3 partitions', () => run(['--bootstrap-server', cluster.bootstrap, '--describe', '--topic', 'orders-eu']), (r) => /PartitionCount: 3/.test(r.out));
    const overrides = await run(['--bootstrap-server', cluster.bootstrap, '--describe', '--topics-with-overrides', '--exclude-internal']);
    assert.equal(overrides.out.split('\n').length, 1, overrides.out);
    assert.match(overrides.out, /^Topic: orders\t/);
    const under = await run(['--bootstrap-server', cluster.bootstrap, '--describe', '--under-replicated-partitions']);
    assert.equal(under.code, 0);
    const deleted = await run(['--bootstrap-server', cluster.bootstrap, '--delete', '--topic', 'orders-.*']);
    assert.equal(deleted.code, 0, deleted.err);
    await pollUntil('orders-eu gone', () => run(['--bootstrap-server', cluster.bootstrap, '--list']), (r) => !r.out.split('\n').includes('orders-eu'));
    const missing = await run(['--bootstrap-server', cluster.bootstrap, '--delete', '--topic', 'nothing']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Topic 'nothing' does not exist as expected/);
    assert.equal((await run(['--bootstrap-server', cluster.bootstrap, '--delete', '--topic', 'nothing', '--if-exists'])).code, 0);
  });

  it('--under-replicated-partitions and --unavailable-partitions list what a stopped broker leaves behind', async () => {
    assert.equal((await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'single', '--replica-assignment', '3'])).code, 0);
    await cluster.stopBroker(3);
    try {
      const under = await pollUntil('under-replicated partitions', () => run(['--bootstrap-server', cluster.bootstrap, '--describe', '--topic', 'orders', '--under-replicated-partitions']), (r) => r.out.split('\n').filter((l) => l.endsWith('Offline: 3')).length === 6, { timeoutMs: 20_000 });
      for (const line of under.out.split('\n')) assert.match(line, /Isr: \d,\d\tOffline: 3$/);
      // Every broker's cache follows ZooKeeper on its own: wait until the answering broker's view has the leader gone too.
      const unavailable = await pollUntil('an unavailable partition', () => run(['--bootstrap-server', cluster.bootstrap, '--describe', '--unavailable-partitions']), (r) => r.out.includes('single') && r.out.includes('Leader: none'), { timeoutMs: 20_000 });
      assert.equal(unavailable.out, '\tTopic: single\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\tOffline: 3');
    } finally {
      await cluster.startBroker(3);
    }
  });

  it('usage errors exit 1 naming the problem; the installed bin runs the same tool', async () => {
    assert.match((await run(['--bootstrap-server', cluster.bootstrap])).err, /exactly one action/);
    assert.match((await run(['--bootstrap-server', cluster.bootstrap, '--create'])).err, /\[topic\]/);
    assert.match((await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'x', '--partitions', '0'])).err, /--partitions must be a positive integer/);
    assert.match((await run(['--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'x', '--config', 'oops'])).err, /name=value/);
    assert.match((await run(['--bootstrap-server', cluster.bootstrap, '--list', '--nope'])).err, /nope/);
    // Asynchronously: the brokers run in this process and must keep answering while the bin runs.
    const bin = await promisify(execFile)(process.execPath, [join(root, 'dist', 'src', 'bin', 'kafka-topics.cjs'), '--bootstrap-server', cluster.bootstrap, '--list', '--topic', 'orders'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bin.stdout, 'orders\n');
  });
});
