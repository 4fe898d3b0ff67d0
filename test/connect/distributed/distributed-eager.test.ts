/**
 * Two DistributedHerders with `connect.protocol=eager` (Kafka's `default` protocol: every worker
 * stops all its work before each rebalance): a pipeline runs, and when one worker stops cleanly
 * its connectors and tasks move to the other and the sink file keeps every line exactly once.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { startDistributedWorker, type Distributed } from '../../../src/connect/runtime/distributed.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { fileText, httpSettled, lines, until, workerProps } from './distributed-test-support.js';

describe('DistributedHerder with the eager protocol', () => {
  let broker: TestBroker;
  let dir: string;
  const workers: Distributed[] = [];
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-distributed-eager-'));
    for (let i = 0; i < 2; i++) workers.push(await startDistributedWorker(workerProps(broker.bootstrap, 'eager', { 'connect.protocol': 'eager' }), silentLogger()));
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a stopped worker’s connectors and tasks move to the other; nothing lost or copied twice', async () => {
    assert.equal(workers[0]!.herder.member.currentProtocolVersion, 0);
    const source = join(dir, 'eager.txt');
    const sink = join(dir, 'eager.sink.txt');
    writeFileSync(source, lines(0, 50));
    const [w0, w1] = workers;
    assert.equal((await httpSettled('POST', `${w0!.url}connectors`, { name: 'eager-source', config: { 'connector.class': 'FileStreamSource', file: source, topic: 'eager-lines' } })).status, 201);
    assert.equal((await httpSettled('POST', `${w1!.url}connectors`, { name: 'eager-sink', config: { 'connector.class': 'FileStreamSink', file: sink, topics: 'eager-lines' } })).status, 201);
    await until('50 lines in the sink', () => fileText(sink) === lines(0, 50));
    await until('each worker runs one connector and one task', () => workers.every((w) => w.worker.connectorNames().length === 1 && w.worker.taskIds().length === 1));

    await w1!.stop();
    await until('the remaining worker runs both connectors and both tasks', () => w0!.worker.connectorNames().length === 2 && w0!.worker.taskIds().length === 2);
    appendFileSync(source, lines(50, 80));
    await until('80 lines in the sink', () => fileText(sink).length >= lines(0, 80).length);
    assert.equal(fileText(sink), lines(0, 80));
    assert.deepEqual((await httpSettled('GET', `${w0!.url}connectors`)).body, ['eager-sink', 'eager-source']);
  });
});
