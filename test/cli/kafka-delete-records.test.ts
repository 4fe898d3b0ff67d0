import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../src/client/kafka.js';
import { parseOffsetJson } from '../../src/cli/kafka-delete-records.js';
import { startTestBroker } from '../client/client-test-support.js';
import type { TestBroker } from '../client/client-test-support.js';
import { runBin, tempFile } from './cli-test-support.js';

it('the offset JSON file is checked as Kafka checks it', () => {
  assert.deepEqual(parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":10},{"topic":"t","partition":1,"offset":-1}],"version":1}'), [
    { topic: 't', partition: 0, offset: 10 },
    { topic: 't', partition: 1, offset: -1 },
  ]);
  assert.throws(() => parseOffsetJson('{"partitions":['), /not valid JSON/);
  assert.throws(() => parseOffsetJson('{"partitions":[],"version":2}'), /Not supported version field value 2/);
  assert.throws(() => parseOffsetJson('{"version":1}'), /"partitions"/);
  assert.throws(() => parseOffsetJson('{"partitions":[{"topic":"t","partition":0}]}'), /partitions\[0\]/);
  assert.throws(() => parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2}]}'), /duplicate topic partitions: t-0/);
});

describe('kafka-delete-records (the installed bin) against a broker', () => {
  let tb: TestBroker;
  let bootstrap: string[];
  const deleteRecords = (json: string, ...args: string[]) => runBin('kafka-delete-records', [...bootstrap, '--offset-json-file', tempFile('offsets.json', json), ...args]);
  const lowWatermarks = async () => (await runBin('kafka-get-offsets', [...bootstrap, '--topic', 'dr', '--time', 'earliest'])).stdout;

  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '1' } });
    bootstrap = ['--bootstrap-server', tb.bootstrap];
    const kafka = new Kafka({ clientId: 'delete-records-test', brokers: [tb.bootstrap] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'dr', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'dr', messages: [...Array.from({ length: 20 }, (_, i) => ({ value: `a${i}`, partition: 0 })), ...Array.from({ length: 5 }, (_, i) => ({ value: `b${i}`, partition: 1 }))] });
    await producer.disconnect();
  });
  after(async () => {
    await tb?.close();
  });

  it('moves the low watermark of each partition (offset -1: the high watermark); kafka-get-offsets sees it', async () => {
    assert.equal(await lowWatermarks(), 'dr:0:0\ndr:1:0\n');
    const r = await deleteRecords('{"partitions":[{"topic":"dr","partition":0,"offset":10},{"topic":"dr","partition":1,"offset":-1}],"version":1}');
    assert.deepEqual(r, { code: 0, stdout: 'Executing records delete operation\nRecords delete operation completed:\npartition: dr-0\tlow_watermark: 10\npartition: dr-1\tlow_watermark: 5\n', stderr: '' });
    assert.equal(await lowWatermarks(), 'dr:0:10\ndr:1:5\n');
    const again = await deleteRecords('{"partitions":[{"topic":"dr","partition":0,"offset":12}]}', '--command-config', tempFile('c.properties', 'client.id=dr\n'));
    assert.equal(again.stdout, 'Executing records delete operation\nRecords delete operation completed:\npartition: dr-0\tlow_watermark: 12\n');
    assert.equal(await lowWatermarks(), 'dr:0:12\ndr:1:5\n');
  });

  it('a partition that fails reports its error on its line and the tool exits 1; the others are deleted', async () => {
    const r = await deleteRecords('{"partitions":[{"topic":"dr","partition":0,"offset":99},{"topic":"nope","partition":0,"offset":1},{"topic":"dr","partition":1,"offset":5}],"version":1}');
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.split('\n'), [
      'Executing records delete operation',
      'Records delete operation completed:',
      'partition: dr-0\terror: OFFSET_OUT_OF_RANGE: dr-0',
      'partition: nope-0\terror: UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.',
      'partition: dr-1\tlow_watermark: 5',
      '',
    ]);
  });

  it('usage errors exit 1 with one line on stderr', async () => {
    const cases: Array<[Promise<{ code: number; stdout: string; stderr: string }>, RegExp]> = [
      [deleteRecords('{"partitions":[{"topic":"dr"'), /^kafka-delete-records: the offset JSON file is not valid JSON/],
      [deleteRecords('{"partitions":[],"version":3}'), /Not supported version field value 3/],
      [runBin('kafka-delete-records', bootstrap), /Missing required argument "\[offset-json-file\]"/],
      [runBin('kafka-delete-records', [...bootstrap, '--offset-json-file', '/nonexistent/x.json']), /cannot read --offset-json-file \/nonexistent\/x\.json/],
      [runBin('kafka-delete-records', ['--offset-json-file', tempFile('o.json', '{}')]), /bootstrap-server/],
    ];
    for (const [running, expected] of cases) {
      const r = await running;
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), expected);
    }
  });
});
