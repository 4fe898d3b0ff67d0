import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../src/client/kafka.js';
import { parsePartitionList, parseTime, parseTopicPartitions } from '../../src/cli/kafka-get-offsets.js';
import { startTestBroker } from '../client/client-test-support.js';
import type { TestBroker } from '../client/client-test-support.js';
import { runBin, tempFile } from './cli-test-support.js';

it('--time, --partitions and --topic-partitions parse as Kafka’s GetOffsetShell', () => {
  assert.deepEqual(['latest', 'earliest', 'max-timestamp', '-1', '-2', '-3', '1700000000000'].map(parseTime), [-1, -2, -3, -1, -2, -3, 1_700_000_000_000]);
  assert.throws(() => parseTime('yesterday'), /Malformed time argument yesterday/);
  assert.throws(() => parseTime('-7'), /Malformed time argument/);
  assert.deepEqual([...parsePartitionList('0,2')], [0, 2]);
  assert.throws(() => parsePartitionList('0,x'), /numeric partition ids/);
  const rules = parseTopicPartitions('a:1,b:2-4,c,d:5-,e:-2,:7');
  const allowed = (t: string, p: number) => rules.some((r) => r.topic(t) && r.partition(p));
  assert.deepEqual([0, 1, 2].map((p) => allowed('a', p)), [false, true, false]);
  assert.deepEqual([1, 2, 3, 4].map((p) => allowed('b', p)), [false, true, true, false]);
  assert.ok(allowed('c', 99) && allowed('d', 5) && !allowed('d', 4) && allowed('e', 1) && !allowed('e', 2) && allowed('zzz', 7) && !allowed('zzz', 6));
  assert.ok(!allowed('ab', 1), 'the topic regex matches the whole name');
  assert.throws(() => parseTopicPartitions('a:x'), /Invalid rule specification: a:x/);
});

describe('kafka-get-offsets (the installed bin) against a broker', () => {
  let tb: TestBroker;
  let bootstrap: string[];
  const getOffsets = (...args: string[]) => runBin('kafka-get-offsets', [...bootstrap, ...args]);

  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '1' } });
    bootstrap = ['--bootstrap-server', tb.bootstrap];
    const kafka = new Kafka({ clientId: 'get-offsets-test', brokers: [tb.bootstrap] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'go-a', numPartitions: 3 }, { topic: 'go-b', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // go-a: partition 0 has 10 records stamped 1_000_000, 1_000_010, ...; partition 1 has 3; partition 2 none. go-b: 1 record.
    await producer.send({ topic: 'go-a', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: String(1_000_000 + i * 10) })) });
    await producer.send({ topic: 'go-a', messages: Array.from({ length: 3 }, (_, i) => ({ value: `w${i}`, partition: 1, timestamp: String(2_000_000 + i) })) });
    await producer.send({ topic: 'go-b', messages: [{ value: 'x', partition: 0, timestamp: '3000000' }] });
    await producer.disconnect();
  });
  after(async () => {
    await tb?.close();
  });

  it('latest (the default), earliest, a timestamp and max-timestamp', async () => {
    assert.deepEqual(await getOffsets('--topic', 'go-a'), { code: 0, stdout: 'go-a:0:10\ngo-a:1:3\ngo-a:2:0\n', stderr: '' });
    assert.equal((await getOffsets('--topic', 'go-a', '--time', 'latest')).stdout, 'go-a:0:10\ngo-a:1:3\ngo-a:2:0\n');
    assert.equal((await getOffsets('--topic', 'go-a', '--time', '-2')).stdout, 'go-a:0:0\ngo-a:1:0\ngo-a:2:0\n');
    assert.equal((await getOffsets('--topic', 'go-a', '--time', 'earliest')).stdout, 'go-a:0:0\ngo-a:1:0\ngo-a:2:0\n');
    // The first record at or after the time; no line where there is none.
    assert.deepEqual(await getOffsets('--topic', 'go-a', '--time', '1000045'), { code: 0, stdout: 'go-a:0:5\ngo-a:1:0\n', stderr: '' });
    assert.equal((await getOffsets('--topic', 'go-a', '--time', '2000001')).stdout, 'go-a:1:1\n');
    assert.equal((await getOffsets('--topic', 'go-a', '--time', '9000000')).stdout, '');
    assert.equal((await getOffsets('--topic', 'go-a', '--time', '-3')).stdout, 'go-a:0:9\ngo-a:1:2\n');
  });

  it('topic regex, --partitions, --topic-partitions, --exclude-internal-topics, --broker-list, --command-config', async () => {
    assert.equal((await getOffsets('--topic', 'go-.*', '--partitions', '0')).stdout, 'go-a:0:10\ngo-b:0:1\n');
    assert.equal((await getOffsets('--topic-partitions', 'go-a:1-3,go-b')).stdout, 'go-a:1:3\ngo-a:2:0\ngo-b:0:1\n');
    const all = await getOffsets('--exclude-internal-topics');
    assert.equal(all.stdout, 'go-a:0:10\ngo-a:1:3\ngo-a:2:0\ngo-b:0:1\n');
    const viaBrokerList = await runBin('kafka-get-offsets', ['--broker-list', tb.bootstrap, '--topic', 'go-b', '--command-config', tempFile('c.properties', 'client.id=x\n')]);
    assert.deepEqual(viaBrokerList, { code: 0, stdout: 'go-b:0:1\n', stderr: '' });
  });

  it('errors exit 1 with one line on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--topic', 'nope'], /^Error occurred: Could not match any topic-partitions with the specified filters$/],
      [['--topic', 'go-a', '--partitions', '7'], /^Error occurred: Could not match any topic-partitions with the specified filters$/],
      [['--topic', 'go-a', '--time', 'soon'], /Malformed time argument soon/],
      [['--topic', 'go-a', '--topic-partitions', 'go-a:0'], /--topic-partitions cannot be used with --topic or --partitions/],
      [['--topic-partitions', 'go-a:x'], /Invalid rule specification/],
    ];
    for (const [args, expected] of cases) {
      const r = await getOffsets(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), expected);
    }
    const noBootstrap = await runBin('kafka-get-offsets', ['--topic', 'go-a']);
    assert.equal(noBootstrap.code, 1);
    assert.match(noBootstrap.stderr, /bootstrap-server/);
  });
});
