/**
 * Fetch's response mirrors the request: topics and partitions in request order, each answer in
 * its own slot, unknown topic ids answered in place (v13+) while the other partitions are read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { batch, createTopic, produce, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

describe('Fetch response layout', () => {
  let h: HandlerTestBroker;
  let idA: string;
  let idB: string;

  before(async () => {
    h = await startHandlerTestBroker();
    idA = (await createTopic(h.client, 'layout-a', 2)).topicId!;
    idB = (await createTopic(h.client, 'layout-b', 1)).topicId!;
    assert.equal((await produce(h.client, 'layout-a', 0, batch(['a0']))).errorCode, ErrorCode.NONE);
    assert.equal((await produce(h.client, 'layout-a', 1, batch(['a1', 'a1']))).errorCode, ErrorCode.NONE);
    assert.equal((await produce(h.client, 'layout-b', 0, batch(['b0', 'b0', 'b0']))).errorCode, ErrorCode.NONE);
  });

  after(async () => {
    await h.close();
  });

  const partition = (index: number, fetchOffset = 0n) => ({ partition: index, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 });
  const values = (records: Uint8Array | null) =>
    decodeRecordBatches(records ?? new Uint8Array(0)).flatMap((b) => b.records).map((r) => Buffer.from(r.value!).toString());

  it('answers every partition in request order, an unknown topic id in place (v13)', async () => {
    const res = await h.client.send(ApiKey.Fetch, 13, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [
        { topicId: idB, partitions: [partition(0)] },
        { topicId: UNKNOWN_ID, partitions: [partition(0), partition(3)] },
        { topicId: idA, partitions: [partition(1), partition(0), partition(0, 1n)] },
      ],
      forgottenTopicsData: [], rackId: '',
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(res.responses.map((t) => t.topicId), [idB, UNKNOWN_ID, idA]);
    const [b, unknown, a] = res.responses;
    assert.deepEqual(b!.partitions.map((p) => [p.partitionIndex, p.errorCode, values(p.records)]), [[0, ErrorCode.NONE, ['b0', 'b0', 'b0']]]);
    assert.deepEqual(unknown!.partitions.map((p) => [p.partitionIndex, p.errorCode]), [[0, ErrorCode.UNKNOWN_TOPIC_ID], [3, ErrorCode.UNKNOWN_TOPIC_ID]]);
    assert.deepEqual(
      a!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.highWatermark, values(p.records)]),
      [[1, ErrorCode.NONE, 2n, ['a1', 'a1']], [0, ErrorCode.NONE, 1n, ['a0']], [0, ErrorCode.NONE, 1n, []]],
    );
  });

  it('answers by topic name before v13, an unknown partition of a known topic with its error in place', async () => {
    const res = await h.client.send(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'layout-a', partitions: [partition(7), partition(0)] }],
      forgottenTopicsData: [], rackId: '',
    });
    const [a] = res.responses;
    assert.equal(a!.topic, 'layout-a');
    assert.deepEqual(a!.partitions.map((p) => [p.partitionIndex, p.errorCode]), [[7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [0, ErrorCode.NONE]]);
    assert.deepEqual(values(a!.partitions[1]!.records), ['a0']);
  });
});
