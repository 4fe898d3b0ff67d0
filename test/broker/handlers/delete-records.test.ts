import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { batch, createTopic, fetchFrom, listOffset, produce, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

const EARLIEST = -2n;
const LATEST = -1n;

describe('DeleteRecords', () => {
  let t: HandlerTestBroker;

  before(async () => {
    // Small segments, so that deleting records also deletes whole segments.
    t = await startHandlerTestBroker({ 'log.segment.bytes': '1024' });
  });

  after(async () => {
    await t?.close();
  });

  const deleteRecords = (topic: string, partitions: { partitionIndex: number; offset: bigint }[], version = 2) =>
    t.client.send(ApiKey.DeleteRecords, version, { topics: [{ name: topic, partitions }], timeoutMs: 5000 }).then((r) => r.topics[0]!.partitions);

  it('moves the log start offset: ListOffsets earliest follows and a fetch below it is OFFSET_OUT_OF_RANGE', async () => {
    await createTopic(t.client, 'trimmed');
    for (let i = 0; i < 10; i++) assert.equal((await produce(t.client, 'trimmed', 0, batch([`a${i}`, `b${i}`], 200))).errorCode, ErrorCode.NONE);
    assert.equal(await listOffset(t.client, 'trimmed', 0, LATEST), 20n);

    const [r] = await deleteRecords('trimmed', [{ partitionIndex: 0, offset: 7n }]);
    assert.deepStrictEqual([r!.partitionIndex, r!.errorCode, r!.lowWatermark], [0, ErrorCode.NONE, 7n]);
    assert.equal(await listOffset(t.client, 'trimmed', 0, EARLIEST), 7n);

    const below = await fetchFrom(t.client, 'trimmed', 0, 3n);
    assert.equal(below.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const at = await fetchFrom(t.client, 'trimmed', 0, 7n);
    assert.equal(at.errorCode, ErrorCode.NONE);
    assert.equal(at.logStartOffset, 7n);
    assert.ok(at.records !== null && at.records.length > 0);

    // Lower than the current start: nothing moves, the low watermark is answered.
    const [again] = await deleteRecords('trimmed', [{ partitionIndex: 0, offset: 2n }], 0);
    assert.deepStrictEqual([again!.errorCode, again!.lowWatermark], [ErrorCode.NONE, 7n]);
  });

  it('takes -1 as the high watermark and refuses offsets past it', async () => {
    await createTopic(t.client, 'to-the-end');
    await produce(t.client, 'to-the-end', 0, batch(['a', 'b', 'c']));
    const [past] = await deleteRecords('to-the-end', [{ partitionIndex: 0, offset: 4n }]);
    assert.deepStrictEqual([past!.errorCode, past!.lowWatermark], [ErrorCode.OFFSET_OUT_OF_RANGE, -1n]);
    const [negative] = await deleteRecords('to-the-end', [{ partitionIndex: 0, offset: -5n }]);
    assert.equal(negative!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const [all] = await deleteRecords('to-the-end', [{ partitionIndex: 0, offset: -1n }], 1);
    assert.deepStrictEqual([all!.errorCode, all!.lowWatermark], [ErrorCode.NONE, 3n]);
    assert.equal(await listOffset(t.client, 'to-the-end', 0, EARLIEST), 3n);
    assert.equal(await listOffset(t.client, 'to-the-end', 0, LATEST), 3n);
    // The log goes on from there.
    const produced = await produce(t.client, 'to-the-end', 0, batch(['d']));
    assert.deepStrictEqual([produced.errorCode, produced.baseOffset, produced.logStartOffset], [ErrorCode.NONE, 3n, 3n]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION per partition and POLICY_VIOLATION for a compacted-only topic', async () => {
    await createTopic(t.client, 'two-parts', 2);
    const results = await deleteRecords('two-parts', [{ partitionIndex: 5, offset: 0n }, { partitionIndex: 1, offset: 0n }]);
    assert.deepStrictEqual(results.map((r) => [r.partitionIndex, r.errorCode]), [[5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [1, ErrorCode.NONE]]);
    const [unknown] = await deleteRecords('no-such-topic', [{ partitionIndex: 0, offset: 0n }]);
    assert.equal(unknown!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    await createTopic(t.client, 'compacted', 1, { 'cleanup.policy': 'compact' });
    const [compacted] = await deleteRecords('compacted', [{ partitionIndex: 0, offset: 0n }]);
    assert.equal(compacted!.errorCode, ErrorCode.POLICY_VIOLATION);
  });
});
