import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kafkaReassignPartitions } from '../../src/cli/kafka-reassign-partitions.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { pollUntil } from '../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await kafkaReassignPartitions(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('kafka-reassign-partitions against a three-broker cluster', { skip }, () => {
  let cluster: SamsaCluster;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-reassign-tool-'));
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'offsets.topic.replication.factor': '1' } });
    const c = await cluster.client(1);
    try {
      const res = await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'tool', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [2] }], configs: [] }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE);
    } finally {
      c.close();
    }
  });

  after(async () => {
    await cluster?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('--generate proposes an assignment over --broker-list with the same replication factor', async () => {
    const topicsFile = join(dir, 'topics.json');
    writeFileSync(topicsFile, JSON.stringify({ version: 1, topics: [{ topic: 'tool' }] }));
    const r = await run(['--bootstrap-server', cluster.bootstrap, '--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '2,3']);
    assert.equal(r.code, 0, r.err);
    const [currentLine, proposedLine] = r.out.split('\n').filter((l) => l.startsWith('{'));
    assert.match(r.out, /^Current partition replica assignment\n/);
    assert.match(r.out, /\n\nProposed partition reassignment configuration\n/);
    assert.deepEqual(JSON.parse(currentLine!), { version: 1, partitions: [{ topic: 'tool', partition: 0, replicas: [1], log_dirs: ['any'] }, { topic: 'tool', partition: 1, replicas: [2], log_dirs: ['any'] }] });
    const proposed = JSON.parse(proposedLine!) as { partitions: { topic: string; partition: number; replicas: number[] }[] };
    assert.deepEqual(proposed.partitions.map((p) => p.partition), [0, 1]);
    for (const p of proposed.partitions) {
      assert.equal(p.replicas.length, 1);
      assert.ok([2, 3].includes(p.replicas[0]!), `only brokers 2 and 3: ${JSON.stringify(p.replicas)}`);
    }
    assert.notEqual(proposed.partitions[0]!.replicas[0], proposed.partitions[1]!.replicas[0], 'spread over the brokers');
  });

  it('--execute starts the moves and prints the rollback assignment; --verify reports them completed; --list and --cancel', async () => {
    const file = join(dir, 'move.json');
    writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic: 'tool', partition: 0, replicas: [3], log_dirs: ['any'] }] }));
    const started = await run(['--bootstrap-server', cluster.bootstrap, '--execute', '--reassignment-json-file', file]);
    assert.equal(started.code, 0, started.err);
    assert.match(started.out, /Current partition replica assignment\n\n\{"version":1,"partitions":\[\{"topic":"tool","partition":0,"replicas":\[1\],"log_dirs":\["any"\]\}\]\}\n\nSave this to use as the --reassignment-json-file option during rollback\nSuccessfully started partition reassignment for tool-0/);
    const verified = await pollUntil('the move verified', () => run(['--bootstrap-server', cluster.bootstrap, '--verify', '--reassignment-json-file', file]), (r) => r.code === 0, { timeoutMs: 30_000 });
    assert.equal(verified.out, 'Status of partition reassignment:\nReassignment of partition tool-0 is completed.');
    const listed = await run(['--bootstrap-server', cluster.bootstrap, '--list']);
    assert.equal(listed.code, 0, listed.err);
    assert.equal(listed.out, 'No partition reassignments found.');
    const cancelled = await run(['--bootstrap-server', cluster.bootstrap, '--cancel', '--reassignment-json-file', file]);
    assert.equal(cancelled.code, 0, cancelled.err);
    assert.equal(cancelled.out, 'None of the specified partition reassignments are active: tool-0');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ version: 1, partitions: [{ topic: 'tool', partition: 1, replicas: [1, 9] }] }));
    const refused = await run(['--bootstrap-server', cluster.bootstrap, '--execute', '--reassignment-json-file', wrong]);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /Error reassigning partition\(s\):\ntool-1: INVALID_REPLICA_ASSIGNMENT/);
  });

  it('usage errors exit 1 and name what is missing', async () => {
    const none = await run(['--bootstrap-server', cluster.bootstrap]);
    assert.equal(none.code, 1);
    assert.match(none.err, /exactly one action/);
    const noFile = await run(['--bootstrap-server', cluster.bootstrap, '--verify']);
    assert.match(noFile.err, /reassignment-json-file/);
    const noServer = await run(['--list']);
    assert.match(noServer.err, /bootstrap-server/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"partitions":[{"topic":"tool","partition":0}]}');
    const invalid = await run(['--bootstrap-server', cluster.bootstrap, '--execute', '--reassignment-json-file', bad]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /"replicas"/);
    const unknownFlag = await run(['--bootstrap-server', cluster.bootstrap, '--list', '--frobnicate']);
    assert.equal(unknownFlag.code, 1);
    assert.match(unknownFlag.err, /frobnicate/);
  });
});
