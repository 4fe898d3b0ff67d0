/**
 * Kafka Connect's REST API over real HTTP against a worker's Herder (from rest-test-herder.ts) with
 * a real broker and real FileStream connector configs: every endpoint with its success and error
 * answers, Kafka's status codes and `{"error_code", "message"}` bodies, URL-encoded names, 404/405,
 * malformed JSON, rebalance conflicts, internal errors and forwarding to the leader.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { LoggerLevels } from '../../../src/connect/rest/logger-levels.js';
import { startRestServer, type RestServer } from '../../../src/connect/rest/rest-server.js';
import { RebalanceInProgressException } from '../../../src/connect/runtime/herder.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { createRestTestHerder, failingHerder, notLeaderHerder, type RestTestHerder } from './rest-test-herder.js';
import { eventually, http, quietInfoLogger } from './rest-test-support.js';

const SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector';

describe('Connect REST API', () => {
  let broker: TestBroker;
  let dir: string;
  let herder: RestTestHerder;
  let server: RestServer;
  let base: string;
  let sourceFile: string;
  let sinkFile: string;
  const root = quietInfoLogger();
  const workerLogger = root.child({ name: 'worker' });
  const levels = new LoggerLevels(root);
  levels.register('org.apache.kafka.connect.runtime.Worker', workerLogger);
  levels.register('org.apache.kafka.clients.consumer', root.child({ name: 'consumer' }));

  const sourceConfig = (topic = 'rest-source-topic'): Record<string, string> => ({ 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: sourceFile, topic });
  const sinkConfig = (): Record<string, string> => ({ 'connector.class': SINK_CLASS, 'tasks.max': '1', file: sinkFile, topics: 'rest-sink-topic' });
  const get = (path: string) => http(base, 'GET', path);
  const statusOf = (name: string) => get(`/connectors/${encodeURIComponent(name)}/status`);

  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-rest-'));
    sourceFile = join(dir, 'source.txt');
    sinkFile = join(dir, 'sink.txt');
    writeFileSync(sourceFile, '');
    herder = await createRestTestHerder({ bootstrap: broker.bootstrap, dir, workerId: '127.0.0.1:8083' });
    server = await startRestServer({ herder, listeners: ['http://127.0.0.1:0'], logger: silentLogger(), loggerLevels: levels, version: '3.9.0-samsa', commit: 'abc123' });
    base = server.url;
  });
  after(async () => {
    await server.close();
    await herder.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises the bound address', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    assert.ok(server.port > 0);
  });

  it('GET / answers the version, commit and the Kafka cluster id', async () => {
    const admin = new Kafka({ clientId: 'rest-test', brokers: [broker.bootstrap], logger: silentLogger() }).admin();
    await admin.connect();
    const { clusterId } = await admin.describeCluster();
    await admin.disconnect();
    const r = await get('/');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { version: '3.9.0-samsa', commit: 'abc123', kafka_cluster_id: clusterId });
  });

  describe('a connector through its lifecycle', () => {
    const name = 'file-source';

    it('POST /connectors creates it: 201, Location, ConnectorInfo', async () => {
      const r = await http(base, 'POST', '/connectors', { name, config: sourceConfig() });
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('location'), `http://127.0.0.1:${server.port}/connectors/${name}`);
      assert.equal(r.body.name, name);
      assert.equal(r.body.type, 'source');
      assert.deepEqual(r.body.config, { ...sourceConfig(), name });
      assert.deepEqual(r.body.tasks, [{ connector: name, task: 0 }]);
    });

    it('POST /connectors with an existing name is 409', async () => {
      const r = await http(base, 'POST', '/connectors', { name, config: sourceConfig() });
      assert.equal(r.status, 409);
      assert.equal(r.body.error_code, 409);
      assert.match(r.body.message, new RegExp(name));
    });

    it('GET /connectors lists it; GET /connectors/{name} and /config describe it', async () => {
      assert.ok((await get('/connectors')).body.includes(name));
      const info = await get(`/connectors/${name}`);
      assert.equal(info.status, 200);
      assert.deepEqual(info.body, { name, config: { ...sourceConfig(), name }, tasks: [{ connector: name, task: 0 }], type: 'source' });
      const config = await get(`/connectors/${name}/config`);
      assert.equal(config.status, 200);
      assert.deepEqual(config.body, { ...sourceConfig(), name });
    });

    it('GET /connectors/{name}/status shows it RUNNING on this worker', async () => {
      const r = await eventually('RUNNING', () => statusOf(name), (s) => s.body.connector.state === 'RUNNING' && s.body.tasks.every((t: { state: string }) => t.state === 'RUNNING'));
      assert.equal(r.status, 200);
      assert.equal(r.body.name, name);
      assert.equal(r.body.type, 'source');
      assert.equal(r.body.connector.worker_id, '127.0.0.1:8083');
      assert.deepEqual(r.body.tasks, [{ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' }]);
    });

    it('GET /connectors/{name}/tasks and /tasks/{id}/status', async () => {
      const tasks = await get(`/connectors/${name}/tasks`);
      assert.equal(tasks.status, 200);
      assert.equal(tasks.body.length, 1);
      assert.deepEqual(tasks.body[0].id, { connector: name, task: 0 });
      assert.equal(tasks.body[0].config.topic, 'rest-source-topic');
      const task = await get(`/connectors/${name}/tasks/0/status`);
      assert.equal(task.status, 200);
      assert.equal(task.body.id, 0);
      assert.equal(task.body.state, 'RUNNING');
      assert.equal(typeof task.body.worker_id, 'string');
      const missing = await get(`/connectors/${name}/tasks/7/status`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 404);
      assert.equal((await get(`/connectors/${name}/tasks/zero/status`)).status, 404);
    });

    it('PUT /connectors/{name}/config updates it (200)', async () => {
      const r = await http(base, 'PUT', `/connectors/${name}/config`, sourceConfig('rest-source-topic-2'));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('location'), null);
      assert.equal(r.body.config.topic, 'rest-source-topic-2');
      assert.equal((await get(`/connectors/${name}/config`)).body.topic, 'rest-source-topic-2');
    });

    it('POST /connectors/{name}/restart: 204 alone, 202 with the state when includeTasks/onlyFailed', async () => {
      const plain = await http(base, 'POST', `/connectors/${name}/restart`);
      assert.equal(plain.status, 204);
      assert.equal(plain.body, null);
      const explicitFalse = await http(base, 'POST', `/connectors/${name}/restart?includeTasks=false&onlyFailed=false`);
      assert.equal(explicitFalse.status, 204);
      await eventually('RUNNING again', () => statusOf(name), (s) => s.body.connector.state === 'RUNNING' && s.body.tasks.length === 1 && s.body.tasks[0].state === 'RUNNING');
      const withTasks = await http(base, 'POST', `/connectors/${name}/restart?includeTasks=true`);
      assert.equal(withTasks.status, 202);
      assert.equal(withTasks.body.name, name);
      assert.ok(['RESTARTING', 'RUNNING'].includes(withTasks.body.connector.state), withTasks.body.connector.state);
      assert.equal(withTasks.body.type, 'source');
      await eventually('RUNNING again', () => statusOf(name), (s) => s.body.connector.state === 'RUNNING' && s.body.tasks.length === 1 && s.body.tasks[0].state === 'RUNNING');
      // Nothing has failed, so onlyFailed restarts nothing.
      const onlyFailed = await http(base, 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
      assert.equal(onlyFailed.status, 202);
      assert.equal(onlyFailed.body.connector.state, 'RUNNING');
      assert.ok(onlyFailed.body.tasks.every((t: { state: string }) => t.state === 'RUNNING'));
    });

    it('POST /connectors/{name}/tasks/{id}/restart is 204; an unknown task is 404', async () => {
      await eventually('task 0', () => statusOf(name), (s) => s.body.tasks.length === 1);
      assert.equal((await http(base, 'POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
      const missing = await http(base, 'POST', `/connectors/${name}/tasks/5/restart`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 404);
    });

    it('PUT pause and resume answer 202 and change the state', async () => {
      assert.equal((await http(base, 'PUT', `/connectors/${name}/pause`)).status, 202);
      const paused = await eventually('PAUSED', () => statusOf(name), (s) => s.body.connector.state === 'PAUSED');
      assert.deepEqual(paused.body.tasks.map((t: { state: string }) => t.state), ['PAUSED']);
      assert.equal((await http(base, 'PUT', `/connectors/${name}/resume`)).status, 202);
      await eventually('RUNNING', () => statusOf(name), (s) => s.body.connector.state === 'RUNNING');
    });

    it('GET /connectors/{name}/topics and PUT /topics/reset', async () => {
      const r = await get(`/connectors/${name}/topics`);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body), [name]);
      assert.ok(Array.isArray(r.body[name].topics));
      const reset = await http(base, 'PUT', `/connectors/${name}/topics/reset`);
      assert.equal(reset.status, 202);
      assert.deepEqual((await get(`/connectors/${name}/topics`)).body, { [name]: { topics: [] } });
    });

    it('offsets: GET lists them; PATCH and DELETE need a STOPPED connector', async () => {
      const offsets = await get(`/connectors/${name}/offsets`);
      assert.equal(offsets.status, 200);
      assert.ok(Array.isArray(offsets.body.offsets));
      const alteration = { offsets: [{ partition: { filename: sourceFile }, offset: { position: 0 } }] };
      const running = await http(base, 'PATCH', `/connectors/${name}/offsets`, alteration);
      assert.equal(running.status, 400);
      assert.equal(running.body.error_code, 400);
      assert.equal((await http(base, 'DELETE', `/connectors/${name}/offsets`)).status, 400);

      assert.equal((await http(base, 'PUT', `/connectors/${name}/stop`)).status, 204);
      await eventually('STOPPED', () => statusOf(name), (s) => s.body.connector.state === 'STOPPED');
      const empty = await http(base, 'PATCH', `/connectors/${name}/offsets`, { offsets: [] });
      assert.equal(empty.status, 400);
      assert.equal(empty.body.message, 'Partitions / offsets need to be provided for an alter offsets request');
      const altered = await http(base, 'PATCH', `/connectors/${name}/offsets`, alteration);
      assert.equal(altered.status, 200);
      assert.equal(altered.body.message, 'The offsets for this connector have been altered successfully');
      assert.deepEqual((await get(`/connectors/${name}/offsets`)).body, alteration);
      const reset = await http(base, 'DELETE', `/connectors/${name}/offsets`);
      assert.equal(reset.status, 200);
      assert.equal(reset.body.message, 'The offsets for this connector have been reset successfully');
      assert.deepEqual((await get(`/connectors/${name}/offsets`)).body, { offsets: [] });
    });

    it('DELETE /connectors/{name} is 204, then the connector is gone (404)', async () => {
      assert.equal((await http(base, 'DELETE', `/connectors/${name}`)).status, 204);
      const gone = await get(`/connectors/${name}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error_code, 404);
      assert.equal((await http(base, 'DELETE', `/connectors/${name}`)).status, 404);
      assert.ok(!(await get('/connectors')).body.includes(name));
    });
  });

  it('PUT /connectors/{name}/config creates a connector (201 + Location); a sink reports type sink', async () => {
    const r = await http(base, 'PUT', '/connectors/file-sink/config', sinkConfig());
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `http://127.0.0.1:${server.port}/connectors/file-sink`);
    assert.equal(r.body.type, 'sink');
    assert.equal(r.body.config.name, 'file-sink');
    assert.equal((await http(base, 'DELETE', '/connectors/file-sink')).status, 204);
  });

  it('a name in the config must match the URL or the request (400)', async () => {
    const put = await http(base, 'PUT', '/connectors/one/config', { ...sourceConfig(), name: 'other' });
    assert.equal(put.status, 400);
    assert.deepEqual(put.body, { error_code: 400, message: "Connector name configuration (other) doesn't match connector name in the URL (one)" });
    const post = await http(base, 'POST', '/connectors', { name: 'one', config: { ...sourceConfig(), name: 'other' } });
    assert.equal(post.status, 400);
    assert.equal(post.body.message, "Connector name configuration (other) doesn't match connector name in the URL (one)");
    assert.equal((await get('/connectors/one')).status, 404);
  });

  it('POST /connectors without a config or a name is 400', async () => {
    const noConfig = await http(base, 'POST', '/connectors', { name: 'no-config' });
    assert.equal(noConfig.status, 400);
    assert.equal(noConfig.body.error_code, 400);
    const noName = await http(base, 'POST', '/connectors', { config: sourceConfig() });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error_code, 400);
    assert.deepEqual((await get('/connectors')).body.filter((n: string) => n === '' || n === 'no-config'), []);
  });

  it('a bad connector config is 400 naming the key', async () => {
    const { topic: _omitted, ...noTopic } = sourceConfig();
    const missing = await http(base, 'POST', '/connectors', { name: 'bad-source', config: noTopic });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error_code, 400);
    assert.match(missing.body.message, /topic/);
    const badTasks = await http(base, 'PUT', '/connectors/bad-source/config', { ...sourceConfig(), 'tasks.max': 'many' });
    assert.equal(badTasks.status, 400);
    assert.match(badTasks.body.message, /tasks\.max/);
    const badClass = await http(base, 'PUT', '/connectors/bad-source/config', { ...sourceConfig(), 'connector.class': 'NoSuchConnector' });
    assert.equal(badClass.status, 400);
    assert.match(badClass.body.message, /NoSuchConnector/);
    assert.equal((await get('/connectors/bad-source')).status, 404);
  });

  it('config values that are JSON numbers or booleans are taken as text; objects are 400', async () => {
    const r = await http(base, 'POST', '/connectors', { name: 'numeric', config: { ...sourceConfig(), 'tasks.max': 1, 'batch.size': 10 } });
    assert.equal(r.status, 201);
    assert.equal(r.body.config['tasks.max'], '1');
    assert.equal((await get('/connectors/numeric/config')).body['batch.size'], '10');
    assert.equal((await http(base, 'DELETE', '/connectors/numeric')).status, 204);
    const nested = await http(base, 'PUT', '/connectors/nested/config', { ...sourceConfig(), topic: { name: 't' } });
    assert.equal(nested.status, 400);
    assert.match(nested.body.message, /topic/);
    assert.equal((await get('/connectors/nested')).status, 404);
  });

  it('initial_state STOPPED creates a stopped connector', async () => {
    const r = await http(base, 'POST', '/connectors', { name: 'born-stopped', config: sourceConfig(), initial_state: 'STOPPED' });
    assert.equal(r.status, 201);
    await eventually('STOPPED', () => statusOf('born-stopped'), (s) => s.body.connector.state === 'STOPPED');
    assert.equal((await http(base, 'DELETE', '/connectors/born-stopped')).status, 204);
  });

  it('names with URL-encoded spaces and slashes work on every path', async () => {
    const name = 'my source/with spaces';
    const path = `/connectors/${encodeURIComponent(name)}`;
    const created = await http(base, 'POST', '/connectors', { name, config: sourceConfig() });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, name);
    assert.equal((await get(path)).body.name, name);
    assert.equal((await get(`${path}/config`)).body.name, name);
    const updated = await http(base, 'PUT', `${path}/config`, sourceConfig('spaced-topic'));
    assert.equal(updated.status, 200);
    assert.equal(updated.body.config.name, name);
    await eventually('status', () => get(`${path}/status`), (s) => s.status === 200 && s.body.name === name);
    assert.deepEqual(Object.keys((await get(`${path}/topics`)).body), [name]);
    assert.equal((await http(base, 'DELETE', path)).status, 204);
    assert.equal((await get(path)).status, 404);
  });

  it('GET /connectors?expand=status|info, alone or together', async () => {
    await http(base, 'POST', '/connectors', { name: 'expanded', config: sourceConfig() });
    try {
      const status = await get('/connectors?expand=status');
      assert.equal(status.status, 200);
      assert.deepEqual(Object.keys(status.body.expanded), ['status']);
      assert.equal(status.body.expanded.status.name, 'expanded');
      const info = await get('/connectors?expand=info');
      assert.deepEqual(Object.keys(info.body.expanded), ['info']);
      assert.equal(info.body.expanded.info.config.topic, 'rest-source-topic');
      const both = await get('/connectors?expand=status&expand=info');
      assert.deepEqual(Object.keys(both.body.expanded).sort(), ['info', 'status']);
      assert.equal(both.body.expanded.info.type, 'source');
      assert.equal(both.body.expanded.status.type, 'source');
    } finally {
      await http(base, 'DELETE', '/connectors/expanded');
    }
  });

  it('every per-connector endpoint answers 404 for an unknown connector', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/connectors/nope'],
      ['GET', '/connectors/nope/config'],
      ['GET', '/connectors/nope/status'],
      ['GET', '/connectors/nope/tasks'],
      ['GET', '/connectors/nope/tasks/0/status'],
      ['POST', '/connectors/nope/restart'],
      ['POST', '/connectors/nope/restart?includeTasks=true'],
      ['POST', '/connectors/nope/tasks/0/restart'],
      ['PUT', '/connectors/nope/pause'],
      ['PUT', '/connectors/nope/resume'],
      ['PUT', '/connectors/nope/stop'],
      ['DELETE', '/connectors/nope'],
      ['GET', '/connectors/nope/topics'],
      ['PUT', '/connectors/nope/topics/reset'],
      ['GET', '/connectors/nope/offsets'],
      ['PATCH', '/connectors/nope/offsets', { offsets: [{ partition: { filename: 'x' }, offset: { position: 1 } }] }],
      ['DELETE', '/connectors/nope/offsets'],
    ];
    for (const [method, path, body] of calls) {
      const r = await http(base, method, path, body);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.error_code, 404, `${method} ${path}`);
      assert.equal(typeof r.body.message, 'string');
    }
  });

  it('an unknown path is 404, a known path with another method 405, both in Kafka\'s error shape', async () => {
    const unknown = await get('/no/such/thing');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error_code: 404, message: 'HTTP 404 Not Found' });
    const wrongMethod = await http(base, 'DELETE', '/connectors');
    assert.equal(wrongMethod.status, 405);
    assert.deepEqual(wrongMethod.body, { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    assert.equal((await http(base, 'POST', '/connectors/x/status')).status, 405);
    assert.equal((await http(base, 'GET', '/connectors/x/pause')).status, 405);
  });

  it('a body that is not JSON is 400', async () => {
    const r = await http(base, 'POST', '/connectors', undefined, '{"name": "broken", "config": {');
    assert.equal(r.status, 400);
    assert.equal(r.body.error_code, 400);
    assert.equal(typeof r.body.message, 'string');
    const put = await http(base, 'PUT', '/connectors/broken/config', undefined, 'not json');
    assert.equal(put.status, 400);
    assert.equal((await get('/connectors/broken')).status, 404);
  });

  describe('connector plugins', () => {
    it('GET /connector-plugins lists the connectors; connectorsOnly=false lists at least those', async () => {
      const r = await get('/connector-plugins');
      assert.equal(r.status, 200);
      const source = r.body.find((p: { class: string }) => p.class === SOURCE_CLASS);
      const sink = r.body.find((p: { class: string }) => p.class === SINK_CLASS);
      assert.equal(source?.type, 'source');
      assert.equal(sink?.type, 'sink');
      assert.ok(r.body.every((p: { type: string }) => p.type === 'source' || p.type === 'sink'));
      const all = await get('/connector-plugins?connectorsOnly=false');
      assert.equal(all.status, 200);
      for (const p of r.body) assert.ok(all.body.some((q: { class: string }) => q.class === p.class));
    });

    it('PUT /connector-plugins/{plugin}/config/validate reports errors per key', async () => {
      const ok = await http(base, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', { ...sourceConfig(), name: 'v' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.error_count, 0);
      assert.ok(ok.body.configs.some((c: { value: { name: string } }) => c.value.name === 'topic'));
      const { topic: _omitted, ...noTopic } = sourceConfig();
      const bad = await http(base, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', { ...noTopic, name: 'v' });
      assert.equal(bad.status, 200);
      assert.ok(bad.body.error_count >= 1);
      const topic = bad.body.configs.find((c: { value: { name: string } }) => c.value.name === 'topic');
      assert.ok(topic.value.errors.length >= 1);
    });

    it('validate with a connector.class other than the path\'s plugin is 400', async () => {
      const r = await http(base, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', sinkConfig());
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { error_code: 400, message: `Included connector type ${SINK_CLASS} does not match request type FileStreamSourceConnector` });
    });
  });

  describe('logger levels', () => {
    it('GET /admin/loggers shows root and the registered loggers in log4j names', async () => {
      const r = await get('/admin/loggers');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.root, { level: 'INFO' });
      assert.deepEqual(r.body['org.apache.kafka.connect.runtime.Worker'], { level: 'INFO' });
    });

    it('PUT /admin/loggers/{namespace} sets every logger under it and answers their names', async () => {
      const r = await http(base, 'PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'DEBUG' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, ['org.apache.kafka.connect', 'org.apache.kafka.connect.runtime.Worker']);
      assert.equal(workerLogger.level, 'debug');
      const one = await get('/admin/loggers/org.apache.kafka.connect.runtime.Worker');
      assert.equal(one.status, 200);
      assert.equal(one.body.level, 'DEBUG');
      assert.equal(typeof one.body.last_modified, 'number');
      assert.equal((await get('/admin/loggers/org.apache.kafka.clients.consumer')).body.level, 'INFO');
      const off = await http(base, 'PUT', '/admin/loggers/org.apache.kafka.connect.runtime.Worker', { level: 'off' });
      assert.equal(off.status, 200);
      assert.equal(workerLogger.level, 'silent');
      assert.equal((await get('/admin/loggers/org.apache.kafka.connect.runtime.Worker')).body.level, 'OFF');
    });

    it('scope=cluster answers 204 and sets the level on this worker', async () => {
      const r = await http(base, 'PUT', '/admin/loggers/org.apache.kafka.clients?scope=cluster', { level: 'WARN' });
      assert.equal(r.status, 204);
      assert.equal((await get('/admin/loggers/org.apache.kafka.clients.consumer')).body.level, 'WARN');
    });

    it('an unknown logger is 404; a missing or bad level is refused with Kafka\'s messages', async () => {
      const unknown = await get('/admin/loggers/no.such.logger');
      assert.deepEqual(unknown.body, { error_code: 404, message: 'Logger no.such.logger not found.' });
      const noLevel = await http(base, 'PUT', '/admin/loggers/org.apache.kafka.connect', {});
      assert.deepEqual(noLevel.body, { error_code: 400, message: "Desired 'level' parameter was not specified in request." });
      const badLevel = await http(base, 'PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'LOUD' });
      assert.deepEqual(badLevel.body, { error_code: 404, message: "invalid log level 'LOUD'." });
      assert.equal(workerLogger.level, 'silent');
    });
  });
});

describe('Connect REST API: herder failures', () => {
  const servers: RestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const serve = async (herder: Parameters<typeof startRestServer>[0]['herder']): Promise<RestServer> => {
    const s = await startRestServer({ herder, listeners: ['http://127.0.0.1:0'], logger: silentLogger(), version: 'v', commit: 'c' });
    servers.push(s);
    return s;
  };

  it('a rebalance in progress is 409 with Kafka\'s message', async () => {
    const s = await serve(failingHerder(() => new RebalanceInProgressException()));
    const r = await http(s.url, 'POST', '/connectors', { name: 'x', config: { 'connector.class': 'FileStreamSource', topic: 't' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, { error_code: 409, message: 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)' });
  });

  it('an unexpected failure is 500 with its message', async () => {
    const s = await serve(failingHerder(() => new Error('disk on fire')));
    const r = await http(s.url, 'GET', '/connectors');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error_code: 500, message: 'disk on fire' });
  });
});

describe('Connect REST API: forwarding to the leader', () => {
  let broker: TestBroker;
  let dir: string;
  let herder: RestTestHerder;
  let leader: RestServer;
  const servers: RestServer[] = [];
  const serve = async (h: Parameters<typeof startRestServer>[0]['herder']): Promise<RestServer> => {
    const s = await startRestServer({ herder: h, listeners: ['http://127.0.0.1:0'], logger: silentLogger(), version: 'v', commit: 'c' });
    servers.push(s);
    return s;
  };

  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-rest-fwd-'));
    writeFileSync(join(dir, 'in.txt'), '');
    herder = await createRestTestHerder({ bootstrap: broker.bootstrap, dir, workerId: 'leader:8083' });
    leader = await serve(herder);
  });
  after(async () => {
    for (const s of servers) await s.close();
    await herder.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a follower relays the leader\'s answer: status, body, and a Location naming itself as Kafka does', async () => {
    const follower = await serve(notLeaderHerder(leader.url));
    const config = { 'connector.class': 'FileStreamSource', file: join(dir, 'in.txt'), topic: 'fwd-topic' };
    const created = await http(follower.url, 'POST', '/connectors', { name: 'forwarded', config });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'forwarded');
    assert.equal(created.headers.get('location'), `http://127.0.0.1:${follower.port}/connectors/forwarded`);
    assert.deepEqual((await http(leader.url, 'GET', '/connectors')).body, ['forwarded']);
    const dup = await http(follower.url, 'POST', '/connectors', { name: 'forwarded', config });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error_code, 409);
    const restart = await http(follower.url, 'POST', '/connectors/forwarded/restart?includeTasks=true');
    assert.equal(restart.status, 202);
    assert.equal(restart.body.name, 'forwarded');
    const missing = await http(follower.url, 'GET', '/connectors/missing');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, 404);
    assert.equal((await http(follower.url, 'DELETE', '/connectors/forwarded')).status, 204);
    assert.deepEqual((await http(leader.url, 'GET', '/connectors')).body, []);
  });

  it('a user\'s request may take two hops; a forwarded one that misses again is 409', async () => {
    const second = await serve(notLeaderHerder(leader.url));
    const first = await serve(notLeaderHerder(second.url));
    assert.deepEqual((await http(first.url, 'GET', '/connectors')).body, []);
    const lost = await serve(notLeaderHerder(first.url));
    const r = await http(lost.url, 'GET', '/connectors');
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, { error_code: 409, message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)' });
  });

  it('forward=false is not forwarded (409); no known leader is 409', async () => {
    const follower = await serve(notLeaderHerder(leader.url));
    const r = await http(follower.url, 'GET', '/connectors?forward=false');
    assert.equal(r.status, 409);
    assert.equal(r.body.message, 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
    const orphan = await serve(notLeaderHerder(null));
    const none = await http(orphan.url, 'GET', '/connectors');
    assert.equal(none.status, 409);
    assert.deepEqual(none.body, { error_code: 409, message: 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.' });
  });
});
