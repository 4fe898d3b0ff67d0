import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { fetchFrom, produce, batch, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

// kafkajs is a CommonJS devDependency: loaded with require, as src/testkit/kafkajs-producer.ts does.
const require = createRequire(import.meta.url);
const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs') as typeof import('kafkajs');
type Admin = ReturnType<InstanceType<typeof Kafka>['admin']>;

describe('kafkajs admin against the broker', () => {
  let t: HandlerTestBroker;
  let admin: Admin;

  before(async () => {
    t = await startHandlerTestBroker();
    admin = new Kafka({ clientId: 'samsa-admin-test', brokers: [t.broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await t?.close();
  });

  it('creates topics, with configs, and lists and describes them', async () => {
    const created = await admin.createTopics({
      topics: [
        { topic: 'kjs-a', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        { topic: 'kjs-b' },
      ],
      waitForLeaders: true,
    });
    assert.equal(created, true);
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-b' }] }), false, 'already exists: false, as kafkajs reports it');
    const topics = await admin.listTopics();
    assert.ok(topics.includes('kjs-a') && topics.includes('kjs-b'));
    const md = await admin.fetchTopicMetadata({ topics: ['kjs-a'] });
    assert.deepStrictEqual(md.topics[0]!.partitions.map((p) => p.partitionId).sort(), [0, 1]);

    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-a', configNames: ['retention.ms', 'cleanup.policy'] }],
      includeSynonyms: false,
    });
    const entries = described.resources[0]!.configEntries;
    assert.deepStrictEqual(entries.map((e) => [e.configName, e.configValue, e.isDefault]).sort(), [
      ['cleanup.policy', 'delete', true],
      ['retention.ms', '3600000', false],
    ]);
  });

  it('rejects a bad topic with the Kafka error', async () => {
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: 'kjs-bad', configEntries: [{ name: 'retention.ms', value: 'never' }] }] }),
      (err: Error & { errors?: { type: string }[] }) => err.errors?.[0]?.type === 'INVALID_CONFIG',
    );
  });

  it('alters configs and the change is in force', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-b', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }],
    });
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-b', configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    assert.equal(described.resources[0]!.configEntries[0]!.configValue, '1000');
    const tooBig = await produce(t.client, 'kjs-b', 0, batch(['x'], 2000));
    assert.notEqual(tooBig.errorCode, 0);

    const broker = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(t.broker.nodeId), configNames: ['num.partitions'] }],
      includeSynonyms: false,
    });
    assert.equal(broker.resources[0]!.configEntries[0]!.configValue, '1');
  });

  it('creates partitions, and the new partition takes data', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-a', count: 4 }] });
    const md = await admin.fetchTopicMetadata({ topics: ['kjs-a'] });
    assert.equal(md.topics[0]!.partitions.length, 4);
    assert.equal((await produce(t.client, 'kjs-a', 3, batch(['new']))).errorCode, 0);
    assert.equal((await fetchFrom(t.client, 'kjs-a', 3, 0n)).highWatermark, 1n);
  });

  it('deletes records and topics', async () => {
    await produce(t.client, 'kjs-a', 0, batch(['a', 'b', 'c', 'd']));
    await admin.deleteTopicRecords({ topic: 'kjs-a', partitions: [{ partition: 0, offset: '2' }] });
    const offsets = await admin.fetchTopicOffsets('kjs-a');
    const p0 = offsets.find((o) => o.partition === 0)!;
    assert.deepStrictEqual([p0.low, p0.high], ['2', '4']);

    await admin.deleteTopics({ topics: ['kjs-a', 'kjs-b'] });
    const topics = await admin.listTopics();
    assert.equal(topics.includes('kjs-a') || topics.includes('kjs-b'), false);
  });
});
