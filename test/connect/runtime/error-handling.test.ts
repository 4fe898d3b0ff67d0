/**
 * Kafka's error handling for sink connectors (`errors.*`), end to end: JsonConverter with
 * schemas.enable=true meets malformed JSON. With errors.tolerance=all the good records reach the
 * FileStreamSink's file and the bad ones land in the dead letter queue topic, original bytes and
 * headers kept, with the `__connect.errors.*` context headers; with errors.tolerance=none the task
 * fails with a trace naming the converter's error. Plus the operator's retry of RetriableExceptions.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ConnectException, DataException, RetriableException } from '../../../src/connect/api/errors.js';
import { RetryWithToleranceOperator, type ProcessingContext } from '../../../src/connect/runtime/errors/retry-with-tolerance.js';
import { fileText, until, useHerderSuite } from './herder-test-support.js';

const good = (text: string): string => JSON.stringify({ schema: { type: 'string', optional: false }, payload: text });

describe('errors.tolerance and the dead letter queue', () => {
  const env = useHerderSuite('dlq-test', 'samsa-dlq-');
  before(async () => {
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'json-in',
      messages: [
        { key: 'k0', value: good('first good'), partition: 0 },
        { key: 'k1', value: '{"schema": {"type": "string"}, "payload": ', partition: 0, headers: { origin: 'test-1' } },
        { key: 'k2', value: good('second good'), partition: 0 },
        { key: 'k3', value: 'not json at all', partition: 0, headers: { origin: 'test-3' } },
        { key: 'k4', value: good('third good'), partition: 0 },
      ],
    });
    await producer.disconnect();
  });

  const jsonSink = (file: string, extra: Record<string, string>) => ({
    'connector.class': 'FileStreamSink', file, topics: 'json-in',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true',
    ...extra,
  });

  it('errors.tolerance=all: good records reach the file, bad ones the DLQ with the original bytes and the context headers', async () => {
    const sink = join(env.dir, 'tolerant.txt');
    await env.fx.herder.putConnectorConfig('tolerant', jsonSink(sink, {
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': 'json-dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }), { allowReplace: false });
    await until('the good records in the file', () => fileText(sink) === 'first good\nsecond good\nthird good\n');

    const consumer = env.kafka.consumer({ groupId: 'dlq-reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['json-dlq'], fromBeginning: true });
    const dead: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers)) headers[k] = (Array.isArray(v) ? v[0]! : v!).toString('utf8');
        dead.push({ key: message.key!.toString(), value: message.value!.toString(), headers });
      },
    });
    await until('two records in the DLQ', () => dead.length >= 2);
    await consumer.disconnect();
    assert.deepEqual(dead.map((d) => [d.key, d.value, d.headers['origin']]), [
      ['k1', '{"schema": {"type": "string"}, "payload": ', 'test-1'],
      ['k3', 'not json at all', 'test-3'],
    ]);
    const h = dead[1]!.headers;
    assert.deepEqual(
      Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__connect.errors.exception.stacktrace' && k !== '__connect.errors.exception.message')),
      {
        origin: 'test-3',
        '__connect.errors.topic': 'json-in',
        '__connect.errors.partition': '0',
        '__connect.errors.offset': '3',
        '__connect.errors.connector.name': 'tolerant',
        '__connect.errors.task.id': '0',
        '__connect.errors.stage': 'VALUE_CONVERTER',
        '__connect.errors.class.name': 'org.apache.kafka.connect.json.JsonConverter',
        '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
      },
    );
    assert.ok(h['__connect.errors.exception.message']!.length > 0);
    assert.ok(h['__connect.errors.exception.stacktrace']!.startsWith(`DataException: ${h['__connect.errors.exception.message']}`));
    assert.equal(dead[0]!.headers['__connect.errors.offset'], '1');

    const status = await env.fx.herder.connectorStatus('tolerant');
    assert.deepEqual(status.tasks.map((t) => t.state), ['RUNNING']);
    await env.fx.herder.deleteConnector('tolerant');
  });

  it('errors.tolerance=none (the default): the first bad record fails the task with a trace naming the converter error', async () => {
    const sink = join(env.dir, 'intolerant.txt');
    await env.fx.herder.putConnectorConfig('intolerant', jsonSink(sink, {}), { allowReplace: false });
    await until('the task FAILED', async () => (await env.fx.herder.connectorStatus('intolerant')).tasks[0]?.state === 'FAILED');
    const status = await env.fx.herder.connectorStatus('intolerant');
    assert.equal(status.connector.state, 'RUNNING');
    const trace = status.tasks[0]!.trace!;
    assert.match(trace, /^ConnectException: Tolerance exceeded in error handler\n/);
    assert.match(trace, /\nCaused by: DataException: /);
    assert.equal(fileText(sink), '', 'the failing batch was not put');
    await env.fx.herder.deleteConnector('intolerant');
  });

  it('sources: a transformation error skips the record with errors.tolerance=all (its offset still committed), fails the task with none', async () => {
    const file = join(env.dir, 'numbers.txt');
    writeFileSync(file, '12\nabc\n7\n');
    const config = (topic: string, tolerance: string) => ({
      'connector.class': 'FileStreamSource', file, topic, 'errors.tolerance': tolerance,
      transforms: 'cast', 'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value', 'transforms.cast.spec': 'int32',
    });
    await env.fx.herder.putConnectorConfig('numbers', config('numbers-out', 'all'), { allowReplace: false });
    const consumer = env.kafka.consumer({ groupId: 'numbers-reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['numbers-out'], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await until('the two numbers', () => seen.length >= 2);
    await consumer.disconnect();
    assert.deepEqual(seen, ['12', '7']);
    await env.fx.herder.stopConnector('numbers');
    assert.deepEqual((await env.fx.herder.connectorOffsets('numbers')).offsets, [{ partition: { filename: file }, offset: { position: 9 } }]);
    await env.fx.herder.deleteConnector('numbers');

    await env.fx.herder.putConnectorConfig('numbers-strict', config('numbers-strict-out', 'none'), { allowReplace: false });
    await until('the task FAILED', async () => (await env.fx.herder.connectorStatus('numbers-strict')).tasks[0]?.state === 'FAILED');
    const trace = (await env.fx.herder.taskStatus('numbers-strict', 0)).trace!;
    assert.match(trace, /^ConnectException: Tolerance exceeded in error handler\n/);
    assert.match(trace, /\nCaused by: DataException: /);
    await env.fx.herder.deleteConnector('numbers-strict');
  });

  it('the operator retries a RetriableException until errors.retry.timeout.ms, then reports and tolerates or fails', async () => {
    const reported: ProcessingContext[] = [];
    const reporter = { report: async (c: ProcessingContext) => void reported.push(c), close: async () => undefined };
    const sleeps: number[] = [];
    let calls = 0;
    const tolerant = new RetryWithToleranceOperator({ retryTimeoutMs: 60_000, retryDelayMaxMs: 1000, tolerance: 'all' }, [reporter], async (ms) => void sleeps.push(ms));
    const value = await tolerant.execute('TRANSFORMATION', 'T', () => {
      if (++calls < 4) throw new RetriableException('not yet');
      return 'done';
    });
    assert.deepEqual(value, { ok: true, value: 'done' });
    assert.deepEqual(sleeps, [300, 600, 1000], 'exponential backoff from 300 ms, capped at errors.retry.delay.max.ms');
    assert.equal(reported.length, 0);

    assert.deepEqual(await tolerant.execute('VALUE_CONVERTER', 'C', () => {
      throw new DataException('bad bytes');
    }), { ok: false });
    assert.deepEqual(reported.map((r) => [r.stage, r.executingClass, r.error.message, r.attempts]), [['VALUE_CONVERTER', 'C', 'bad bytes', 1]]);

    const strict = new RetryWithToleranceOperator({ retryTimeoutMs: 0, retryDelayMaxMs: 1000, tolerance: 'none' }, [], async () => assert.fail('no retries with errors.retry.timeout.ms=0'));
    await assert.rejects(strict.execute('KEY_CONVERTER', 'C', () => {
      throw new RetriableException('flaky');
    }), (e: unknown) => e instanceof ConnectException && e.message === 'Tolerance exceeded in error handler' && (e.cause as Error).message === 'flaky');
  });

  it('executeNow: a synchronous success is returned at once; failures, retries and asynchronous operations go through a promise', async () => {
    const reported: ProcessingContext[] = [];
    const reporter = { report: async (c: ProcessingContext) => void reported.push(c), close: async () => undefined };
    const sleeps: number[] = [];
    const operator = new RetryWithToleranceOperator({ retryTimeoutMs: 60_000, retryDelayMaxMs: 1000, tolerance: 'all' }, [reporter], async (ms) => void sleeps.push(ms));
    assert.deepEqual(operator.executeNow('KEY_CONVERTER', 'C', () => 'now'), { ok: true, value: 'now' });

    const later = operator.executeNow('VALUE_CONVERTER', 'C', async () => 'later');
    assert.ok(later instanceof Promise);
    assert.deepEqual(await later, { ok: true, value: 'later' });

    let calls = 0;
    const retried = operator.executeNow('TRANSFORMATION', 'T', () => {
      if (++calls < 3) throw new RetriableException('not yet');
      return 'third time';
    });
    assert.ok(retried instanceof Promise);
    assert.deepEqual(await retried, { ok: true, value: 'third time' });
    assert.deepEqual(sleeps, [300, 600]);

    const rejected = operator.executeNow('VALUE_CONVERTER', 'C', async () => {
      throw new DataException('bad bytes');
    }, { sourceRecord: 'the record' });
    assert.ok(rejected instanceof Promise);
    assert.deepEqual(await rejected, { ok: false });
    assert.deepEqual(reported.map((r) => [r.stage, r.error.message, r.attempts, r.sourceRecord]), [['VALUE_CONVERTER', 'bad bytes', 1, 'the record']]);
    assert.equal(operator.errorCount(), 1);
  });
});
