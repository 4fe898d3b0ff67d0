/**
 * plugin.path: real plugin packages written to a temporary directory (an npm package with a
 * package.json whose source connector comes from a manifest function, a directory package
 * (index.mjs) with a converter, an ES module single-file transformation, a single-file sink connector
 * found by its prototype chain, and broken ones), loaded with `import()`, registered, and then run:
 * the loaded source connector and converter through the Worker against a real broker, into the
 * loaded sink connector.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { SourceRecord } from '../../../src/connect/api/data/connect-record.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { defaultConnectorRegistry } from '../../../src/connect/connectors/registry.js';
import { defaultConverterRegistry } from '../../../src/connect/converters/registry.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { loadPlugins, pluginAliases, type PluginRegistries } from '../../../src/connect/runtime/plugins.js';
import { requireModule } from '../../../src/connect/runtime/plugins/import-module.js';
import { StandaloneHerder } from '../../../src/connect/runtime/standalone-herder.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { buildTransformationChain } from '../../../src/connect/transforms/transform-chain.js';
import { defaultTransformRegistry } from '../../../src/connect/transforms/registry.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { capturingLogger } from '../connect-test-support.js';

const registries = (): PluginRegistries => ({ connectors: defaultConnectorRegistry(), converters: defaultConverterRegistry(), transforms: defaultTransformRegistry() });

/** An npm package (ES module, package.json "main") whose connector extends the API it is handed. */
const LINE_SOURCE_MAIN = `
export function samsaConnectPlugins(connect) {
  class LineSourceTask extends connect.SourceTask {
    version() { return '1.2.3'; }
    start(props) {
      this.topic = props.topic;
      this.count = Number(props.count);
      const stored = this.context.offsetStorageReader().offset({ source: 'lines' });
      this.next = stored === null ? 0 : Number(stored.n);
    }
    async poll() {
      if (this.next >= this.count) {
        await new Promise((r) => setTimeout(r, 20));
        return null;
      }
      const records = [];
      for (let i = 0; i < 50 && this.next < this.count; i++, this.next++) {
        records.push(new connect.SourceRecord({ sourcePartition: { source: 'lines' }, sourceOffset: { n: this.next + 1 }, topic: this.topic, kafkaPartition: 0, valueSchema: connect.Schema.STRING_SCHEMA, value: 'line-' + this.next }));
      }
      return records;
    }
    stop() {}
  }
  class LineSourceConnector extends connect.SourceConnector {
    version() { return '1.2.3'; }
    start(props) { this.props = { ...props }; }
    taskClass() { return LineSourceTask; }
    taskConfigs() { return [{ ...this.props }]; }
    stop() {}
    config() { return new connect.ConfigDef(); }
  }
  return { connectors: { 'com.example.connect.LineSourceConnector': LineSourceConnector } };
}
`;

/** A directory package without package.json: index.mjs with a converter. */
const REVERSE_CONVERTER_INDEX = `
const reverse = (s) => [...s].reverse().join('');
class ReverseStringConverter {
  configure(configs, isKey) { this.isKey = isKey; }
  fromConnectData(topic, headers, schema, value) { return value === null || value === undefined ? null : Buffer.from(reverse(String(value)), 'utf8'); }
  toConnectData(topic, headers, bytes) { return { schema: null, value: bytes === null ? null : reverse(Buffer.from(bytes).toString('utf8')) }; }
}
export const samsaConnectPlugins = { converters: { 'com.example.ReverseStringConverter': ReverseStringConverter } };
`;

/** An ES module single file with a transformation (named Java-style, with a $Value inner class). */
const UPPER_CASE_MJS = `
export class UpperCaseValue {
  configure(props) { this.suffix = props.suffix ?? ''; }
  apply(record) { return record.with({ value: String(record.value).toUpperCase() + this.suffix }); }
  config() { return null; }
  close() {}
  version() { return '0.9'; }
}
export const samsaConnectPlugins = { transformations: { 'com.example.UpperCase$Value': UpperCaseValue } };
`;

/** A single-file sink connector found through its prototype chain (it imports this Samsa's API). */
const collectingSink = (apiUrl: string): string => `
import { appendFileSync } from 'node:fs';
import { ConfigDef } from '${apiUrl}/api/config-def.js';
import { SinkConnector, SinkTask } from '${apiUrl}/api/connector.js';
class CollectingSinkTask extends SinkTask {
  version() { return '2.0'; }
  start(props) { this.file = props.file; }
  put(records) { for (const r of records) appendFileSync(this.file, r.value + '\\n'); }
  stop() {}
}
export class CollectingSinkConnector extends SinkConnector {
  version() { return '2.0'; }
  start(props) { this.props = { ...props }; }
  taskClass() { return CollectingSinkTask; }
  taskConfigs() { return [{ ...this.props }]; }
  stop() {}
  config() { return new ConfigDef(); }
}
export const notAPlugin = 42;
/** A base class without version(): cannot be a plugin; CollectingSinkConnector still loads. */
export class BaseSinkConnector extends SinkConnector {}
`;

describe('plugin.path', () => {
  let dir: string;
  let pluginDir: string;
  let lineSourceDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-plugins-'));
    pluginDir = join(dir, 'plugins');
    lineSourceDir = join(pluginDir, 'line-source');
    mkdirSync(join(lineSourceDir, 'lib'), { recursive: true });
    writeFileSync(join(lineSourceDir, 'package.json'), JSON.stringify({ name: 'line-source', version: '1.2.3', type: 'module', main: 'lib/main.js' }));
    writeFileSync(join(lineSourceDir, 'lib', 'main.js'), LINE_SOURCE_MAIN);
    mkdirSync(join(pluginDir, 'reverse-converter'));
    writeFileSync(join(pluginDir, 'reverse-converter', 'index.mjs'), REVERSE_CONVERTER_INDEX);
    writeFileSync(join(pluginDir, 'upper-case.mjs'), UPPER_CASE_MJS);
    const apiUrl = new URL('../../../src/connect', import.meta.url).href;
    writeFileSync(join(pluginDir, 'collecting-sink.mjs'), collectingSink(apiUrl));
    writeFileSync(join(pluginDir, 'broken.mjs'), `throw new Error('boom while importing');\n`);
    writeFileSync(join(pluginDir, 'bad-manifest.mjs'), `export const samsaConnectPlugins = { connectors: { 'com.example.NotAConnector': class NotAConnector {} } };\n`);
    writeFileSync(join(pluginDir, 'README.txt'), 'not a plugin\n');
    mkdirSync(join(pluginDir, 'docs'));
    writeFileSync(join(pluginDir, 'docs', 'notes.md'), '# notes\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads packages, directories and single files; skips broken plugins with their path logged', async () => {
    const r = registries();
    const { logger, lines } = capturingLogger();
    const { loaded } = await loadPlugins([pluginDir], r, logger);
    const summary = loaded.map((d) => `${d.type} ${d.className} ${d.version} [${d.aliases.join(',')}]`).sort();
    assert.deepEqual(summary, [
      'converter com.example.ReverseStringConverter undefined [ReverseStringConverter,ReverseString]',
      'sink CollectingSinkConnector 2.0 [CollectingSink]',
      'source com.example.connect.LineSourceConnector 1.2.3 [LineSourceConnector,LineSource]',
      'transformation com.example.UpperCase$Value 0.9 [UpperCase$Value]',
    ]);
    const byClass = new Map(loaded.map((d) => [d.className, d.location]));
    assert.equal(byClass.get('com.example.connect.LineSourceConnector'), join(lineSourceDir, 'lib', 'main.js'));
    assert.equal(byClass.get('com.example.ReverseStringConverter'), join(pluginDir, 'reverse-converter', 'index.mjs'));
    assert.equal(byClass.get('com.example.UpperCase$Value'), join(pluginDir, 'upper-case.mjs'));

    // Registered under the class name and Kafka's aliases, next to the built-ins.
    for (const name of ['com.example.connect.LineSourceConnector', 'LineSourceConnector', 'LineSource']) {
      assert.equal(r.connectors.className(name), 'com.example.connect.LineSourceConnector');
    }
    assert.equal(r.connectors.className('CollectingSink'), 'CollectingSinkConnector');
    assert.equal(r.connectors.className('FileStreamSource'), 'org.apache.kafka.connect.file.FileStreamSourceConnector');
    assert.equal(r.converters.resolve('ReverseString'), 'com.example.ReverseStringConverter');
    assert.ok(r.transforms.transformation('com.example.UpperCase$Value'));
    assert.ok(r.transforms.transformation('UpperCase$Value'));

    const errors = lines.filter((l) => l.level === 50);
    assert.deepEqual(errors.map((l) => [l.msg, l.path, l.className]).sort(), [
      ['failed to load plugin class; skipping it', join(pluginDir, 'collecting-sink.mjs'), 'BaseSinkConnector'],
      ['failed to load plugin; skipping it', join(pluginDir, 'bad-manifest.mjs'), undefined],
      ['failed to load plugin; skipping it', join(pluginDir, 'broken.mjs'), undefined],
    ]);
    const message = (file: string): string => (errors.find((l) => l.path === join(pluginDir, file) && l.className === undefined)!.err as { message: string }).message;
    assert.match(message('bad-manifest.mjs'), /samsaConnectPlugins\.connectors\["com\.example\.NotAConnector"\] does not extend SourceConnector or SinkConnector/);
    assert.match(message('broken.mjs'), /boom while importing/);
    assert.equal(r.connectors.className('BaseSink'), undefined);
  });

  it('a loaded transformation runs in a transformation chain', async () => {
    const r = registries();
    await loadPlugins([pluginDir], r, silentLogger());
    const chain = buildTransformationChain<SourceRecord>({ transforms: 'up', 'transforms.up.type': 'UpperCase$Value', 'transforms.up.suffix': '!' }, r.transforms);
    const out = chain.apply(new SourceRecord({ topic: 't', valueSchema: Schema.STRING_SCHEMA, value: 'hello' }));
    assert.equal(out?.value, 'HELLO!');
    assert.equal(out?.topic, 't');
  });

  it('a plugin.path entry may itself be a package; a class name already registered is skipped', async () => {
    const r = registries();
    const { logger, lines } = capturingLogger();
    const first = await loadPlugins([lineSourceDir], r, logger);
    assert.deepEqual(first.loaded.map((d) => d.className), ['com.example.connect.LineSourceConnector']);
    const again = await loadPlugins([lineSourceDir], r, logger);
    assert.deepEqual(again.loaded, []);
    assert.ok(lines.some((l) => l.level === 40 && l.className === 'com.example.connect.LineSourceConnector' && /already registered/.test(String(l.msg))));
  });

  it('a plugin.path entry that is not a directory is a ConfigException naming plugin.path', async () => {
    const missing = join(dir, 'no-such-dir');
    await assert.rejects(loadPlugins([pluginDir, missing], registries(), silentLogger()), (e: unknown) => e instanceof ConfigException && e.message === `Invalid value ${missing} for configuration plugin.path: not an existing directory`);
    await assert.rejects(loadPlugins([join(pluginDir, 'upper-case.mjs')], registries(), silentLogger()), (e: unknown) => e instanceof ConfigException && /configuration plugin\.path/.test(e.message));
  });

  it('without the ES module loader (inside the server bundle) a plugin file loads through require', () => {
    const ns = requireModule(join(pluginDir, 'upper-case.mjs'));
    const manifest = ns.samsaConnectPlugins as { transformations: Record<string, unknown> };
    assert.equal(manifest.transformations['com.example.UpperCase$Value'], ns.UpperCaseValue);
    assert.equal(typeof ns.UpperCaseValue, 'function');
  });

  it("Kafka's aliases: simple name, and without the type's suffix", () => {
    assert.deepEqual(pluginAliases('com.example.MySourceConnector', 'source'), ['MySourceConnector', 'MySource']);
    assert.deepEqual(pluginAliases('MySinkConnector', 'sink'), ['MySink']);
    assert.deepEqual(pluginAliases('com.example.AvroConverter', 'converter'), ['AvroConverter', 'Avro']);
    assert.deepEqual(pluginAliases('com.example.MaskTransformation', 'transformation'), ['MaskTransformation', 'Mask']);
    assert.deepEqual(pluginAliases('com.example.IsBigPredicate', 'predicate'), ['IsBigPredicate', 'IsBig']);
  });

  describe('loaded plugins run in the Worker against a broker', () => {
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker();
    });
    after(async () => {
      await broker.close();
    });

    it('the loaded source connector and converter write to Kafka; the loaded sink connector reads it back', async () => {
      const r = registries();
      const { loaded } = await loadPlugins([pluginDir], r, silentLogger());
      assert.equal(loaded.length, 4);
      const sinkFile = join(dir, 'sink.txt');
      const worker = new Worker({
        workerConfig: { 'bootstrap.servers': broker.bootstrap, 'key.converter': 'StringConverter', 'value.converter': 'StringConverter', 'offset.storage.file.filename': 'unused', 'offset.flush.interval.ms': '0' },
        offsetStore: new MemoryOffsetBackingStore(),
        logger: silentLogger(),
        connectors: r.connectors,
        converters: r.converters,
      });
      const herder = new StandaloneHerder(worker, { logger: silentLogger() });
      await herder.start();
      try {
        await herder.putConnectorConfig('lines', { name: 'lines', 'connector.class': 'LineSource', topic: 'plugin-lines', count: '500', 'value.converter': 'ReverseString' }, { allowReplace: false });
        // What the loaded converter wrote is in Kafka as it wrote it.
        const kafka = new Kafka({ clientId: 'plugins-test', brokers: [broker.bootstrap] });
        const consumer = kafka.consumer({ groupId: 'plugins-test-reader' });
        await consumer.connect();
        await consumer.subscribe({ topics: ['plugin-lines'], fromBeginning: true });
        const raw: string[] = [];
        await consumer.run({ eachMessage: async ({ message }) => void raw.push(message.value!.toString()) });
        await until('500 records in Kafka', () => raw.length >= 500);
        await consumer.disconnect();
        assert.deepEqual(raw.slice(0, 3), ['0-enil', '1-enil', '2-enil']);
        assert.equal(raw.length, 500);

        await herder.putConnectorConfig('collect', { name: 'collect', 'connector.class': 'CollectingSink', topics: 'plugin-lines', file: sinkFile, 'value.converter': 'com.example.ReverseStringConverter' }, { allowReplace: false });
        await until('500 lines in the sink file', () => existsSync(sinkFile) && readFileSync(sinkFile, 'utf8').split('\n').length > 500);
        assert.equal(readFileSync(sinkFile, 'utf8'), Array.from({ length: 500 }, (_, i) => `line-${i}\n`).join(''));
      } finally {
        await herder.stop();
      }
    });
  });
});

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
