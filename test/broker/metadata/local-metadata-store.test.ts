import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { LOCAL_METADATA_FILE, LocalMetadataStore } from '../../../src/broker/metadata/local-metadata-store.js';
import type { MetadataEvent } from '../../../src/broker/metadata/metadata-store.js';

describe('LocalMetadataStore: validate-only writes and dynamic broker configs', () => {
  let dir: string;
  const open = () => new LocalMetadataStore({ dir, nodeId: 1, clusterId: 'c1', endpoints: [], logger: silentLogger() });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-metadata-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a file written before broker configs existed, then keeps them across reopening', async () => {
    writeFileSync(join(dir, LOCAL_METADATA_FILE), JSON.stringify({ version: 1, clusterId: 'c1', nextProducerId: '0', topics: [] }));
    const store = open();
    assert.deepStrictEqual(store.brokerConfigs(1), {});
    assert.deepStrictEqual(store.brokerConfigs(null), {});
    const events: MetadataEvent[] = [];
    store.subscribe((e) => events.push(e));
    await store.setBrokerConfigs(1, { 'log.retention.bytes': '10' });
    await store.setBrokerConfigs(null, { 'log.cleaner.threads': '2' });
    assert.deepStrictEqual(events, [{ kind: 'brokerConfigChanged', brokerId: 1 }, { kind: 'brokerConfigChanged', brokerId: null }]);

    const again = open();
    assert.deepStrictEqual(again.brokerConfigs(1), { 'log.retention.bytes': '10' });
    assert.deepStrictEqual(again.brokerConfigs(null), { 'log.cleaner.threads': '2' });
    await again.setBrokerConfigs(1, {});
    assert.deepStrictEqual(open().brokerConfigs(1), {});
    assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, LOCAL_METADATA_FILE), 'utf8')).brokerConfigs, { '<default>': { 'log.cleaner.threads': '2' } });
  });

  it('writes no file for a fresh, unchanged store, and the first change writes one with the cluster id', async () => {
    const store = open();
    assert.equal(existsSync(join(dir, LOCAL_METADATA_FILE)), false);
    assert.deepStrictEqual(open().topics(), []);
    await store.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1, configs: {} });
    assert.equal(JSON.parse(readFileSync(join(dir, LOCAL_METADATA_FILE), 'utf8')).clusterId, 'c1');
    assert.throws(() => new LocalMetadataStore({ dir, nodeId: 1, clusterId: 'other', endpoints: [], logger: silentLogger() }), /belongs to cluster c1/);
  });

  it('validate-only createTopic and createPartitions check, answer what would be, and change nothing', async () => {
    const store = open();
    const events: MetadataEvent[] = [];
    store.subscribe((e) => events.push(e));
    const dry = await store.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1, configs: {} }, { validateOnly: true });
    assert.ok(dry.ok && dry.value.partitions.length === 2);
    assert.equal(store.topic('t'), undefined);
    const bad = await store.createTopic({ name: 't', numPartitions: 1, replicationFactor: 2, configs: {} }, { validateOnly: true });
    assert.deepStrictEqual(bad.ok ? null : bad.error, 'INVALID_REPLICATION_FACTOR');

    await store.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1, configs: {} });
    const grow = await store.createPartitions('t', 3, undefined, { validateOnly: true });
    assert.ok(grow.ok && grow.value.partitions.length === 3);
    assert.equal(store.topic('t')!.partitions.length, 1);
    assert.deepStrictEqual(events.map((e) => e.kind), ['topicCreated']);
    assert.equal(open().topic('t')!.partitions.length, 1);
  });
});
