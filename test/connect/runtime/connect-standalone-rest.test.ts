/**
 * The connect-standalone bin managed over its REST API, as Kafka's standalone worker is: started
 * with no connector files, the file source and sink are created with POST /connectors, their lines
 * are copied, statuses name the worker, pause/resume and DELETE work. And plugin.path through the
 * bin: a plugin package written to a temporary directory provides a source connector and a
 * converter, used by connectors created over REST, with topic.creation.* creating the topic.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { samsaVersion } from '../../../src/common/samsa-version.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { finished, spawnBin, type BinResult } from '../../cli/cli-test-support.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { eventually, http } from '../rest/rest-test-support.js';

interface Running {
  child: ChildProcess;
  result: Promise<BinResult>;
  /** The REST API's advertised URL, from the worker's "started" log line. */
  url: string;
}

/** Starts connect-standalone and waits for the log line naming its REST URL. */
async function startWorker(args: string[]): Promise<Running> {
  const child = spawnBin('connect-standalone', args, { SAMSA_LOG_LEVEL: 'info' });
  const result = finished(child, 600_000);
  let exited: BinResult | null = null;
  void result.then((r) => (exited = r), () => undefined);
  let url: string | null = null;
  let pending = '';
  child.stdout!.on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg?.startsWith('Kafka Connect started') === true && typeof entry.url === 'string') url = entry.url;
      } catch {
        // Not a log line.
      }
    }
  });
  const deadline = Date.now() + 120_000;
  while (url === null) {
    if (exited !== null) assert.fail(`connect-standalone exited before it started: ${JSON.stringify(exited)}`);
    if (Date.now() > deadline) assert.fail('connect-standalone did not log its REST URL');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, result, url };
}

async function stopWorker(w: Running): Promise<void> {
  w.child.kill('SIGTERM');
  const r = await w.result;
  assert.equal(r.code, 0, r.stderr);
}

const text = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const numbered = (from: number, to: number, what = 'line'): string => {
  let s = '';
  for (let i = from; i < to; i++) s += `${what} ${i}\n`;
  return s;
};

/** A plugin package: an npm package whose manifest function builds a source connector and a converter from the API it is handed. */
const GREETING_PLUGIN = `
export function samsaConnectPlugins(connect) {
  class GreetingSourceTask extends connect.SourceTask {
    version() { return '0.3.0'; }
    start(props) {
      this.topic = props.topic;
      this.count = Number(props.count);
      const stored = this.context.offsetStorageReader().offset({ greeting: 'all' });
      this.next = stored === null ? 0 : Number(stored.n);
    }
    async poll() {
      if (this.next >= this.count) {
        await new Promise((r) => setTimeout(r, 50));
        return null;
      }
      const records = [];
      for (; records.length < 25 && this.next < this.count; this.next++) {
        records.push(new connect.SourceRecord({ sourcePartition: { greeting: 'all' }, sourceOffset: { n: this.next + 1 }, topic: this.topic, valueSchema: connect.Schema.STRING_SCHEMA, value: 'hello ' + this.next }));
      }
      return records;
    }
    stop() {}
  }
  class GreetingSourceConnector extends connect.SourceConnector {
    version() { return '0.3.0'; }
    start(props) { this.props = { ...props }; }
    taskClass() { return GreetingSourceTask; }
    taskConfigs() { return [{ topic: this.props.topic, count: this.props.count }]; }
    stop() {}
    config() {
      return new connect.ConfigDef()
        .define('topic', 'STRING', { importance: 'HIGH', documentation: 'the topic to greet' })
        .define('count', 'INT', { importance: 'HIGH', documentation: 'how many greetings' });
    }
  }
  /** Reads string values upper-cased (writes them as they are). */
  class ShoutingStringConverter {
    configure() {}
    fromConnectData(topic, headers, schema, value) { return value === null || value === undefined ? null : Buffer.from(String(value), 'utf8'); }
    toConnectData(topic, headers, bytes) { return { schema: connect.Schema.OPTIONAL_STRING_SCHEMA, value: bytes === null ? null : Buffer.from(bytes).toString('utf8').toUpperCase() }; }
  }
  return {
    connectors: { 'com.example.greeting.GreetingSourceConnector': GreetingSourceConnector },
    converters: { 'com.example.greeting.ShoutingStringConverter': ShoutingStringConverter },
  };
}
`;

describe('connect-standalone with its REST API', () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-connect-rest-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const workerProperties = (name: string, extra: string[] = []): string => {
    const file = join(dir, `${name}.properties`);
    writeFileSync(file, [
      `bootstrap.servers=${broker.bootstrap}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${join(dir, `${name}.offsets`)}`,
      'offset.flush.interval.ms=500',
      'listeners=http://127.0.0.1:0',
      ...extra,
      '',
    ].join('\n'));
    return file;
  };

  it('file source and sink created, watched, paused, resumed and deleted over HTTP', async () => {
    const source = join(dir, 'in.txt');
    const sink = join(dir, 'out.txt');
    writeFileSync(source, numbered(0, 200));
    const w = await startWorker([workerProperties('rest-worker')]);
    try {
      const workerId = new URL(w.url).host;
      assert.match(w.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const root = await http(w.url, 'GET', '/');
      assert.equal(root.status, 200);
      assert.equal(root.body.version, samsaVersion());
      assert.equal(typeof root.body.commit, 'string');
      assert.equal(typeof root.body.kafka_cluster_id, 'string');
      assert.deepEqual((await http(w.url, 'GET', '/connectors')).body, []);

      const createdSource = await http(w.url, 'POST', '/connectors', { name: 'rest-file-source', config: { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: source, topic: 'rest-lines' } });
      assert.equal(createdSource.status, 201, JSON.stringify(createdSource.body));
      assert.equal(createdSource.headers.get('location'), `${w.url}connectors/rest-file-source`);
      assert.deepEqual(createdSource.body.tasks, [{ connector: 'rest-file-source', task: 0 }]);
      const createdSink = await http(w.url, 'POST', '/connectors', { name: 'rest-file-sink', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'tasks.max': '1', file: sink, topics: 'rest-lines' } });
      assert.equal(createdSink.status, 201, JSON.stringify(createdSink.body));
      assert.deepEqual((await http(w.url, 'GET', '/connectors')).body, ['rest-file-sink', 'rest-file-source']);

      await eventually('the 200 lines in the sink file', async () => text(sink), (t) => t.length >= readFileSync(source, 'utf8').length, 120_000);
      assert.equal(text(sink), numbered(0, 200));

      for (const name of ['rest-file-source', 'rest-file-sink']) {
        const status = await http(w.url, 'GET', `/connectors/${name}/status`);
        assert.equal(status.status, 200);
        assert.deepEqual(status.body.connector, { state: 'RUNNING', worker_id: workerId });
        assert.deepEqual(status.body.tasks, [{ id: 0, state: 'RUNNING', worker_id: workerId }]);
      }
      assert.deepEqual((await http(w.url, 'GET', '/connectors/rest-file-source/topics')).body, { 'rest-file-source': { topics: ['rest-lines'] } });

      assert.equal((await http(w.url, 'PUT', '/connectors/rest-file-source/pause')).status, 202);
      const paused = await eventually('PAUSED', () => http(w.url, 'GET', '/connectors/rest-file-source/status'), (s) => s.body.connector.state === 'PAUSED');
      assert.deepEqual(paused.body.tasks, [{ id: 0, state: 'PAUSED', worker_id: workerId }]);
      appendFileSync(source, numbered(200, 300));
      assert.equal((await http(w.url, 'PUT', '/connectors/rest-file-source/resume')).status, 202);
      await eventually('RUNNING', () => http(w.url, 'GET', '/connectors/rest-file-source/status'), (s) => s.body.connector.state === 'RUNNING' && s.body.tasks[0]?.state === 'RUNNING');
      await eventually('the appended lines', async () => text(sink), (t) => t.length >= readFileSync(source, 'utf8').length, 120_000);
      assert.equal(text(sink), numbered(0, 300));

      for (const name of ['rest-file-source', 'rest-file-sink']) {
        assert.equal((await http(w.url, 'DELETE', `/connectors/${name}`)).status, 204);
        assert.equal((await http(w.url, 'GET', `/connectors/${name}`)).status, 404);
      }
      assert.deepEqual((await http(w.url, 'GET', '/connectors')).body, []);
    } finally {
      await stopWorker(w);
    }
  });

  it('plugin.path: a plugin package’s connector and converter used by connectors created over REST; topic.creation makes the topic', async () => {
    const plugins = join(dir, 'plugins');
    const pkg = join(plugins, 'greeting-connect');
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'greeting-connect', version: '0.3.0', type: 'module', main: 'lib/index.js' }));
    writeFileSync(join(pkg, 'lib', 'index.js'), GREETING_PLUGIN);
    const sink = join(dir, 'greetings.txt');
    // A missing plugin.path entry is logged and ignored, as Kafka does; the real one still loads.
    const w = await startWorker([workerProperties('plugin-worker', [`plugin.path=${join(dir, 'no-such-dir')},${plugins}`])]);
    try {
      const listed = await http(w.url, 'GET', '/connector-plugins');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.find((p: { class: string }) => p.class === 'com.example.greeting.GreetingSourceConnector'), { class: 'com.example.greeting.GreetingSourceConnector', type: 'source', version: '0.3.0' });
      const all = await http(w.url, 'GET', '/connector-plugins?connectorsOnly=false');
      assert.deepEqual(all.body.filter((p: { class: string }) => p.class === 'com.example.greeting.ShoutingStringConverter'), [{ class: 'com.example.greeting.ShoutingStringConverter', type: 'converter' }]);

      const source = await http(w.url, 'POST', '/connectors', {
        name: 'greetings',
        config: {
          // Kafka's alias: the simple name without "Connector".
          'connector.class': 'GreetingSource', topic: 'greetings', count: '120',
          'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '3',
        },
      });
      assert.equal(source.status, 201, JSON.stringify(source.body));
      const sinkCreated = await http(w.url, 'PUT', '/connectors/greetings-sink/config', {
        'connector.class': 'FileStreamSink', file: sink, topics: 'greetings', 'value.converter': 'com.example.greeting.ShoutingStringConverter',
      });
      assert.equal(sinkCreated.status, 201, JSON.stringify(sinkCreated.body));

      await eventually('120 greetings in the sink file', async () => text(sink), (t) => t.split('\n').length > 120, 120_000);
      // Three partitions: the order across them is not defined, the set of lines is.
      assert.deepEqual(text(sink).split('\n').filter((l) => l !== '').sort(), numbered(0, 120, 'HELLO').split('\n').filter((l) => l !== '').sort());
      const status = await http(w.url, 'GET', '/connectors/greetings/status');
      assert.deepEqual([status.body.connector.state, status.body.tasks.map((t: { state: string }) => t.state), status.body.type], ['RUNNING', ['RUNNING'], 'source']);

      const admin = new Kafka({ clientId: 'connect-rest-test', brokers: [broker.bootstrap], logger: silentLogger() }).admin();
      await admin.connect();
      try {
        const [topic] = (await admin.fetchTopicMetadata({ topics: ['greetings'] })).topics;
        assert.equal(topic?.partitions.length, 3, 'created by topic.creation.default.partitions, not auto-created');
      } finally {
        await admin.disconnect();
      }
    } finally {
      await stopWorker(w);
    }
  });
});
