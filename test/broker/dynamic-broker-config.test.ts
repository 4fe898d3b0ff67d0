import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startBroker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';

it('a dynamic broker config (message.max.bytes) reaches the logs of topics without their own override', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-dyn-'));
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
  const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  try {
    const created = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'dyn', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    const big = buildRecordBatch([{ key: null, value: Buffer.alloc(2000, 7) }], {});
    const produce = async () =>
      (await client.send(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'dyn', partitionData: [{ index: 0, records: Buffer.from(big) }] }] })).responses[0]!.partitionResponses[0]!.errorCode;
    assert.equal(await produce(), ErrorCode.NONE);
    const altered = await client.send(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: String(broker.nodeId), configs: [{ name: 'message.max.bytes', configOperation: 0, value: '1000' }] }],
      validateOnly: false,
    });
    assert.equal(altered.responses[0]!.errorCode, ErrorCode.NONE);
    assert.equal(await produce(), ErrorCode.MESSAGE_TOO_LARGE);
  } finally {
    client.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
