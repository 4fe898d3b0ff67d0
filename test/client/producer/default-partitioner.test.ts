import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { DefaultPartitioner, partitionForKey } from '../../../src/client/producer/default-partitioner.js';
import { murmur2, toPositive } from '../../../src/client/producer/murmur2.js';

const utf8 = new TextEncoder();

it('murmur2 matches the Java client on the vectors of Kafka\'s UtilsTest', () => {
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['', 275646681],
  ];
  for (const [input, expected] of vectors) assert.equal(murmur2(utf8.encode(input)), expected, input);
});

it('keys land on the partitions the Java client puts them on (toPositive, not abs, modulo the count)', () => {
  // toPositive(-973932308) = 1173551340; Math.abs would give 973932308, a different partition.
  assert.equal(toPositive(-973932308), 1173551340);
  assert.equal(partitionForKey(utf8.encode('21'), 7), 1173551340 % 7);
  assert.equal(partitionForKey(utf8.encode('21'), 7), 3);
  assert.notEqual(partitionForKey(utf8.encode('21'), 7), 973932308 % 7);
  assert.equal(partitionForKey(utf8.encode('foobar'), 12), toPositive(-790332482) % 12);
  assert.equal(partitionForKey(utf8.encode('abc'), 3), 479470107 % 3);
  // Binary keys: every byte is taken unsigned (Java masks with 0xff).
  assert.equal(murmur2(new Uint8Array([0xff, 0x80, 0x00, 0x7f, 0xfe])), murmur2(Buffer.from([0xff, 0x80, 0x00, 0x7f, 0xfe])));
});

it('agrees with kafkajs\'s Java-compatible DefaultPartitioner on 2000 keys and several partition counts', () => {
  const require = createRequire(import.meta.url);
  const kafkajs = require('kafkajs') as { Partitioners: { DefaultPartitioner: () => (a: { topic: string; partitionMetadata: Array<{ partitionId: number; leader: number }>; message: { key: string } }) => number } };
  const theirs = kafkajs.Partitioners.DefaultPartitioner();
  const ours = new DefaultPartitioner();
  for (const count of [1, 2, 3, 7, 12, 100]) {
    const partitionMetadata = Array.from({ length: count }, (_, i) => ({ partitionId: i, leader: 1 }));
    for (let i = 0; i < 2000; i++) {
      const key = `key-${i}-${(i * 7919) % 104729}`;
      assert.equal(ours.partition({ topic: 't', partitionMetadata, message: { key, value: null } }), theirs({ topic: 't', partitionMetadata, message: { key } }), `${key} over ${count}`);
    }
  }
});

it('an explicit partition wins; keyless records stick to one partition until a new batch moves them', () => {
  let r = 0;
  const randoms = [0.1, 0.9, 0.5];
  const p = new DefaultPartitioner(() => randoms[r++ % randoms.length]!);
  const partitionMetadata = Array.from({ length: 4 }, (_, i) => ({ partitionId: i, leader: i === 2 ? -1 : 1 }));
  assert.equal(p.partition({ topic: 't', partitionMetadata, message: { key: 'k', value: null, partition: 3 } }), 3);
  const first = p.partition({ topic: 't', partitionMetadata, message: { value: 'a' } });
  assert.notEqual(first, 2, 'a partition without a leader is not chosen');
  for (let i = 0; i < 10; i++) assert.equal(p.partition({ topic: 't', partitionMetadata, message: { value: String(i) } }), first);
  const next = p.onNewBatch('t', partitionMetadata, first);
  assert.notEqual(next, first);
  assert.notEqual(next, 2);
  assert.equal(p.partition({ topic: 't', partitionMetadata, message: { value: 'b' } }), next);
  // A new batch on a partition that is not the sticky one changes nothing.
  assert.equal(p.onNewBatch('t', partitionMetadata, first), next);
});
