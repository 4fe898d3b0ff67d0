/**
 * KafkaOffsetBackingStore against an in-process broker.
 *
 * Byte fixtures, Kafka's formats: the OffsetStorageWriter serialises the key
 * `Arrays.asList(connectorName, sourcePartition)` and the source offset map with the worker's
 * internal JsonConverter (schemas.enable=false), e.g. key `["local-file-source",{"filename":"test.txt"}]`
 * and value `{"position":1234}` (Kafka's FileStreamSource quickstart); a null offset is a
 * tombstone. The record goes to the partition Kafka's default partitioner picks for the key bytes:
 * toPositive(murmur2(key)) % partitions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionForKey } from '../../../src/client/producer/default-partitioner.js';
import { KafkaOffsetBackingStore } from '../../../src/connect/storage/kafka-offset-backing-store.js';
import { readRaw, useStoreTestBroker, writeRaw } from './storage-test-support.js';

describe('KafkaOffsetBackingStore', () => {
  const env = useStoreTestBroker('offset-store-test');

  async function store(topic: string, partitions = 25): Promise<KafkaOffsetBackingStore> {
    const s = new KafkaOffsetBackingStore({ kafka: env.kafka, topic, partitions, replicationFactor: 3 });
    env.stores.push(s);
    await s.start();
    return s;
  }

  it('writes Kafka\'s key and value bytes to the murmur2 partition of the key, in a compacted topic of 25 partitions', async () => {
    const s = await store('off-bytes');
    const meta = await env.admin.fetchTopicMetadata({ topics: ['off-bytes'] });
    assert.equal(meta.topics[0]!.partitions.length, 25);
    await s.set([
      [['local-file-source', { filename: 'test.txt' }], { position: 1234 }],
      [['jdbc', { table: 'orders', shard: 2 }], { ts: 1_700_000_000_000, id: 9_007_199_254_740_993n, done: false }],
    ]);
    const raw = await readRaw(env.kafka, env.admin, 'off-bytes');
    const file = raw.find((r) => r.key === '["local-file-source",{"filename":"test.txt"}]')!;
    assert.equal(file.value, '{"position":1234}');
    assert.equal(file.partition, partitionForKey(Buffer.from(file.key!, 'utf8'), 25));
    const jdbc = raw.find((r) => r.key === '["jdbc",{"table":"orders","shard":2}]')!;
    assert.equal(jdbc.value, '{"ts":1700000000000,"id":9007199254740993,"done":false}');
    assert.equal(jdbc.partition, partitionForKey(Buffer.from(jdbc.key!, 'utf8'), 25));
    assert.notEqual(file.partition, jdbc.partition, 'the two keys hash to different partitions (so partitioning is exercised)');
    assert.deepStrictEqual(s.get(['jdbc', { shard: 2, table: 'orders' }]), { ts: 1_700_000_000_000, id: 9_007_199_254_740_993n, done: false }, 'keys compare by canonical JSON');
  });

  it('round trip, restart survival, tombstones and connectorOffsets', async () => {
    const a = await store('off-restart', 3);
    await a.set([
      [['c1', { p: 1 }], { o: 10 }],
      [['c1', { p: 2 }], { o: 20 }],
      [['c2', { p: 1 }], { o: 30 }],
    ]);
    await a.set([[['c1', { p: 1 }], { o: 11 }]]);
    await a.set([[['c1', { p: 2 }], null]]);
    assert.deepStrictEqual(a.get(['c1', { p: 1 }]), { o: 11 });
    assert.equal(a.get(['c1', { p: 2 }]), null);
    assert.deepStrictEqual(a.connectorOffsets('c1'), [[{ p: 1 }, { o: 11 }]]);
    await a.stop();

    const b = await store('off-restart', 3);
    assert.deepStrictEqual(b.get(['c1', { p: 1 }]), { o: 11 });
    assert.equal(b.get(['c1', { p: 2 }]), null, 'the tombstone survives');
    assert.deepStrictEqual(b.connectorOffsets('c2'), [[{ p: 1 }, { o: 30 }]]);
    assert.deepStrictEqual(b.connectorOffsets('nobody'), []);
  });

  it('sees offsets written by another worker after refresh(), and skips malformed records', async () => {
    const a = await store('off-shared', 5);
    const b = await store('off-shared', 5);
    await a.set([[['src', { file: 'x' }], { line: 7 }]]);
    // Records as a Java worker would write them, plus garbage it skips.
    await writeRaw(env.kafka, 'off-shared', [
      { key: '["src",{"file":"y"}]', value: '{"line":8}' },
      { key: 'not json', value: '{"line":1}' },
      { key: '["only-one-element"]', value: '{"line":1}' },
      { key: '["src",{"file":"z"}]', value: '[1,2]' },
    ]);
    await b.refresh(10_000);
    assert.deepStrictEqual(b.get(['src', { file: 'x' }]), { line: 7 });
    assert.deepStrictEqual(b.get(['src', { file: 'y' }]), { line: 8 });
    assert.deepStrictEqual(b.connectorOffsets('src').map(([p]) => p.file).sort(), ['x', 'y']);
  });
});
