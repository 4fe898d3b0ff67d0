import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ServerBundle } from '../../src/bin/server-bundle.cjs';
import { startBroker as startBrokerFromModules } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { API_DEFINITIONS, ApiKey } from '../../src/protocol/generated/api-table.js';
import { ProtocolReader } from '../../src/protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../../src/protocol/primitives/protocol-writer.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { randomStruct, schemaByName, seededRng } from '../support/random-message.js';

type BrokerModule = typeof import('../../src/broker/broker.js');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
type ApiTableModule = typeof import('../../src/protocol/generated/api-table.js');

/** The bundle `npm run build` made (the bins run it): checked against the ES modules it was made from. */
describe('the server bundle of this build', () => {
  let bundle: ServerBundle;
  let broker: Broker;
  let reference: Broker;
  const dirs: string[] = [];

  before(async () => {
    const loaded = ServerBundle.load();
    assert.ok(loaded !== null, 'npm run build writes dist/src/bin/bundle/ and it is newer than the last tsc run');
    bundle = loaded;
    const { startBroker } = bundle.require('src/broker/broker.js') as BrokerModule;
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'samsa-bundle-broker-')));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dirs[0]!] });
    reference = await startBrokerFromModules({ port: 0, host: '127.0.0.1', logDirs: [dirs[1]!] });
  });

  after(async () => {
    await broker?.close();
    await reference?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts a broker without reading the serving chunk (request handling and codecs) or the later one, with the code cache V8 accepted', () => {
    const status = bundle.codeCacheStatus();
    assert.equal(status['main.js'], 'used', 'start-up chunk compiled from its code cache');
    assert.equal(status['serving.js'], 'not loaded');
    assert.equal(status['later.js'], 'not loaded');
    assert.ok(!bundle.loadedModules().some((id) => id.startsWith('src/protocol/generated/produce')), 'no per-API codec ran');
  });

  it('advertises exactly what the ES-module broker advertises, and serves requests', async () => {
    const ask = async (port: number) => {
      const client = await KafkaTestClient.connect('127.0.0.1', port);
      try {
        const versions = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
        const created = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
        const metadata = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        return { apiKeys: versions.apiKeys, created: created.topics[0]!.errorCode, topics: metadata.topics.map((t) => t.name) };
      } finally {
        client.close();
      }
    };
    const fromBundle = await ask(broker.port);
    assert.deepStrictEqual(fromBundle, await ask(reference.port));
    assert.deepStrictEqual(fromBundle.topics, ['t']);
    assert.ok(fromBundle.apiKeys.length >= 20);
    assert.equal(bundle.codeCacheStatus()['serving.js'], 'used', 'the first requests read the serving chunk, with its code cache');
    assert.equal(bundle.codeCacheStatus()['later.js'], 'not loaded', 'what a first client asks does not need the rest of the code');
  });

  it('has a codec for every API and version that matches the ES-module codec byte for byte', () => {
    const table = (bundle.require('src/protocol/generated/api-table.js') as ApiTableModule).API_DEFINITIONS;
    const rng = seededRng(42);
    let checked = 0;
    for (const def of API_DEFINITIONS) {
      const bundled = table[def.apiKey]!;
      assert.equal(bundled.name, def.name);
      for (let v = def.minVersion; v <= def.maxVersion; v++) {
        for (const [codec, other] of [
          [def.request, bundled.request],
          [def.response, bundled.response],
        ] as const) {
          const schema = schemaByName(codec.name);
          const value = randomStruct(schema, schema.name, v, rng);
          const a = new ProtocolWriter();
          codec.encode(a, value, v);
          const b = new ProtocolWriter();
          other.encode(b, value, v);
          assert.deepStrictEqual(b.toBytes(), a.toBytes(), `${codec.name} v${v}`);
          assert.deepStrictEqual(other.decode(new ProtocolReader(a.toBytes()), v), codec.decode(new ProtocolReader(a.toBytes()), v));
          checked++;
        }
      }
    }
    assert.ok(checked > 500, `${checked} codec versions checked`);
  });

  it('is skipped by the bins when SAMSA_BUNDLE=0 (they run the ES modules)', () => {
    for (const bin of ['samsa.js', 'samsa.cjs']) {
      const r = spawnSync(process.execPath, [join(root, 'dist', 'src', 'bin', bin), '--help'], { env: { ...process.env, SAMSA_BUNDLE: '0' }, encoding: 'utf8' });
      assert.equal(r.status, 0, bin);
      assert.match(r.stdout, /kafka-server-start/);
    }
  });

  it('carries pino and properties-file in the start-up chunk, and the broker it started logged through the bundled pino', () => {
    const startup = Object.entries(bundle.manifest.moduleChunk).filter(([id, chunk]) => chunk === 0 && id.startsWith('node_modules/')).map(([id]) => id);
    assert.ok(startup.includes('node_modules/pino/pino.js'), startup.join(', '));
    assert.ok(startup.some((id) => id.startsWith('node_modules/properties-file/')), startup.join(', '));
    assert.ok(!startup.some((id) => id.includes('/@node-rs/') || id.includes('/snappy/') || id.includes('/lz4-napi/')), 'native add-ons stay in node_modules');
    assert.ok(bundle.loadedModules().includes('node_modules/pino/pino.js'));
  });

  it('starts the CLI without reading pino or properties-file from node_modules', () => {
    const probe = join(dirs[0]!, 'list-required.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('REQUIRED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
    const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['kafka-server-start']!);
    // The logger is made, then server.properties read, then the bad value refused.
    const r = spawnSync(process.execPath, ['--require', probe, bin, join(root, 'config', 'server.properties'), '--override', 'num.partitions=abc'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /num\.partitions/);
    const required = JSON.parse(/^REQUIRED (.*)$/m.exec(r.stderr)![1]!) as string[];
    assert.deepStrictEqual(required.filter((f) => /[\\/]node_modules[\\/](pino|properties-file|sonic-boom)[\\/]/.test(f)), []);
  });
});
