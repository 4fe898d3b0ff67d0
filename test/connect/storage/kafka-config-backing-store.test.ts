/**
 * KafkaConfigBackingStore against an in-process broker.
 *
 * The byte fixtures are Kafka's formats: KafkaConfigBackingStore serialises Structs of its
 * schemas (CONNECTOR_CONFIGURATION_V0 `{properties: map<string,string?>}`, CONNECTOR_TASKS_COMMIT_V0
 * `{tasks: int32}`, TARGET_STATE_V1 `{state: string, state.v2: string?}` with `state` = PAUSED for
 * STOPPED, RESTART_REQUEST_V0 `{include-tasks: boolean, only-failed: boolean}`) through JsonConverter
 * with schemas.enable=false: compact JSON with the fields in schema order. Keys are the plain
 * strings `connector-<name>`, `task-<name>-<n>`, `commit-<name>`, `target-state-<name>`,
 * `restart-connector-<name>`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaConfigBackingStore } from '../../../src/connect/storage/kafka-config-backing-store.js';
import { readRaw, useStoreTestBroker, writeRaw } from './storage-test-support.js';

describe('KafkaConfigBackingStore', () => {
  const env = useStoreTestBroker('config-store-test');

  async function store(topic: string, replicationFactor = 3): Promise<KafkaConfigBackingStore> {
    const s = new KafkaConfigBackingStore({ kafka: env.kafka, topic, replicationFactor });
    env.stores.push(s);
    await s.start();
    return s;
  }

  it('creates a compacted single-partition topic (the default replication factor 3 lowered to the one broker) and writes Kafka\'s exact records', async () => {
    const s = await store('cfg-bytes');
    assert.equal(s.snapshot().offset, -1n);
    const meta = await env.admin.fetchTopicMetadata({ topics: ['cfg-bytes'] });
    assert.equal(meta.topics[0]!.partitions.length, 1);
    assert.equal(meta.topics[0]!.partitions[0]!.replicas.length, 1);
    const configs = await env.admin.describeConfigs({ resources: [{ type: 2, name: 'cfg-bytes', configNames: ['cleanup.policy'] }] });
    assert.equal(configs.resources[0]!.configEntries[0]!.configValue, 'compact');

    await s.putConnectorConfig('src', { 'connector.class': 'FileStreamSource', 'tasks.max': '2' }, 'STOPPED');
    await s.putTaskConfigs('src', [{ 'task.class': 'T', file: 'a' }, { 'task.class': 'T', file: 'b' }]);
    await s.putTargetState('src', 'PAUSED');
    await s.putTargetState('src', 'STARTED');
    await s.putRestartRequest({ connector: 'src', includeTasks: true, onlyFailed: false });
    await s.removeConnectorConfig('src');
    const raw = await readRaw(env.kafka, env.admin, 'cfg-bytes');
    assert.deepStrictEqual(raw.map((r) => [r.key, r.value]), [
      ['target-state-src', '{"state":"PAUSED","state.v2":"STOPPED"}'],
      ['connector-src', '{"properties":{"connector.class":"FileStreamSource","tasks.max":"2"}}'],
      ['task-src-0', '{"properties":{"task.class":"T","file":"a"}}'],
      ['task-src-1', '{"properties":{"task.class":"T","file":"b"}}'],
      ['commit-src', '{"tasks":2}'],
      ['target-state-src', '{"state":"PAUSED","state.v2":"PAUSED"}'],
      ['target-state-src', '{"state":"STARTED","state.v2":"STARTED"}'],
      ['restart-connector-src', '{"include-tasks":true,"only-failed":false}'],
      ['connector-src', null],
      ['target-state-src', null],
    ]);
    await s.refresh(10_000);
    const snap = s.snapshot();
    assert.equal(snap.offset, 10n, 'the offset after the last record read, as Kafka counts');
    assert.equal(snap.connectorConfigs.has('src'), false, 'the tombstone deleted the connector');
    assert.equal(snap.targetStates.has('src'), false);
    assert.equal(snap.taskConfigs.has('src'), false, 'its tasks went with it');
  });

  it('round trip, and a second store on the same topic (a restart) sees the same state', async () => {
    const a = await store('cfg-restart');
    await a.putConnectorConfig('one', { 'connector.class': 'X', 'tasks.max': '1' });
    await a.putConnectorConfig('two-with-dashes', { 'connector.class': 'Y' }, 'PAUSED');
    await a.putTaskConfigs('two-with-dashes', [{ t: '0' }, { t: '1' }, { t: '2' }]);
    await a.putConnectorConfig('gone', { 'connector.class': 'Z' });
    await a.removeConnectorConfig('gone');
    await a.putConnectorConfig('stopped', { 'connector.class': 'Z' });
    await a.putTargetState('stopped', 'STOPPED');
    await a.refresh(10_000);
    const expected = a.snapshot();
    assert.deepStrictEqual(Object.fromEntries(expected.connectorConfigs), { one: { 'connector.class': 'X', 'tasks.max': '1' }, 'two-with-dashes': { 'connector.class': 'Y' }, stopped: { 'connector.class': 'Z' } });
    assert.deepStrictEqual(Object.fromEntries(expected.targetStates), { one: 'STARTED', 'two-with-dashes': 'PAUSED', stopped: 'STOPPED' });
    assert.deepStrictEqual(expected.taskConfigs.get('two-with-dashes'), [{ t: '0' }, { t: '1' }, { t: '2' }]);
    await a.stop();

    const b = await store('cfg-restart');
    assert.deepStrictEqual(b.snapshot(), expected);
    // The same instance stopped and started again reads the topic afresh to the same state.
    await b.stop();
    await b.start();
    assert.deepStrictEqual(b.snapshot(), expected);
  });

  it('calls the listener for another instance\'s writes once started, not for what was read at start', async () => {
    const a = await store('cfg-listen');
    await a.putConnectorConfig('early', { 'connector.class': 'X' });
    const b = new KafkaConfigBackingStore({ kafka: env.kafka, topic: 'cfg-listen', replicationFactor: -1 });
    env.stores.push(b);
    const events: string[] = [];
    b.setUpdateListener({
      onConnectorConfigUpdate: (c) => void events.push(`update ${c}`),
      onConnectorConfigRemove: (c) => void events.push(`remove ${c}`),
      onTaskConfigUpdate: (c) => void events.push(`tasks ${c}`),
      onConnectorTargetStateChange: (c) => void events.push(`state ${c}`),
      onRestartRequest: (r) => void events.push(`restart ${r.connector} ${r.includeTasks} ${r.onlyFailed}`),
    });
    await b.start();
    assert.deepStrictEqual(events, [], 'records read during start() call nothing');
    await a.putConnectorConfig('c1', { 'connector.class': 'X' });
    await a.putTaskConfigs('c1', [{ t: '0' }]);
    await a.putTargetState('c1', 'PAUSED');
    await a.putTargetState('c1', 'PAUSED'); // unchanged: no call
    await a.putTargetState('ghost', 'PAUSED'); // no such connector: no call
    await a.putRestartRequest({ connector: 'c1', includeTasks: false, onlyFailed: true });
    await a.removeConnectorConfig('c1');
    await b.refresh(10_000);
    assert.deepStrictEqual(events, ['update c1', 'tasks c1', 'state c1', 'restart c1 false true', 'remove c1']);
    assert.equal(b.snapshot().targetStates.get('ghost'), 'PAUSED', 'the state is kept for a connector created later (KIP-980 initial state)');
  });

  it('task configs stay invisible until their commit record; an incomplete commit marks the connector inconsistent', async () => {
    const a = await store('cfg-commit');
    await a.putConnectorConfig('c', { 'connector.class': 'X' });
    // Another worker's task records, without the commit yet.
    await writeRaw(env.kafka, 'cfg-commit', [
      { key: 'task-c-0', value: '{"properties":{"n":"0"}}' },
      { key: 'task-c-1', value: '{"properties":{"n":"1"}}' },
    ]);
    await a.refresh(10_000);
    assert.equal(a.snapshot().taskConfigs.has('c'), false, 'deferred until the commit');
    await writeRaw(env.kafka, 'cfg-commit', [{ key: 'commit-c', value: '{"tasks":2}' }]);
    await a.refresh(10_000);
    assert.deepStrictEqual(a.snapshot().taskConfigs.get('c'), [{ n: '0' }, { n: '1' }]);

    // A commit for 3 tasks with only task 0 rewritten (the others compacted away): not applied.
    await writeRaw(env.kafka, 'cfg-commit', [{ key: 'task-c-0', value: '{"properties":{"n":"new0"}}' }, { key: 'commit-c', value: '{"tasks":3}' }]);
    await a.refresh(10_000);
    let snap = a.snapshot();
    assert.deepStrictEqual([...snap.inconsistentConnectors], ['c']);
    assert.deepStrictEqual(snap.taskConfigs.get('c'), [], 'an inconsistent connector has no tasks');
    // A complete generation repairs it.
    await a.putTaskConfigs('c', [{ n: 'a' }]);
    snap = a.snapshot();
    assert.deepStrictEqual([...snap.inconsistentConnectors], []);
    assert.deepStrictEqual(snap.taskConfigs.get('c'), [{ n: 'a' }]);
    // A commit for a connector with no config is ignored.
    await writeRaw(env.kafka, 'cfg-commit', [{ key: 'task-nobody-0', value: '{"properties":{}}' }, { key: 'commit-nobody', value: '{"tasks":1}' }]);
    await a.refresh(10_000);
    assert.equal(a.snapshot().taskConfigs.has('nobody'), false);
  });

  it('reads records written by older Kafka workers (target state v0) and ignores keys it does not use', async () => {
    const a = await store('cfg-legacy');
    await writeRaw(env.kafka, 'cfg-legacy', [
      { key: 'connector-old', value: '{"properties":{"connector.class":"X"}}' },
      { key: 'target-state-old', value: '{"state":"PAUSED"}' },
      { key: 'session-key', value: '{"key":"AAAA","algorithm":"HmacSHA256","creation-timestamp":1700000000000}' },
      { key: 'tasks-fencing-old', value: '{"task-count":2}' },
      { key: 'connector-later', value: '{"properties":{"connector.class":"Y"}}' },
      { key: 'target-state-later', value: null },
    ]);
    await a.refresh(10_000);
    const snap = a.snapshot();
    assert.equal(snap.targetStates.get('old'), 'PAUSED');
    assert.equal(snap.targetStates.get('later'), 'STARTED', 'a target-state tombstone falls back to STARTED while the connector exists');
    assert.deepStrictEqual([...snap.connectorConfigs.keys()].sort(), ['later', 'old']);
    assert.equal(snap.offset, 6n);
  });

  it('refuses a config topic with more than one partition, and an existing topic that is not compacted, with Kafka\'s messages', async () => {
    await env.admin.createTopics({ topics: [{ topic: 'cfg-two', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const two = new KafkaConfigBackingStore({ kafka: env.kafka, topic: 'cfg-two', replicationFactor: -1 });
    await assert.rejects(two.start(), {
      name: 'ConfigException',
      message: "Topic 'cfg-two' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found 2 partitions.",
    });
    await env.admin.createTopics({ topics: [{ topic: 'cfg-delete', numPartitions: 1 }] });
    const del = new KafkaConfigBackingStore({ kafka: env.kafka, topic: 'cfg-delete', replicationFactor: -1 });
    await assert.rejects(del.start(), {
      name: 'ConfigException',
      message: "Topic 'cfg-delete' supplied via the 'config.storage.topic' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of connector configurations, but found the topic currently has 'cleanup.policy=delete'. Continuing would likely result in eventually losing connector configurations and problems restarting this Connect cluster in the future. Change the 'config.storage.topic' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.",
    });
    assert.throws(() => new KafkaConfigBackingStore({ kafka: env.kafka, topic: '', replicationFactor: -1 }), { message: 'Must specify topic for connector configuration.' });
  });
});
