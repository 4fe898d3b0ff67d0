/**
 * The distributed worker's storage settings (Kafka's DistributedConfig keys, defaults and
 * validator messages) and the factory that builds the three stores from worker properties,
 * against an in-process broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../../../src/client/admin/admin.js';
import { Kafka } from '../../../src/client/kafka.js';
import { ConfigDef } from '../../../src/connect/api/config-def.js';
import { createKafkaBackingStores, defineDistributedStorageConfigs, DISTRIBUTED_STORAGE_CONFIG_DEF, parseDistributedStorageSettings } from '../../../src/connect/storage/distributed-storage-config.js';
import { KafkaBasedLog } from '../../../src/connect/storage/kafka-based-log.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { writeRaw } from './storage-test-support.js';

const TOPICS = { 'config.storage.topic': 'connect-configs', 'offset.storage.topic': 'connect-offsets', 'status.storage.topic': 'connect-status' };

describe('distributed storage settings', () => {
  it('has Kafka\'s keys and defaults, and merges into a worker ConfigDef', () => {
    const s = parseDistributedStorageSettings(TOPICS);
    assert.deepStrictEqual(s, {
      config: { topic: 'connect-configs', replicationFactor: 3, topicConfigs: {} },
      offset: { topic: 'connect-offsets', partitions: 25, replicationFactor: 3, topicConfigs: {} },
      status: { topic: 'connect-status', partitions: 5, replicationFactor: 3, topicConfigs: {} },
    });
    const merged = defineDistributedStorageConfigs(new ConfigDef().define('group.id', 'STRING', { importance: 'HIGH' }));
    assert.deepStrictEqual(merged.names().sort(), ['config.storage.replication.factor', 'config.storage.topic', 'group.id', 'offset.storage.partitions', 'offset.storage.replication.factor', 'offset.storage.topic', 'status.storage.partitions', 'status.storage.replication.factor', 'status.storage.topic']);
    assert.deepStrictEqual(DISTRIBUTED_STORAGE_CONFIG_DEF.names().length, 8);
  });

  it('takes the other prefixed settings as topic configs, ignoring cleanup.policy and config partitions as Kafka does', () => {
    const s = parseDistributedStorageSettings({
      ...TOPICS,
      'config.storage.min.insync.replicas': '2',
      'config.storage.partitions': '4',
      'config.storage.cleanup.policy': 'delete',
      'offset.storage.partitions': '-1',
      'offset.storage.segment.bytes': '1048576',
      'offset.storage.file.filename': '/tmp/x',
      'status.storage.replication.factor': '-1',
      'status.storage.max.message.bytes': '1001',
    });
    assert.deepStrictEqual(s.config.topicConfigs, { 'min.insync.replicas': '2' });
    assert.deepStrictEqual(s.offset, { topic: 'connect-offsets', partitions: -1, replicationFactor: 3, topicConfigs: { 'segment.bytes': '1048576' } });
    assert.deepStrictEqual(s.status, { topic: 'connect-status', partitions: 5, replicationFactor: -1, topicConfigs: { 'max.message.bytes': '1001' } });
  });

  it('reports a missing topic or a bad number with Kafka\'s messages', () => {
    assert.throws(() => parseDistributedStorageSettings({ 'offset.storage.topic': 'o', 'status.storage.topic': 's' }), { message: 'Missing required configuration "config.storage.topic" which has no default value.' });
    assert.throws(() => parseDistributedStorageSettings({ ...TOPICS, 'config.storage.replication.factor': '0' }), {
      message: "Invalid value 0 for configuration config.storage.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
    });
    assert.throws(() => parseDistributedStorageSettings({ ...TOPICS, 'status.storage.partitions': '0' }), { message: "Invalid value 0 for configuration status.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default" });
    assert.throws(() => createKafkaBackingStores({ ...TOPICS, 'status.storage.topic': '' }, { kafka: new Kafka({ brokers: ['127.0.0.1:1'] }) }), { message: 'Must specify topic for connector status.' });
  });
});

describe('createKafkaBackingStores and KafkaBasedLog against a broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  before(async () => {
    tb = await startTestBroker();
    kafka = new Kafka({ clientId: 'storage-factory-test', brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await tb?.close();
  });

  it('builds the three stores from worker properties; they create their topics with the configured settings', async () => {
    const { configStore, statusStore, offsetStore } = createKafkaBackingStores({ ...TOPICS, 'offset.storage.partitions': '4', 'status.storage.partitions': '2', 'config.storage.segment.bytes': '1048576' }, { kafka });
    await Promise.all([configStore.start(), statusStore.start(), offsetStore.start()]);
    try {
      const meta = await admin.fetchTopicMetadata({ topics: ['connect-configs', 'connect-offsets', 'connect-status'] });
      assert.deepStrictEqual(meta.topics.map((t) => [t.name, t.partitions.length]), [['connect-configs', 1], ['connect-offsets', 4], ['connect-status', 2]]);
      const configs = await admin.describeConfigs({ resources: ['connect-configs', 'connect-offsets', 'connect-status'].map((name) => ({ type: 2, name, configNames: ['cleanup.policy', 'segment.bytes'] })) });
      const values = configs.resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((c) => [c.configName, c.configValue]))]);
      assert.deepStrictEqual(values[0], ['connect-configs', { 'cleanup.policy': 'compact', 'segment.bytes': '1048576' }]);
      assert.equal((values[1]![1] as Record<string, string>)['cleanup.policy'], 'compact');
      assert.equal((values[2]![1] as Record<string, string>)['cleanup.policy'], 'compact');
      await offsetStore.set([[['c', { p: 0 }], { o: 1 }]]);
      assert.deepStrictEqual(offsetStore.get(['c', { p: 0 }]), { o: 1 });
    } finally {
      await Promise.all([configStore.stop(), statusStore.stop(), offsetStore.stop()]);
    }
  });

  it('readToEnd() resolves only after every earlier record was handed over, and rejects after stop()', async () => {
    const seen: string[] = [];
    const log = new KafkaBasedLog({ kafka, topic: 'kbl', partitions: 3, replicationFactor: 1, topicConfigName: 'x.topic', topicPurpose: 'test records', onRecord: (r) => void seen.push(r.value?.toString() ?? 'null') });
    await log.start();
    try {
      assert.equal(log.partitionCount, 3);
      await writeRaw(kafka, 'kbl', Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
      await log.readToEnd();
      assert.equal(seen.length, 30, 'all records written before readToEnd() were handed over when it resolved');
      const sent = await log.sendAll([{ key: 'a', value: Buffer.from('A') }, { key: 'b', value: null }]);
      assert.equal(sent.length, 2);
      await log.readToEnd(10_000);
      assert.deepStrictEqual(seen.slice(30).sort(), ['A', 'null']);
    } finally {
      await log.stop();
    }
    await assert.rejects(log.readToEnd(), /not started/);
  });
});
