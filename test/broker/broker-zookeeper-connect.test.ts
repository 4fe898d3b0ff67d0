import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { pino } from 'pino';
import { startBroker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';

it('a server.properties with zookeeper.connect (as Kafka ships it) still gives a working single broker, with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-zkconnect-'));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'zookeeper.connect': 'localhost:2181' }, logger: pino({ level: 'warn' }, sink) });
  const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  try {
    assert.ok(lines.some((l) => l.includes('zookeeper.connect is set') && l.includes('cluster mode is not available yet')), lines.join(''));
    // Groups work: __consumer_offsets gets the single-broker replication factor of 1, not Kafka's 3.
    const res = await client.send(ApiKey.FindCoordinator, 3, { key: 'g', keyType: 0 });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.nodeId, broker.nodeId);
    assert.equal(broker.nodeId, 0, 'no broker.id and no ZooKeeper to generate one: 0, as without zookeeper.connect');
  } finally {
    client.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
