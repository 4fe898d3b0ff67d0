/**
 * Kafka's Connect quickstart in standalone mode, with real processes: a broker in this process,
 * the `connect-standalone` bin as a child running the file source and the file sink; lines
 * written to the source file arrive in the sink file exactly once, across a SIGTERM and restart.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { finished, runBin, spawnBin, type BinResult } from '../../cli/cli-test-support.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

const lines = (from: number, to: number): string => {
  let s = '';
  for (let i = from; i < to; i++) s += `line ${i} of the quickstart: ${'x'.repeat(i % 17)}\n`;
  return s;
};

async function waitFor(what: string, check: () => boolean, child: { result: Promise<BinResult> | null }, deadlineMs = 240_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let exited = false;
  void child.result?.then(() => (exited = true));
  while (!check()) {
    if (exited) assert.fail(`the worker exited while waiting for ${what}: ${JSON.stringify(await child.result)}`);
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('connect-standalone: the file source → Kafka → file sink quickstart', () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-connect-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies 100,000 lines byte for byte, follows appends, and resumes after SIGTERM without duplicates or loss', async () => {
    const source = join(dir, 'test.txt');
    const sink = join(dir, 'test.sink.txt');
    const offsets = join(dir, 'connect.offsets');
    const workerFile = join(dir, 'connect-standalone.properties');
    writeFileSync(workerFile, [
      `bootstrap.servers=${broker.bootstrap}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable=true',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${offsets}`,
      'offset.flush.interval.ms=1000',
      'plugin.path=/nonexistent/plugins',
      'listeners=http://localhost:0',
      '',
    ].join('\n'));
    const sourceFile = join(dir, 'connect-file-source.properties');
    writeFileSync(sourceFile, `name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${source}\ntopic=connect-test\n`);
    const sinkFile = join(dir, 'connect-file-sink.properties');
    writeFileSync(sinkFile, `name=local-file-sink\nconnector.class=org.apache.kafka.connect.file.FileStreamSinkConnector\ntasks.max=1\nfile=${sink}\ntopics=connect-test\n`);

    writeFileSync(source, lines(0, 100_000));
    const sinkText = () => (existsSync(sink) ? readFileSync(sink, 'utf8') : '');
    const start = () => {
      const child = spawnBin('connect-standalone', [workerFile, sourceFile, sinkFile], { SAMSA_LOG_LEVEL: 'warn' });
      return { child, result: finished(child, 600_000) as Promise<BinResult> | null };
    };

    const first = start();
    await waitFor('the first 100,000 lines in the sink', () => sinkText().length >= readFileSync(source, 'utf8').length, first);
    assert.equal(sinkText(), readFileSync(source, 'utf8'));

    appendFileSync(source, lines(100_000, 100_500));
    await waitFor('the appended lines', () => sinkText().length >= readFileSync(source, 'utf8').length, first);
    assert.equal(sinkText(), readFileSync(source, 'utf8'));

    first.child.kill('SIGTERM');
    const firstResult = await first.result!;
    assert.equal(firstResult.code, 0, firstResult.stderr + firstResult.stdout);
    const stored = JSON.parse(readFileSync(offsets, 'utf8')) as { format: string; version: number; entries: unknown[] };
    assert.deepEqual(stored, { format: 'samsa-connect-offsets', version: 1, entries: [[['local-file-source', { filename: source }], { position: Buffer.byteLength(readFileSync(source)) }]] });

    // Lines written while the worker is down, and after it is back.
    appendFileSync(source, lines(100_500, 101_000));
    const second = start();
    appendFileSync(source, lines(101_000, 101_700));
    await waitFor('the lines written around the restart', () => sinkText().length >= readFileSync(source, 'utf8').length, second);
    second.child.kill('SIGTERM');
    const secondResult = await second.result!;
    assert.equal(secondResult.code, 0, secondResult.stderr + secondResult.stdout);
    assert.equal(sinkText(), lines(0, 101_700), 'every line exactly once, in order');
  });

  it('bad properties: exit 1 with a message naming the key', async () => {
    const workerFile = join(dir, 'bad-worker.properties');
    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nkey.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\noffset.storage.file.filename=${join(dir, 'x.offsets')}\noffset.flush.interval.ms=soon\n`);
    const r1 = await runBin('connect-standalone', [workerFile]);
    assert.equal(r1.code, 1);
    assert.equal(r1.stderr, `Error: ${workerFile}: Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG\n`);

    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\noffset.storage.file.filename=${join(dir, 'x.offsets')}\nlisteners=http://localhost:0\n`);
    const r2 = await runBin('connect-standalone', [workerFile]);
    assert.equal(r2.code, 1);
    assert.equal(r2.stderr, `Error: ${workerFile}: Missing required configuration "key.converter" which has no default value.\n`);

    writeFileSync(workerFile, `bootstrap.servers=${broker.bootstrap}\nkey.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\noffset.storage.file.filename=${join(dir, 'x.offsets')}\nlisteners=http://localhost:0\n`);
    const connector = join(dir, 'bad-source.properties');
    writeFileSync(connector, 'name=src\nconnector.class=FileStreamSource\nfile=/tmp/whatever.txt\n');
    const r3 = await runBin('connect-standalone', [workerFile, connector]);
    assert.equal(r3.code, 1);
    assert.equal(r3.stderr, `Error: ${connector}: Missing required configuration "topic" which has no default value.\n`);

    writeFileSync(connector, 'name=sink\nconnector.class=FileStreamSink\n');
    const r4 = await runBin('connect-standalone', [workerFile, connector]);
    assert.equal(r4.code, 1);
    assert.equal(r4.stderr, `Error: ${connector}: Must configure one of topics or topics.regex\n`);

    writeFileSync(connector, 'name=x\nconnector.class=NoSuchConnector\n');
    const r5 = await runBin('connect-standalone', [workerFile, connector]);
    assert.equal(r5.code, 1);
    assert.match(r5.stderr, /^Error: .*: Invalid value NoSuchConnector for configuration connector\.class: Failed to find any class that implements Connector and which name matches NoSuchConnector, available connectors are: (?:[\w.]+, )*org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector, org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector\n$/);
  });
});
