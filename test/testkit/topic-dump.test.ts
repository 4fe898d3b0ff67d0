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
import { dumpTopic } from '../../src/testkit/topic-dump.js';

it('dumpTopic reads from the log start offset, so a topic trimmed by DeleteRecords still dumps', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-dump-'));
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
  const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  try {
    const created = await client.send(ApiKey.CreateTopics, 5, { topics: [{ name: 'trimmed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    for (let i = 0; i < 10; i++) {
      const res = await client.send(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'trimmed', partitionData: [{ index: 0, records: buildRecordBatch([{ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }]) }] }] });
      assert.equal(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
    }
    const deleted = await client.send(ApiKey.DeleteRecords, 2, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 4n }] }], timeoutMs: 5000 });
    assert.equal(deleted.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    const dump = await dumpTopic('127.0.0.1', broker.port, 'trimmed');
    assert.deepEqual(dump.records.map((r) => [r.offset, r.value]), Array.from({ length: 6 }, (_, i) => [i + 4, `v${i + 4}`]));
  } finally {
    client.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
