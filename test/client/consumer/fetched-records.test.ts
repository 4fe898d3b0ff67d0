import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeFetchedRecords } from '../../../src/client/consumer/fetched-records.js';
import type { FetchResponsePartitionData } from '../../../src/protocol/generated/fetch.js';
import { buildEndTxnMarkerBatch, buildRecordBatch, ControlRecordType, CompressionCodec } from '../../../src/protocol/records/index.js';

const enc = (s: string) => Buffer.from(s);
function batch(baseOffset: bigint, values: string[], opts: { producerId?: bigint; transactional?: boolean; codec?: number } = {}): Uint8Array {
  return buildRecordBatch(values.map((v) => ({ key: enc(`k-${v}`), value: enc(v), headers: [{ key: 'h', value: enc(v) }, { key: 'h', value: enc('again') }], timestamp: 1000n })), {
    baseOffset, producerId: opts.producerId ?? -1n, producerEpoch: opts.producerId === undefined ? -1 : 0, baseSequence: opts.producerId === undefined ? -1 : 0, isTransactional: opts.transactional ?? false, compression: opts.codec,
  });
}
function partition(batches: Uint8Array[], abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }> = []): FetchResponsePartitionData {
  return { partitionIndex: 0, errorCode: 0, highWatermark: 100n, records: Buffer.concat(batches), abortedTransactions };
}
const values = (r: ReturnType<typeof decodeFetchedRecords>) => r.messages.map((m) => m.value!.toString());

it('skips records before the position inside a (compressed) batch, and control batches, and says where to fetch next', () => {
  const data = partition([
    batch(0n, ['a', 'b', 'c'], { codec: CompressionCodec.LZ4 }),
    buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1n, baseOffset: 3n }),
    batch(4n, ['d']),
  ]);
  const r = decodeFetchedRecords(data, 1n, false);
  assert.deepStrictEqual(values(r), ['b', 'c', 'd']);
  assert.deepStrictEqual(r.messages.map((m) => m.offset), ['1', '2', '4']);
  assert.equal(r.next, 5n);
  assert.deepStrictEqual((r.messages[0]!.headers.h as Buffer[]).map((b) => b.toString()), ['b', 'again'], 'a repeated header key gives an array');
  assert.equal(r.messages[0]!.key!.toString(), 'k-b');
  // Only control batches: no messages, but the position moves past them.
  const onlyMarker = decodeFetchedRecords(partition([buildEndTxnMarkerBatch({ type: ControlRecordType.ABORT, producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1n, baseOffset: 10n })]), 10n, true);
  assert.deepStrictEqual(onlyMarker, { messages: [], next: 11n });
  // A trailing partial batch (cut by the fetch size) is left for the next fetch.
  const whole = batch(20n, ['x']);
  const cut = decodeFetchedRecords(partition([batch(19n, ['w']), whole.subarray(0, whole.length - 5)]), 19n, false);
  assert.deepStrictEqual([values(cut), cut.next], [['w'], 20n]);
});

it('read_committed drops aborted transactions up to their ABORT marker; read_uncommitted keeps them', () => {
  const abortedPid = 5n;
  const committedPid = 6n;
  const data = partition(
    [
      batch(0n, ['t5-a'], { producerId: abortedPid, transactional: true }),
      batch(1n, ['t6-a'], { producerId: committedPid, transactional: true }),
      batch(2n, ['plain']),
      buildEndTxnMarkerBatch({ type: ControlRecordType.ABORT, producerId: abortedPid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1n, baseOffset: 3n }),
      buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: committedPid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1n, baseOffset: 4n }),
      // The same producer's next transaction, after its abort marker, is not in the aborted list.
      batch(5n, ['t5-b'], { producerId: abortedPid, transactional: true }),
    ],
    [{ producerId: abortedPid, firstOffset: 0n }],
  );
  assert.deepStrictEqual(values(decodeFetchedRecords(data, 0n, true)), ['t6-a', 'plain', 't5-b']);
  assert.deepStrictEqual(values(decodeFetchedRecords(data, 0n, false)), ['t5-a', 't6-a', 'plain', 't5-b']);
  assert.equal(decodeFetchedRecords(data, 0n, true).next, 6n);
});
