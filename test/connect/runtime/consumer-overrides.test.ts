/**
 * Sink tasks' consumer settings: the worker's `consumer.*` and the connector's
 * `consumer.override.*` (KIP-458) mapped to the Samsa consumer's options, bad values named by key,
 * and an override that changes what a sink task reads (auto.offset.reset=latest skips the records
 * already in the topic).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { sinkConsumerOverrides } from '../../../src/connect/runtime/consumer-overrides.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { fileText, sleep, startHerder, until, type HerderFixture } from './herder-test-support.js';

describe('sink consumer settings', () => {
  it('consumer.* of the worker, overridden by consumer.override.* of the connector', () => {
    const settings = sinkConsumerOverrides(
      { 'consumer.session.timeout.ms': '12000', 'consumer.fetch.max.wait.ms': '250', 'consumer.override.session.timeout.ms': '1', 'bootstrap.servers': 'x:9092' },
      { 'consumer.override.session.timeout.ms': '8000', 'consumer.override.auto.offset.reset': 'latest', 'consumer.override.isolation.level': 'read_committed', 'consumer.override.max.poll.interval.ms': '90000' },
      silentLogger(),
    );
    assert.deepEqual(settings, { sessionTimeout: 8000, maxWaitTimeInMs: 250, autoOffsetReset: 'latest', readUncommitted: false, rebalanceTimeout: 90000 });
  });

  it('a bad value is a ConfigException naming the key', () => {
    assert.throws(() => sinkConsumerOverrides({ 'consumer.session.timeout.ms': 'soon' }, {}, silentLogger()), { name: 'ConfigException', message: /configuration consumer\.session\.timeout\.ms/ });
    assert.throws(() => sinkConsumerOverrides({}, { 'consumer.override.auto.offset.reset': 'middle' }, silentLogger()), { name: 'ConfigException', message: /consumer\.override\.auto\.offset\.reset: String must be one of: latest, earliest, none/ });
  });

  describe('through the herder', () => {
    let broker: TestBroker;
    let fixture: HerderFixture;
    let dir: string;
    before(async () => {
      broker = await startTestBroker();
      fixture = await startHerder(broker.bootstrap);
      dir = mkdtempSync(join(tmpdir(), 'samsa-consumer-overrides-'));
    });
    after(async () => {
      await fixture.stop();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('consumer.override.auto.offset.reset=latest: the sink skips what was in the topic before it joined', async () => {
      const kafka = new Kafka({ clientId: 'overrides-test', brokers: [broker.bootstrap] });
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({ topic: 'override-lines', messages: [{ value: 'old 1' }, { value: 'old 2' }] });
        const sink = join(dir, 'latest.txt');
        const earliestSink = join(dir, 'earliest.txt');
        await fixture.herder.putConnectorConfig('latest-sink', { name: 'latest-sink', 'connector.class': 'FileStreamSink', file: sink, topics: 'override-lines', 'consumer.override.auto.offset.reset': 'latest' }, { allowReplace: false });
        await fixture.herder.putConnectorConfig('earliest-sink', { name: 'earliest-sink', 'connector.class': 'FileStreamSink', file: earliestSink, topics: 'override-lines' }, { allowReplace: false });
        // The default (earliest, as Kafka's sink tasks use) reads the old records; once it has them, the
        // other sink's group has had as long to join.
        await until('the default sink has the old records', () => fileText(earliestSink) === 'old 1\nold 2\n');
        // New records until the latest sink writes one (it positions itself at the end only once its
        // group has assigned it the partition); whatever it wrote, none is an old one.
        let sent = 0;
        await until('a new record in the latest sink', async () => {
          if (fileText(sink) !== '') return true;
          await producer.send({ topic: 'override-lines', messages: [{ value: `new ${++sent}` }] });
          await sleep(200);
          return fileText(sink) !== '';
        });
        await until('every new record in the latest sink', () => fileText(sink).endsWith(`new ${sent}\n`));
        const written = fileText(sink).trimEnd().split('\n');
        assert.ok(written.length >= 1 && written.every((l) => l.startsWith('new ')), fileText(sink));
        await until('the default sink has everything', () => fileText(earliestSink) === ['old 1', 'old 2', ...Array.from({ length: sent }, (_, i) => `new ${i + 1}`)].join('\n') + '\n');
      } finally {
        await producer.disconnect();
      }
    });
  });
});
