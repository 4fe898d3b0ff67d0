import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildEndTxnMarkerBatch,
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTxnMarker,
  decodeEndTxnMarkerValue,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
} from '../../../src/protocol/records/control-record.js';
import { RecordBatchError } from '../../../src/protocol/records/record-batch-error.js';
import { decodeRecordBatch } from '../../../src/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch-builder.js';

const isBadControlRecord = (e: unknown): boolean => e instanceof RecordBatchError && e.reason === 'BAD_CONTROL_RECORD';

describe('control records', () => {
  test('key layout: int16 version, int16 type', () => {
    assert.deepEqual([...encodeControlRecordKey(ControlRecordType.COMMIT)], [0, 0, 0, 1]);
    assert.deepEqual([...encodeControlRecordKey(ControlRecordType.ABORT)], [0, 0, 0, 0]);
    assert.deepEqual(decodeControlRecordKey(new Uint8Array([0, 0, 0, 2])), { version: 0, type: ControlRecordType.LEADER_CHANGE });
  });

  test('an unknown key version still yields the type; a negative one is rejected', () => {
    assert.deepEqual(decodeControlRecordKey(new Uint8Array([0, 5, 0, 1, 9, 9])), { version: 5, type: 1 });
    assert.throws(() => decodeControlRecordKey(new Uint8Array([0xff, 0xff, 0, 1])), isBadControlRecord);
    assert.throws(() => decodeControlRecordKey(new Uint8Array([0, 0, 0])), isBadControlRecord);
    assert.throws(() => decodeControlRecordKey(null), isBadControlRecord);
  });

  test('transaction marker value: int16 version, int32 coordinatorEpoch', () => {
    assert.deepEqual([...encodeEndTxnMarkerValue(0x01020304)], [0, 0, 1, 2, 3, 4]);
    assert.deepEqual(decodeEndTxnMarkerValue(new Uint8Array([0, 0, 0, 0, 0, 9])), { version: 0, coordinatorEpoch: 9 });
    // A newer version is read as version 0.
    assert.deepEqual(decodeEndTxnMarkerValue(new Uint8Array([0, 3, 0, 0, 0, 9, 0xaa])), { version: 3, coordinatorEpoch: 9 });
    assert.throws(() => decodeEndTxnMarkerValue(new Uint8Array([0, 0, 0, 0, 9])), isBadControlRecord);
    assert.throws(() => decodeEndTxnMarkerValue(new Uint8Array([0x80, 0, 0, 0, 0, 9])), isBadControlRecord);
    assert.throws(() => decodeEndTxnMarkerValue(null), isBadControlRecord);
  });

  for (const type of [ControlRecordType.COMMIT, ControlRecordType.ABORT] as const) {
    test(`${type === ControlRecordType.COMMIT ? 'COMMIT' : 'ABORT'} marker batch`, () => {
      const batch = buildEndTxnMarkerBatch({ type, producerId: 5000n, producerEpoch: 3, coordinatorEpoch: 17, timestamp: 1234n, baseOffset: 88n, partitionLeaderEpoch: 4 });
      const { header, records } = decodeRecordBatch(batch);
      assert.equal(header.isControl, true);
      assert.equal(header.isTransactional, true);
      assert.equal(header.compressionCodec, 0);
      assert.equal(header.timestampType, 'CreateTime');
      assert.equal(header.producerId, 5000n);
      assert.equal(header.producerEpoch, 3);
      assert.equal(header.baseSequence, -1);
      assert.equal(header.baseOffset, 88n);
      assert.equal(header.partitionLeaderEpoch, 4);
      assert.equal(header.recordsCount, 1);
      assert.equal(header.lastOffsetDelta, 0);
      assert.equal(header.maxTimestamp, 1234n);
      assert.equal(records.length, 1);
      assert.deepEqual(decodeEndTxnMarker(records[0]!), { type, version: 0, coordinatorEpoch: 17 });
    });
  }

  test('decodeEndTxnMarker returns null for other control types', () => {
    const batch = buildRecordBatch([{ key: encodeControlRecordKey(ControlRecordType.LEADER_CHANGE), value: new Uint8Array([0, 0]), timestamp: 1n }], { isControl: true });
    assert.equal(decodeEndTxnMarker(decodeRecordBatch(batch).records[0]!), null);
    assert.equal(decodeEndTxnMarker({ key: encodeControlRecordKey(42), value: null }), null);
  });
});
