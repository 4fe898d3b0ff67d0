import assert from 'node:assert/strict';
import { it } from 'node:test';
import { consumerSettings, producerSettings, unknownPropertyWarning } from '../../src/cli/client-options.js';
import { CompressionTypes } from '../../src/client/producer/producer-types.js';
import { cooperativeStickyAssignor } from '../../src/client/consumer/cooperative-sticky-assignor.js';
import { rangeAssignor } from '../../src/client/consumer/range-assignor.js';

it('producer properties map to the producer’s options; acks other than all turn idempotence off', () => {
  const s = producerSettings(new Map([['acks', '1'], ['linger.ms', '5'], ['batch.size', '16384'], ['compression.type', 'lz4'], ['foo', 'bar'], ['client.id', 'c'], ['key.serializer', 'x']]));
  assert.equal(s.acks, 1);
  assert.equal(s.options.idempotent, false);
  assert.equal(s.options.lingerMs, 5);
  assert.equal(s.options.batchSize, 16384);
  assert.equal(s.compression, CompressionTypes.LZ4);
  assert.deepEqual(s.unknown, ['foo'], 'connection and serializer keys are known; foo is not');
  assert.equal(unknownPropertyWarning('foo'), "WARN The configuration 'foo' was supplied but isn't a known config.");
  const defaults = producerSettings(new Map(), { lingerMs: 1000 });
  assert.equal(defaults.acks, -1);
  assert.equal(defaults.options.idempotent, true);
  assert.equal(defaults.options.lingerMs, 1000);
  assert.equal(producerSettings(new Map([['acks', 'all'], ['enable.idempotence', 'false']])).options.idempotent, false);
  assert.throws(() => producerSettings(new Map([['acks', '2']])), /acks must be all, -1, 0 or 1/);
  assert.throws(() => producerSettings(new Map([['acks', '1'], ['enable.idempotence', 'true']])), /needs acks=all/);
  assert.throws(() => producerSettings(new Map([['linger.ms', 'soon']])), /linger.ms must be an integer/);
  assert.throws(() => producerSettings(new Map([['compression.type', 'brotli']])), /compression.type must be one of/);
});

it('consumer properties map to the consumer’s options, with Kafka’s assignor names', () => {
  const s = consumerSettings(new Map([['group.id', 'g'], ['fetch.min.bytes', '10'], ['fetch.max.wait.ms', '100'], ['isolation.level', 'read_uncommitted'], ['auto.offset.reset', 'earliest'], ['enable.auto.commit', 'false'], ['partition.assignment.strategy', 'cooperative-sticky,org.apache.kafka.clients.consumer.RangeAssignor'], ['nonsense', '1']]));
  assert.equal(s.groupId, 'g');
  assert.equal(s.options.minBytes, 10);
  assert.equal(s.options.maxWaitTimeInMs, 100);
  assert.equal(s.options.readUncommitted, true);
  assert.equal(s.options.autoOffsetReset, 'earliest');
  assert.equal(s.autoCommit, false);
  assert.deepEqual(s.options.partitionAssigners, [cooperativeStickyAssignor, rangeAssignor]);
  assert.deepEqual(s.unknown, ['nonsense']);
  assert.throws(() => consumerSettings(new Map([['auto.offset.reset', 'smallest']])), /earliest, latest or none/);
  assert.throws(() => consumerSettings(new Map([['partition.assignment.strategy', 'sticky']])), /unknown assignor sticky/);
});
