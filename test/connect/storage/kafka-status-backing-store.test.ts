/**
 * KafkaStatusBackingStore against an in-process broker.
 *
 * Byte fixtures, Kafka's formats: KafkaStatusBackingStore serialises STATUS_SCHEMA_V0
 * `{state: string, trace: string?, worker_id: string, generation: int32}` and, for topics,
 * `map<string, {name, connector, task: int32, discoverTimestamp: int64}>` under the single key
 * `topic`, through JsonConverter with schemas.enable=false (a null optional field is written as
 * `null`). Keys: `status-connector-<name>`, `status-task-<name>-<n>`,
 * `status-topic-<topic>:connector-<name>`; a DESTROYED status or a deletion is a tombstone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaStatusBackingStore } from '../../../src/connect/storage/kafka-status-backing-store.js';
import { readRaw, useStoreTestBroker, writeRaw } from './storage-test-support.js';

describe('KafkaStatusBackingStore', () => {
  const env = useStoreTestBroker('status-store-test');

  async function store(topic: string, partitions = 5): Promise<KafkaStatusBackingStore> {
    const s = new KafkaStatusBackingStore({ kafka: env.kafka, topic, partitions, replicationFactor: 3 });
    env.stores.push(s);
    await s.start();
    return s;
  }

  it('writes Kafka\'s exact records into a compacted topic with 5 partitions, keyed-partitioned', async () => {
    const s = await store('st-bytes');
    const meta = await env.admin.fetchTopicMetadata({ topics: ['st-bytes'] });
    assert.equal(meta.topics[0]!.partitions.length, 5);
    await s.putConnector({ connector: 'c1', state: 'RUNNING', trace: null, workerId: '127.0.0.1:8083', generation: 3 });
    await s.putTask({ id: { connector: 'c1', task: 0 }, state: 'FAILED', trace: 'java.lang.Exception: boom\n\tat X', workerId: '127.0.0.1:8083', generation: 3 });
    await s.putTopic('c1', 'orders', 0, 1_700_000_000_000);
    await s.putTask({ id: { connector: 'c1', task: 1 }, state: 'DESTROYED', trace: null, workerId: 'w', generation: 3 });
    const raw = await readRaw(env.kafka, env.admin, 'st-bytes');
    const byKey = new Map(raw.map((r) => [r.key, r]));
    assert.equal(byKey.get('status-connector-c1')!.value, '{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:8083","generation":3}');
    assert.equal(byKey.get('status-task-c1-0')!.value, '{"state":"FAILED","trace":"java.lang.Exception: boom\\n\\tat X","worker_id":"127.0.0.1:8083","generation":3}');
    assert.equal(byKey.get('status-topic-orders:connector-c1')!.value, '{"topic":{"name":"orders","connector":"c1","task":0,"discoverTimestamp":1700000000000}}');
    assert.equal(byKey.get('status-task-c1-1')!.value, null, 'DESTROYED is a tombstone');
    assert.equal(raw.length, 4);
    // Keyed records land where Kafka's partitioner puts them: records of one key share a partition.
    await s.putConnector({ connector: 'c1', state: 'PAUSED', trace: null, workerId: '127.0.0.1:8083', generation: 3 });
    const again = (await readRaw(env.kafka, env.admin, 'st-bytes')).filter((r) => r.key === 'status-connector-c1');
    assert.equal(again.length, 2);
    assert.equal(again[0]!.partition, again[1]!.partition);
  });

  it('round trip, restart survival and tombstones', async () => {
    const a = await store('st-restart');
    await a.putConnector({ connector: 'c', state: 'RUNNING', trace: null, workerId: 'w1', generation: 1 });
    await a.putTask({ id: { connector: 'c', task: 0 }, state: 'RUNNING', trace: null, workerId: 'w1', generation: 1 });
    await a.putTask({ id: { connector: 'c', task: 1 }, state: 'FAILED', trace: 'oops', workerId: 'w2', generation: 1 });
    await a.putConnector({ connector: 'd', state: 'PAUSED', trace: null, workerId: 'w2', generation: 1 });
    await a.putTopic('c', 'topic-a');
    await a.putTopic('c', 'topic-b', 1);
    assert.deepStrictEqual(a.getConnector('c'), { connector: 'c', state: 'RUNNING', trace: null, workerId: 'w1', generation: 1 });
    assert.deepStrictEqual(a.getAllTasks('c').map((t) => [t.id.task, t.state, t.trace]), [[0, 'RUNNING', null], [1, 'FAILED', 'oops']]);
    assert.deepStrictEqual(a.getAllTopics('c'), ['topic-a', 'topic-b']);
    await a.stop();

    const b = await store('st-restart');
    assert.deepStrictEqual(b.connectors(), ['c', 'd']);
    assert.deepStrictEqual(b.getTask({ connector: 'c', task: 1 }), { id: { connector: 'c', task: 1 }, state: 'FAILED', trace: 'oops', workerId: 'w2', generation: 1 });
    assert.deepStrictEqual(b.getAllTopicStatuses('c').find((t) => t.topic === 'topic-b')!.task, 1);
    await b.deleteTopics('c');
    assert.deepStrictEqual(b.getAllTopics('c'), []);
    await b.deleteConnector('c');
    assert.equal(b.getConnector('c'), null);
    assert.deepStrictEqual(b.getAllTasks('c'), []);
    assert.deepStrictEqual(b.connectors(), ['d']);

    const c = await store('st-restart');
    assert.deepStrictEqual(c.connectors(), ['d'], 'the tombstones survive a restart');
    assert.deepStrictEqual(c.getAllTasks('c'), []);
    assert.deepStrictEqual(c.getAllTopics('c'), []);
  });

  it('applies Kafka\'s generation rules: putSafe does not overwrite another worker\'s newer generation; a stale UNASSIGNED does not replace RUNNING', async () => {
    const w1 = await store('st-gen');
    const w2 = await store('st-gen');
    const id = { connector: 'g', task: 0 };
    await w1.putTask({ id, state: 'RUNNING', trace: null, workerId: 'w1', generation: 5 });
    await w2.refresh(10_000);
    assert.equal(await w2.putTaskSafe({ id, state: 'UNASSIGNED', trace: null, workerId: 'w2', generation: 4 }), false);
    assert.equal(await w2.putConnectorSafe({ connector: 'g', state: 'FAILED', trace: 'x', workerId: 'w2', generation: 4 }), true, 'nothing stored yet: safe');
    await w1.refresh(10_000);
    assert.deepStrictEqual(w1.getTask(id), { id, state: 'RUNNING', trace: null, workerId: 'w1', generation: 5 });
    assert.equal(w1.getConnector('g')!.state, 'FAILED');
    // The same worker may always overwrite its own status; a newer generation may overwrite another's.
    assert.equal(await w1.putTaskSafe({ id, state: 'PAUSED', trace: null, workerId: 'w1', generation: 2 }), true);
    assert.equal(await w2.putTaskSafe({ id, state: 'RUNNING', trace: null, workerId: 'w2', generation: 6 }), true);
    await w1.refresh(10_000);
    assert.deepStrictEqual(w1.getTask(id), { id, state: 'RUNNING', trace: null, workerId: 'w2', generation: 6 });
    // A late UNASSIGNED of the same generation from another worker (it had not read the RUNNING yet) is ignored when read.
    await writeRaw(env.kafka, 'st-gen', [{ key: 'status-task-g-0', value: '{"state":"UNASSIGNED","trace":null,"worker_id":"w3","generation":6}' }]);
    await w1.refresh(10_000);
    assert.equal(w1.getTask(id)!.state, 'RUNNING');
    await writeRaw(env.kafka, 'st-gen', [{ key: 'status-task-g-0', value: '{"state":"UNASSIGNED","trace":null,"worker_id":"w3","generation":7}' }]);
    await w1.refresh(10_000);
    assert.equal(w1.getTask(id)!.state, 'UNASSIGNED', 'from a newer generation it applies');
  });

  it('refuses an existing status topic that is not compacted', async () => {
    await env.admin.createTopics({ topics: [{ topic: 'st-delete', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] }] });
    const s = new KafkaStatusBackingStore({ kafka: env.kafka, topic: 'st-delete', partitions: 5, replicationFactor: -1 });
    await assert.rejects(s.start(), { name: 'ConfigException', message: /^Topic 'st-delete' supplied via the 'status.storage.topic' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of connector and task statuses, but found the topic currently has 'cleanup.policy=compact,delete'\./ });
  });
});
