import assert from 'node:assert/strict';
import { it } from 'node:test';
import { protocol } from '../src/index.js';

it('the package exposes the protocol layer: frames, messages, records, errors', () => {
  assert.equal(protocol.ApiKey.Produce, 0);
  assert.equal(protocol.ErrorCode.NOT_LEADER_OR_FOLLOWER, 6);
  const frame = protocol.encodeRequest({ apiKey: protocol.ApiKey.Metadata, apiVersion: 12, correlationId: 3, clientId: 'x', body: { topics: null } });
  const { header, body } = protocol.decodeRequest(frame.subarray(4));
  assert.equal(header.correlationId, 3);
  assert.deepStrictEqual((body as protocol.MetadataRequest).topics, null);
  const batch = protocol.buildRecordBatch([{ key: null, value: new Uint8Array([1, 2, 3]) }], {});
  assert.equal(protocol.validateBatches(batch).recordCount, 1);
});

it('the package exposes startBroker for tests and embedding', async () => {
  const { startBroker } = await import('../src/index.js');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'samsa-embed-'));
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
  try {
    assert.ok(broker.port > 0);
    assert.equal(broker.bootstrap, `127.0.0.1:${broker.port}`);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('the package exposes the client library with KafkaJS\'s entry points', async () => {
  const samsa = await import('../src/index.js');
  const kafka = new samsa.Kafka({ clientId: 'surface', brokers: ['localhost:9092'] });
  assert.equal(typeof kafka.producer().send, 'function');
  assert.equal(typeof kafka.producer().sendBatch, 'function');
  assert.equal(typeof kafka.admin().createTopics, 'function');
  assert.equal(samsa.CompressionTypes.ZSTD, 4);
  assert.equal(samsa.ConfigResourceTypes.TOPIC, 2);
  assert.equal(new samsa.KafkaProtocolError(6).type, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(samsa.partitionForKey(Buffer.from('21'), 7), 3);
});

it('the package exposes Kafka Connect: the connector SPI, data model, converters and transforms', async () => {
  const { connect } = await import('../src/index.js');
  assert.equal(typeof connect.SourceConnector, 'function');
  assert.equal(typeof connect.SinkTask, 'function');
  const schema = connect.SchemaBuilder.struct().field('id', connect.SchemaBuilder.int32().build()).build();
  const value = new connect.Struct(schema).put('id', 1);
  const converter = new connect.JsonConverter();
  converter.configure({ 'schemas.enable': 'true' }, false);
  assert.equal(converter.fromConnectData('t', null, schema, value)?.toString(), '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false},"payload":{"id":1}}');
  const chain = connect.buildTransformationChain({ transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.regex': 'a-(.*)', 'transforms.route.replacement': 'b-$1' });
  assert.equal(typeof chain.apply, 'function');
});
