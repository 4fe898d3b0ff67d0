/**
 * startStandalone in-process: the connectors of the properties files are created through the
 * StandaloneHerder it returns, which its REST server (on `listeners`) serves; a bad file is
 * refused naming the file and the key; stop() closes the REST server and stops everything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { startStandalone } from '../../../src/connect/runtime/standalone.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { fileText, lines, until } from './herder-test-support.js';

describe('startStandalone', () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-standalone-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the files’ connectors through its herder; stop() stops them', async () => {
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nkey.converter=StringConverter\nvalue.converter=StringConverter\noffset.storage.file.filename=${join(dir, 'offsets')}\noffset.flush.interval.ms=100\nlisteners=http://localhost:0\n`);
    const sourceFile = join(dir, 'source.properties');
    const sinkFile = join(dir, 'sink.properties');
    writeFileSync(sourceFile, `name=s-source\nconnector.class=FileStreamSource\nfile=${join(dir, 'in.txt')}\ntopic=standalone-lines\n`);
    writeFileSync(sinkFile, `name=s-sink\nconnector.class=FileStreamSink\nfile=${join(dir, 'out.txt')}\ntopics=standalone-lines\n`);
    writeFileSync(join(dir, 'in.txt'), lines(0, 10));
    const standalone = await startStandalone(workerFile, [sourceFile, sinkFile], silentLogger(), { workerId: 'standalone:8083' });
    try {
      assert.deepEqual(await standalone.herder.connectors(), ['s-sink', 's-source']);
      const status = await standalone.herder.connectorStatus('s-source');
      assert.deepEqual([status.connector.state, status.connector.worker_id, status.tasks.map((t) => t.state)], ['RUNNING', 'standalone:8083', ['RUNNING']]);
      await until('the lines copied', () => fileText(join(dir, 'out.txt')) === lines(0, 10));
    } finally {
      await standalone.stop();
    }
    assert.deepEqual(standalone.worker.connectorNames(), []);
    assert.equal((await standalone.herder.connectorStatus('s-sink')).connector.state, 'UNASSIGNED');
  });

  it('serves the REST API on listeners; the worker id is its host:port; stop() closes it', async () => {
    const workerFile = join(dir, 'worker-rest.properties');
    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nkey.converter=StringConverter\nvalue.converter=StringConverter\noffset.storage.file.filename=${join(dir, 'offsets-rest')}\nlisteners=http://127.0.0.1:0\nplugin.path=${join(dir, 'no-plugins-here')}\n`);
    const sourceFile = join(dir, 'rest-source.properties');
    writeFileSync(sourceFile, `name=r-source\nconnector.class=FileStreamSource\nfile=${join(dir, 'rest-in.txt')}\ntopic=standalone-rest-lines\n`);
    const standalone = await startStandalone(workerFile, [sourceFile], silentLogger());
    const url = standalone.rest.url;
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(standalone.worker.workerId, `127.0.0.1:${standalone.rest.port}`);
      assert.deepEqual(await (await fetch(`${url}connectors`)).json(), ['r-source']);
      const status = (await (await fetch(`${url}connectors/r-source/status`)).json()) as { connector: { state: string; worker_id: string } };
      assert.deepEqual(status.connector, { state: 'RUNNING', worker_id: `127.0.0.1:${standalone.rest.port}` });
    } finally {
      await standalone.stop();
    }
    await assert.rejects(fetch(`${url}connectors`), TypeError, 'the REST server is closed');
  });

  it('refuses a bad connector file, naming the file and the key', async () => {
    const workerFile = join(dir, 'worker2.properties');
    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nkey.converter=StringConverter\nvalue.converter=StringConverter\noffset.storage.file.filename=${join(dir, 'offsets2')}\nlisteners=http://localhost:0\n`);
    const bad = join(dir, 'bad.properties');
    writeFileSync(bad, 'name=bad\nconnector.class=FileStreamSource\ntasks.max=0\ntopic=x\n');
    await assert.rejects(startStandalone(workerFile, [bad], silentLogger()), { message: `${bad}: Invalid value 0 for configuration tasks.max: Value must be at least 1` });
  });
});
