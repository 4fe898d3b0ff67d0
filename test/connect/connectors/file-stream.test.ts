import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SinkTaskContext, SourceTaskContext } from '../../../src/connect/api/connector.js';
import { SinkRecord } from '../../../src/connect/api/data/connect-record.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { FileStreamSinkConnector, FileStreamSinkTask } from '../../../src/connect/connectors/file/file-stream-sink.js';
import { FileStreamSourceConnector, FileStreamSourceTask } from '../../../src/connect/connectors/file/file-stream-source.js';
import { defaultConnectorRegistry } from '../../../src/connect/connectors/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'samsa-file-connector-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sourceTask(props: Record<string, string>, stored: Record<string, unknown> | null = null): FileStreamSourceTask {
  const task = new FileStreamSourceTask();
  const context: SourceTaskContext = {
    configs: () => props,
    offsetStorageReader: () => ({
      offset: () => stored,
      offsets: (ps) => new Map(ps.map((p) => [p, stored])),
    }),
  };
  task.initialize(context);
  return task;
}

describe('FileStreamSourceTask', () => {
  it('polls lines with source partition {filename} and offset {position}, batch.size at a time, then appended lines', async () => {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'one\ntwo\r\nthré\rfour\npartial');
    const task = sourceTask({ file, topic: 't', 'batch.size': '2' });
    await task.start({ file, topic: 't', 'batch.size': '2' });
    const first = (await task.poll())!;
    assert.deepEqual(first.map((r) => [r.topic, r.kafkaPartition, r.value, r.valueSchema, r.sourcePartition, r.sourceOffset]), [
      ['t', null, 'one', Schema.STRING_SCHEMA, { filename: file }, { position: 4 }],
      ['t', null, 'two', Schema.STRING_SCHEMA, { filename: file }, { position: 9 }],
    ]);
    const second = (await task.poll())!;
    assert.deepEqual(second.map((r) => [r.value, r.sourceOffset]), [['thré', { position: 15 }], ['four', { position: 20 }]]);
    assert.equal(await task.poll(), null, 'an incomplete line is not emitted');
    appendFileSync(file, ' line\nfive\n');
    const third = (await task.poll())!;
    assert.deepEqual(third.map((r) => [r.value, r.sourceOffset]), [['partial line', { position: 33 }], ['five', { position: 38 }]]);
    await task.stop();
  });

  it('reads a file larger than one read: every line once, with its end position, whatever ends it and wherever the reads split it', async () => {
    const file = join(dir, 'big.txt');
    // Lines of varying length and ending; one \r\n is placed across the first 256 KiB read boundary.
    const endings = ['\n', '\r\n', '\r'];
    const lines: string[] = [];
    let text = '';
    for (let i = 0; text.length < 600_000; i++) {
      const line = `l${i} ${'é'.repeat(i % 7)}${'x'.repeat(i % 131)}`;
      lines.push(line);
      text += line + endings[i % 3];
    }
    const boundary = 256 * 1024;
    const bytes = Buffer.concat([Buffer.from('a'.repeat(boundary - 1) + '\r\n'), Buffer.from(text, 'utf8')]);
    writeFileSync(file, bytes);
    const task = sourceTask({ file, topic: 't' });
    await task.start({ file, topic: 't' });
    const seen: Array<[unknown, unknown]> = [];
    for (;;) {
      const records = await task.poll();
      if (records === null) break;
      assert.ok(records.length <= 2000, 'at most batch.size records per poll');
      for (const r of records) {
        assert.deepEqual(r.sourcePartition, { filename: file });
        seen.push([r.value, r.sourceOffset]);
      }
    }
    await task.stop();
    const expected: Array<[unknown, unknown]> = [['a'.repeat(boundary - 1), { position: boundary + 1 }]];
    let position = boundary + 1;
    for (let i = 0; i < lines.length; i++) {
      position += Buffer.byteLength(lines[i]!) + endings[i % 3]!.length;
      expected.push([lines[i], { position }]);
    }
    assert.equal(seen.length, expected.length);
    assert.deepEqual(seen, expected);
    assert.equal(position, bytes.length);
  });

  it('resumes at the stored offset', async () => {
    const file = join(dir, 'resume.txt');
    writeFileSync(file, 'a\nbb\nccc\n');
    const task = sourceTask({ file, topic: 't' }, { position: 2 });
    await task.start({ file, topic: 't' });
    assert.deepEqual((await task.poll())!.map((r) => [r.value, r.sourceOffset]), [['bb', { position: 5 }], ['ccc', { position: 9 }]]);
    await task.stop();
  });

  it('waits for a missing file to appear', async () => {
    const file = join(dir, 'later.txt');
    const task = sourceTask({ file, topic: 't' });
    await task.start({ file, topic: 't' });
    assert.equal(await task.poll(), null);
    writeFileSync(file, 'now\n');
    assert.deepEqual((await task.poll())!.map((r) => r.value), ['now']);
    await task.stop();
  });

  it('the connector requires topic and gives one task config', () => {
    const c = new FileStreamSourceConnector();
    assert.throws(() => c.start({ file: 'x' }), { message: 'Missing required configuration "topic" which has no default value.' });
    assert.throws(() => c.start({ topic: 't', 'batch.size': '0' }), { message: 'Invalid value 0 for configuration batch.size: Value must be at least 1' });
    c.start({ file: 'x', topic: 't' });
    assert.deepEqual(c.taskConfigs(5), [{ file: 'x', topic: 't' }]);
    assert.deepEqual(c.validate({}).configValues.find((v) => v.name === 'topic')!.errorMessages, ['Missing required configuration "topic" which has no default value.']);
  });
});

describe('FileStreamSinkTask', () => {
  it('appends each record’s value and a newline', async () => {
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'existing\n');
    const task = new FileStreamSinkTask();
    const context: SinkTaskContext = { configs: () => ({}), assignment: () => [], pause: () => undefined, resume: () => undefined, offset: () => undefined, requestCommit: () => undefined };
    task.initialize(context);
    task.start({ file });
    const rec = (value: unknown, offset: bigint) => new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: offset, value });
    task.put([rec('héllo', 0n), rec(null, 1n), rec(42, 2n), rec(Buffer.from('bytes'), 3n)]);
    task.put([]);
    const offsets = new Map([['t-0', { topic: 't', partition: 0, offset: 4n }]]);
    assert.equal(await task.preCommit(offsets), offsets);
    task.stop();
    assert.equal(readFileSync(file, 'utf8'), 'existing\nhéllo\nnull\n42\nbytes\n');
  });

  it('writes values larger than its buffer and batches spanning several buffers, byte for byte', async () => {
    const file = join(dir, 'big-out.txt');
    const task = new FileStreamSinkTask();
    task.start({ file });
    const values = [`${'ü'.repeat(700_000)}`, ...Array.from({ length: 20_000 }, (_, i) => `v${i} ${'€'.repeat(i % 50)}`), 'x'.repeat(3_000_000), 'end'];
    task.put(values.map((value, i) => new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: BigInt(i), value })));
    task.put(values.slice(1, 3).map((value, i) => new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: BigInt(i), value })));
    task.stop();
    assert.equal(readFileSync(file, 'utf8'), [...values, ...values.slice(1, 3)].map((v) => `${v}\n`).join(''));
  });

  it('one task config per task', () => {
    const c = new FileStreamSinkConnector();
    c.start({ file: 'f', topics: 't' });
    assert.deepEqual(c.taskConfigs(2), [{ file: 'f', topics: 't' }, { file: 'f', topics: 't' }]);
  });
});

describe('the connector plugin registry', () => {
  it('knows Kafka’s class names and aliases', () => {
    const r = defaultConnectorRegistry();
    for (const name of ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'FileStreamSourceConnector', 'FileStreamSource']) assert.ok(r.newConnector(name) instanceof FileStreamSourceConnector, name);
    for (const name of ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'FileStreamSinkConnector', 'FileStreamSink']) assert.ok(r.newConnector(name) instanceof FileStreamSinkConnector, name);
    assert.throws(() => r.newConnector('Nope'), { message: `Failed to find any class that implements Connector and which name matches Nope, available connectors are: ${r.classNames().join(', ')}` });
    assert.ok(r.classNames().includes('org.apache.kafka.connect.file.FileStreamSinkConnector') && r.classNames().includes('org.apache.kafka.connect.file.FileStreamSourceConnector'));
    assert.deepEqual(r.classNames(), [...r.classNames()].sort());
  });
});
