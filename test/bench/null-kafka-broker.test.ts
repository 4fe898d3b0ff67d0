/**
 * The broker benchmark's null Kafka broker (bench/broker/workers/null-kafka-broker.ts), the
 * C producer's ceiling: a real producer connects to it, sees the topic with one partition, and
 * every Produce request is acknowledged at the next offset; an API it does not serve closes the
 * connection and the process stays up for the next one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Kafka } from '../../src/client/kafka.js';
import { encodeRequest } from '../../src/protocol/request-frame.js';

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bench', 'broker', 'workers', 'null-kafka-broker.js');

describe('null Kafka broker', () => {
  let child: ChildProcess;
  let port = 0;

  before(async () => {
    child = spawn(process.execPath, [WORKER, JSON.stringify({ port: 0 })], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8');
    let line = '';
    for await (const chunk of child.stdout!) {
      line += chunk as string;
      if (line.includes('\n')) break;
    }
    const ready = JSON.parse(line.slice(0, line.indexOf('\n'))) as { type: string; port: number };
    assert.equal(ready.type, 'ready');
    port = ready.port;
  });

  after(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  });

  it('acknowledges a producer\'s requests at consecutive offsets of partition 0', async () => {
    const kafka = new Kafka({ clientId: 'null-kafka-test', brokers: [`127.0.0.1:${port}`] });
    const producer = kafka.producer({ idempotent: false });
    await producer.connect();
    try {
      const offsets: string[] = [];
      for (let i = 0; i < 3; i++) {
        const meta = await producer.send({ topic: 'ceiling', acks: 1, messages: [{ value: `v${i}` }] });
        assert.equal(meta.length, 1);
        assert.equal(meta[0]!.partition, 0);
        assert.equal(meta[0]!.errorCode, 0);
        offsets.push(String(meta[0]!.baseOffset));
      }
      assert.deepEqual(offsets, ['0', '1', '2']);
    } finally {
      await producer.disconnect();
    }
  });

  it('closes a connection that asks for an API it does not serve, and keeps serving others', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(encodeRequest({ apiKey: 10, apiVersion: 1, correlationId: 7, clientId: 't', body: { key: 'g', keyType: 0 } }));
    socket.resume();
    await once(socket, 'close');
    const kafka = new Kafka({ clientId: 'null-kafka-test-2', brokers: [`127.0.0.1:${port}`] });
    const producer = kafka.producer({ idempotent: false });
    await producer.connect();
    try {
      const meta = await producer.send({ topic: 'ceiling-2', acks: 1, messages: [{ value: 'x' }] });
      assert.equal(String(meta[0]!.baseOffset), '0');
    } finally {
      await producer.disconnect();
    }
  });
});
