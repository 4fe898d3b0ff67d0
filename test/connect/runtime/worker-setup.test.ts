/**
 * worker-setup.ts: the plugin registries from plugin.path (a missing entry logged and ignored, as
 * Kafka does), a plugin transformation reaching the Worker's transformation chains, the
 * topic.creation hook with its shared lazily-connected Admin, and the REST API started for a
 * herder (Samsa's version and commit on GET /, 503 while the herder is still starting up).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { samsaVersion } from '../../../src/common/samsa-version.js';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { deferredHerder, prepareWorkerPlugins, samsaCommitId, startRestFor, workerIdFor } from '../../../src/connect/runtime/worker-setup.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { capturingLogger } from '../connect-test-support.js';
import { createRestTestHerder } from '../rest/rest-test-herder.js';
import { http } from '../rest/rest-test-support.js';
import { fileText, lines, until } from './herder-test-support.js';

const UPPER_CASE_MJS = `
export class UpperCaseValue {
  configure(props) { this.suffix = props.suffix ?? ''; }
  apply(record) { return record.with({ value: String(record.value).toUpperCase() + this.suffix }); }
  config() { return null; }
  close() {}
}
export const samsaConnectPlugins = { transformations: { 'com.example.UpperCase$Value': UpperCaseValue } };
`;

describe('worker setup', () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-worker-setup-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const workerProps = (extra: Record<string, string> = {}): Record<string, string> => ({
    'bootstrap.servers': broker.bootstrap,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(dir, 'unused.offsets'),
    'offset.flush.interval.ms': '200',
    ...extra,
  });

  it('plugin.path: a missing entry is logged and ignored; a plugin transformation runs in the Worker; topic.creation creates the topic', async () => {
    const plugins = join(dir, 'plugins');
    mkdirSync(plugins, { recursive: true });
    writeFileSync(join(plugins, 'upper-case.mjs'), UPPER_CASE_MJS);
    const missing = join(dir, 'not-there');
    const { logger, lines: logged } = capturingLogger();
    const props = workerProps({ 'plugin.path': `${missing}, ${plugins}` });
    const setup = await prepareWorkerPlugins(props, logger);
    assert.deepEqual(setup.loaded.map((p) => [p.className, p.type]), [['com.example.UpperCase$Value', 'transformation']]);
    assert.ok(setup.transforms.transformation('com.example.UpperCase$Value') !== undefined);
    assert.ok(setup.transforms.transformation('org.apache.kafka.connect.transforms.Cast$Value') !== undefined, 'the built-in transformations stay');
    assert.ok(setup.connectors.className('FileStreamSource') !== undefined);
    const complaint = logged.find((l) => l['msg'] === `Could not get listing for plugin path: ${missing}. Ignoring.`);
    assert.equal(complaint?.['level'], 50, 'logged as an error');

    const worker = new Worker({
      workerConfig: props, offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), workerId: 'setup:8083',
      connectors: setup.connectors, converters: setup.converters, transforms: setup.transforms, topicCreationFor: setup.topicCreationFor,
    });
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, lines(0, 40));
    const source = {
      name: 'upper-source', 'connector.class': 'FileStreamSource', file: input, topic: 'upper-lines',
      transforms: 'up', 'transforms.up.type': 'com.example.UpperCase$Value', 'transforms.up.suffix': '!',
      'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '2',
    };
    const sink = { name: 'upper-sink', 'connector.class': 'FileStreamSink', file: output, topics: 'upper-lines' };
    try {
      worker.validateConnector(source);
      assert.throws(() => worker.validateConnector({ ...source, 'transforms.up.type': 'com.example.Nope' }), { message: 'Invalid value com.example.Nope for configuration transforms.up.type: Class com.example.Nope could not be found.' });
      for (const c of [source, sink]) {
        await worker.startConnector(c.name, c, 'STARTED');
        for (const [task, config] of worker.connectorTaskConfigs(c.name, 1).entries()) await worker.startTask({ connector: c.name, task }, c, config, 'STARTED');
      }
      const expected = lines(0, 40).split('\n').filter((l) => l !== '').map((l) => `${l.toUpperCase()}!`).sort();
      await until('40 upper-cased lines', () => fileText(output).split('\n').filter((l) => l !== '').length >= 40);
      // Two partitions: the set of lines is defined, not their order.
      assert.deepEqual(fileText(output).split('\n').filter((l) => l !== '').sort(), expected);
    } finally {
      await worker.stop();
      await setup.close();
    }
    const admin = new Kafka({ clientId: 'worker-setup-test', brokers: [broker.bootstrap], logger: silentLogger() }).admin();
    await admin.connect();
    try {
      const [topic] = (await admin.fetchTopicMetadata({ topics: ['upper-lines'] })).topics;
      assert.equal(topic?.partitions.length, 2, 'created with topic.creation.default.partitions');
    } finally {
      await admin.disconnect();
    }
  });

  it('topicCreationFor: null without topic.creation.* or with topic.creation.enable=false; bad settings name the key', async () => {
    const connector = { name: 'c', 'connector.class': 'FileStreamSource', topic: 't', 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' };
    const on = await prepareWorkerPlugins(workerProps(), silentLogger());
    const off = await prepareWorkerPlugins(workerProps({ 'topic.creation.enable': 'false' }), silentLogger());
    try {
      assert.equal(on.topicCreationFor({ name: 'c', 'connector.class': 'FileStreamSource', topic: 't' }), null);
      assert.notEqual(on.topicCreationFor(connector), null);
      assert.equal(off.topicCreationFor(connector), null);
      assert.throws(() => on.topicCreationFor({ ...connector, 'topic.creation.default.partitions': '0' }), ConfigException);
      assert.deepEqual(on.loaded, []);
    } finally {
      // Never connected: closing is a no-op.
      await on.close();
      await off.close();
    }
  });

  it('startRestFor: listeners place it; GET / has Samsa’s version and commit; 503 until the herder is set', async () => {
    const props = workerProps({ listeners: 'http://127.0.0.1:0' });
    const slot = deferredHerder();
    const rest = await startRestFor(slot.herder, props, silentLogger());
    const herder = await createRestTestHerder({ bootstrap: broker.bootstrap, dir, workerId: workerIdFor(rest) });
    try {
      assert.match(rest.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(workerIdFor(rest), `127.0.0.1:${rest.port}`);
      const early = await http(rest.url, 'GET', '/connectors');
      assert.equal(early.status, 503);
      assert.deepEqual(early.body, { error_code: 503, message: 'Worker is still starting up' });
      slot.set(herder);
      assert.deepEqual((await http(rest.url, 'GET', '/connectors')).body, []);
      const root = await http(rest.url, 'GET', '/');
      assert.equal(root.status, 200);
      assert.equal(root.body.version, samsaVersion());
      assert.equal(root.body.commit, samsaCommitId());
      assert.match(root.body.commit, /^([0-9a-f]{40}|unknown)$/);
    } finally {
      await rest.close();
      await herder.stop();
    }
    await assert.rejects(startRestFor(slot.herder, workerProps({ listeners: 'https://localhost:8443' }), silentLogger()), ConfigException);
  });
});
