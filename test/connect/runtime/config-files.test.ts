import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { sinkTopics } from '../../../src/connect/runtime/config.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { readProperties } from '../../../src/connect/runtime/standalone.js';
import { validateWorkerConfig, Worker } from '../../../src/connect/runtime/worker.js';
import { PACKAGE_ROOT } from '../../cli/cli-test-support.js';

describe('the quickstart’s config files', () => {
  it('config/connect-standalone.properties has Kafka’s quickstart values and validates', () => {
    const worker = readProperties(join(PACKAGE_ROOT, 'config', 'connect-standalone.properties'));
    assert.deepEqual(worker, {
      'bootstrap.servers': 'localhost:9092',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter.schemas.enable': 'true',
      'offset.storage.file.filename': '/tmp/connect.offsets',
      'offset.flush.interval.ms': '10000',
    });
    validateWorkerConfig(worker);
  });

  it('the file source and sink connector files validate', () => {
    const workerConfig = readProperties(join(PACKAGE_ROOT, 'config', 'connect-standalone.properties'));
    const worker = new Worker({ workerConfig, offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger() });
    const source = readProperties(join(PACKAGE_ROOT, 'config', 'connect-file-source.properties'));
    const sink = readProperties(join(PACKAGE_ROOT, 'config', 'connect-file-sink.properties'));
    assert.deepEqual(source, { name: 'local-file-source', 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: 'test.txt', topic: 'connect-test' });
    assert.deepEqual(sink, { name: 'local-file-sink', 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: 'test.sink.txt', topics: 'connect-test' });
    worker.validateConnector(source);
    worker.validateConnector(sink);
  });

  it('topics and topics.regex: exactly one', () => {
    assert.deepEqual(sinkTopics({ topics: 'a, b' }), { topics: ['a', 'b'] });
    const r = sinkTopics({ 'topics.regex': 'conn.*' });
    assert.ok('regex' in r && r.regex.test('connect-test') && !r.regex.test('xconnect'));
    assert.throws(() => sinkTopics({ topics: 'a', 'topics.regex': 'b' }), { message: 'topics and topics.regex are mutually exclusive options, but both are set.' });
    assert.throws(() => sinkTopics({}), { message: 'Must configure one of topics or topics.regex' });
  });
});
