import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { CompressionTypes } from '../../../src/client/producer/producer-types.js';
import { assertToolsPresent, ProcessTracker, skipUnlessTools } from '../../../src/testkit/interop-tools.js';
import { dumpTopic } from '../../../src/testkit/topic-dump.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

interface KcatRecord {
  partition: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

describe('Samsa producer interop with kcat (librdkafka)', { skip: skipUnlessTools(['kcat']) }, () => {
  let tb: TestBroker;
  const processes = new ProcessTracker();
  before(async () => {
    assertToolsPresent(['kcat']);
    tb = await startTestBroker({ properties: { 'num.partitions': '6' } });
  });
  after(async () => {
    processes.killAll();
    await tb?.close();
  });

  it('kcat reads what Samsa wrote (zstd) with identical keys, values, headers and partitions', { timeout: 60_000 }, async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 120 }, (_, i) => ({ key: `user-${i % 17}`, value: `event ${i} ✓`, headers: { trace: `t-${i}` } }));
    try {
      await producer.send({ topic: 'to-kcat', messages, compression: CompressionTypes.ZSTD });
    } finally {
      await producer.disconnect();
    }
    const r = await processes.run('kcat', ['-C', '-b', tb.bootstrap, '-t', 'to-kcat', '-J', '-e', '-q'], { timeoutMs: 30_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    const read = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as KcatRecord);
    assert.equal(read.length, messages.length);
    const got = read.map((x) => `${x.partition}|${x.key}|${x.payload}|${(x.headers ?? []).join('=')}`).sort();
    const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'to-kcat');
    const stored = dump.records.map((x) => `${x.partition}|${x.key}|${x.value}|${x.headers.map(([k, v]) => `${k}=${v}`).join('=')}`).sort();
    assert.deepStrictEqual(got, stored);
    assert.deepStrictEqual(read.map((x) => `${x.key}|${x.payload}`).sort(), messages.map((m) => `${m.key}|${m.value}`).sort());
  });

  it('keyed records land on the partitions librdkafka\'s murmur2_random partitioner picks', { timeout: 60_000 }, async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `k${i * 31}-${i}`);
    const input = keys.map((k) => `${k}\t${k}`).join('\n') + '\n';
    const produced = await processes.run('kcat', ['-P', '-b', tb.bootstrap, '-t', 'by-kcat', '-K', '\t', '-X', 'partitioner=murmur2_random'], { input, timeoutMs: 30_000 });
    assert.equal(produced.exitCode, 0, produced.stderr);
    const kafka = new Kafka({ brokers: [tb.bootstrap] });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'by-samsa', messages: keys.map((k) => ({ key: k, value: k })) });
    } finally {
      await producer.disconnect();
    }
    const theirs = new Map((await dumpTopic('127.0.0.1', tb.broker.port, 'by-kcat')).records.map((x) => [x.key, x.partition]));
    const ours = new Map((await dumpTopic('127.0.0.1', tb.broker.port, 'by-samsa')).records.map((x) => [x.key, x.partition]));
    assert.equal(theirs.size, keys.length);
    assert.ok(new Set(theirs.values()).size > 1, 'keys spread over several partitions');
    for (const k of keys) assert.equal(ours.get(k), theirs.get(k), k);
  });
});
