import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeFetchedRecords } from '../../../src/client/consumer/fetched-records.js';
import type { FetchResponsePartitionData } from '../../../src/protocol/generated/fetch.js';
import { buildEndTxnMarkerBatch, buildRecordBatch, ControlRecordType, CompressionCodec, RecordBatchError } from '../../../src/protocol/records/index.js';

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

// ---- the one-pass decoder: codecs, copies, views, offsets and timestamps ----

const CODECS = Object.entries(CompressionCodec) as Array<[string, number]>;

/** What a message says, with its bytes as strings, for deepStrictEqual. */
function plain(m: ReturnType<typeof decodeFetchedRecords>['messages'][number]) {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(m.headers)) headers[k] = v === undefined ? undefined : Array.isArray(v) ? v.map((b) => b.toString()) : v.toString();
  return { key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, offset: m.offset, timestamp: m.timestamp, headers };
}

it('decodes every codec, copied or not: null keys and values, empty values, headers (repeated, null) and their order', () => {
  const inputs = [
    { key: null, value: enc('no key'), headers: [], timestamp: 5000n },
    { key: enc('no value'), value: null, headers: [], timestamp: 4990n },
    { key: enc(''), value: enc(''), headers: [{ key: 'n', value: null }, { key: 'n', value: enc('after null') }], timestamp: 5000n },
    { key: enc('k'), value: enc('v'), headers: [{ key: 'é-ünïcode', value: enc('x') }, { key: 'r', value: enc('1') }, { key: 'r', value: enc('2') }, { key: 'r', value: enc('3') }], timestamp: 6000n },
  ];
  const expected = [
    { key: null, value: 'no key', offset: '40', timestamp: '5000', headers: {} },
    { key: 'no value', value: null, offset: '41', timestamp: '4990', headers: {} },
    { key: '', value: '', offset: '42', timestamp: '5000', headers: { n: 'after null' } },
    { key: 'k', value: 'v', offset: '43', timestamp: '6000', headers: { 'é-ünïcode': 'x', r: ['1', '2', '3'] } },
  ];
  for (const [name, codec] of CODECS) {
    const records = buildRecordBatch(inputs, { baseOffset: 40n, compression: codec });
    const r = decodeFetchedRecords(partition([records]), 40n, {});
    assert.deepStrictEqual(r.messages.map(plain), expected, name);
    assert.equal(r.next, 44n);
    assert.ok(r.messages.every((m) => m.attributes === codec), `${name}: the batch attributes`);
    assert.ok(r.messages.every((m) => (m.key === null || Buffer.isBuffer(m.key)) && (m.value === null || Buffer.isBuffer(m.value))), `${name}: Buffers`);
  }
});

it('keys, values and header values of uncompressed batches are views of the response, not copies; of compressed ones, of the decompressed payload', () => {
  const values = Array.from({ length: 300 }, (_, i) => `value-${i}-`.padEnd(700 + (i % 5) * 200, String.fromCharCode(97 + (i % 26))));
  const big = 'B'.repeat(200 * 1024);
  const data = partition([
    batch(0n, values.slice(0, 150)),
    buildRecordBatch([{ key: enc('big'), value: enc(big), headers: [{ key: 'h', value: enc('hv') }], timestamp: 1n }], { baseOffset: 150n, compression: CompressionCodec.GZIP }),
    batch(151n, values.slice(150)),
  ]);
  const records = data.records!;
  const r = decodeFetchedRecords(data, 0n, {});
  const want = [...values.slice(0, 150), big, ...values.slice(150)];
  assert.deepStrictEqual(r.messages.map((m) => m.value!.toString()), want);
  assert.deepStrictEqual(r.messages.map((m) => m.offset), want.map((_, i) => String(i)));
  assert.equal(r.messages[150]!.key!.toString(), 'big');
  assert.equal((r.messages[150]!.headers.h as Buffer).toString(), 'hv');
  assert.deepStrictEqual((r.messages[0]!.headers.h as Buffer[]).map(String), [values[0], 'again']);
  const plainOnes = r.messages.filter((_, i) => i !== 150);
  assert.ok(plainOnes.every((m) => m.value!.buffer === records.buffer && m.key!.buffer === records.buffer), 'views of the response');
  // The views are Buffers, with Buffer's methods (made by Buffer's species, see BufferView).
  assert.ok(plainOnes.every((m) => Buffer.isBuffer(m.value) && Buffer.isBuffer(m.key) && m.value instanceof Buffer), 'Buffers');
  assert.equal(plainOnes[0]!.value!.readUInt8(0), values[0]!.charCodeAt(0));
  assert.ok(Buffer.isBuffer(r.messages[150]!.headers.h), 'a header value is a Buffer');
  assert.ok(r.messages[150]!.value!.buffer !== records.buffer, 'the compressed batch: views of its decompressed payload');
  // Overwriting the response shows through the views (so the consumer never reuses it).
  records.fill(0);
  assert.ok(plainOnes.every((m) => m.value!.every((byte) => byte === 0)), 'the views saw the change');
  assert.equal(r.messages[150]!.value!.toString(), big, 'the decompressed payload is memory of its own');
});

it('after a position inside a batch, and with a trailing partial batch', () => {
  const values = Array.from({ length: 120 }, (_, i) => `v${i}`.padEnd(1000, '.'));
  const whole = batch(1000n, values.slice(60));
  const data = partition([batch(940n, values.slice(0, 60)), whole.subarray(0, whole.length - 1)]);
  const r = decodeFetchedRecords(data, 990n, {});
  assert.deepStrictEqual(r.messages.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => String(990 + i)));
  assert.deepStrictEqual(r.messages.map((m) => m.value!.toString()), values.slice(50, 60));
  assert.equal(r.next, 1000n);
});

it('offsets and timestamps as strings: around powers of ten, beyond 2^32 and 2^53, LogAppendTime, negative and long timestamp deltas', () => {
  const many = (baseOffset: bigint, n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: enc(`${i}`), headers: [] })), { baseOffset, timestamp: 7n });
  for (const base of [0n, 7n, 95n, 990n, 999n, 99_990n, 4_294_967_290n, 1_000_000_000_000_000n, 9_007_199_254_740_980n, (1n << 62n) + 123n]) {
    const r = decodeFetchedRecords(partition([many(base, 25)]), base, false);
    assert.deepStrictEqual(r.messages.map((m) => m.offset), Array.from({ length: 25 }, (_, i) => (base + BigInt(i)).toString()), `base ${base}`);
  }
  const ts = [1_732_560_000_000n, 1_732_560_000_000n, 1_732_559_999_999n, 1_732_560_000_001n, 1_732_560_000_000n + (1n << 40n), 0n, -1n, 1_732_560_000_001n];
  const created = buildRecordBatch(ts.map((timestamp) => ({ key: null, value: enc('x'), headers: [], timestamp })), { baseOffset: 0n });
  assert.deepStrictEqual(decodeFetchedRecords(partition([created]), 0n, false).messages.map((m) => m.timestamp), ts.map(String));
  const appended = buildRecordBatch(ts.map((timestamp) => ({ key: null, value: enc('x'), headers: [], timestamp })), { baseOffset: 0n, timestampType: 'LogAppendTime', logAppendTime: 1_800_000_000_123n });
  assert.deepStrictEqual(new Set(decodeFetchedRecords(partition([appended]), 0n, false).messages.map((m) => m.timestamp)), new Set(['1800000000123']));
});

it('CRC-32C: not checked by default (as librdkafka); checkCrcs rejects a corrupted batch', () => {
  const records = Buffer.from(batch(0n, ['one', 'two']));
  records[records.length - 2] ^= 0xff; // inside the last record's header value
  assert.equal(decodeFetchedRecords(partition([records]), 0n, {}).messages.length, 2);
  assert.throws(() => decodeFetchedRecords(partition([records]), 0n, { checkCrcs: true }), (e: Error) => e instanceof RecordBatchError && e.reason === 'CORRUPT_CRC');
  assert.equal(decodeFetchedRecords(partition([batch(0n, ['one', 'two'])]), 0n, { checkCrcs: true }).messages.length, 2);
});

it('malformed records are refused (a record length that does not match its fields, a count the bytes do not hold)', () => {
  const good = Buffer.from(batch(0n, ['aaaa', 'bbbb']));
  // The first record's length varint (just after the 61-byte header): one more than its fields take.
  const longer = Buffer.from(good);
  longer[61] += 2;
  const fewer = Buffer.from(good);
  fewer.writeInt32BE(3, 57); // recordsCount 3, but two records' bytes
  assert.throws(() => decodeFetchedRecords(partition([longer]), 0n, {}), RecordBatchError, 'longer');
  assert.throws(() => decodeFetchedRecords(partition([fewer]), 0n, {}), RecordBatchError, 'fewer');
});

it('agrees with the reference record decoder on random batches (every codec, random keys, values, headers, timestamps, positions)', async () => {
  const { decodeRecordBatches } = await import('../../../src/protocol/records/record-batch.js');
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rnd(256)));
  const maybe = (n: number) => (rnd(5) === 0 ? null : bytes(rnd(n)));
  for (let round = 0; round < 40; round++) {
    const batches: Uint8Array[] = [];
    let offset = BigInt(rnd(3) === 0 ? 2 ** 40 + rnd(1000) : rnd(5000));
    const first = offset;
    for (let b = 0; b < 1 + rnd(4); b++) {
      const count = 1 + rnd(rnd(2) === 0 ? 5 : 60);
      const base = 1_700_000_000_000n + BigInt(rnd(100_000));
      const records = Array.from({ length: count }, () => ({
        key: maybe(20),
        value: rnd(10) === 0 ? bytes(9000 + rnd(9000)) : maybe(3000),
        headers: Array.from({ length: rnd(3) === 0 ? rnd(4) : 0 }, () => ({ key: ['a', 'b', 'ü'][rnd(3)]!, value: maybe(10) })),
        timestamp: base + BigInt(rnd(3) === 0 ? -rnd(1000) : rnd(1 << 30)),
      }));
      batches.push(buildRecordBatch(records, { baseOffset: offset, compression: CODECS[rnd(CODECS.length)]![1] }));
      offset += BigInt(count);
    }
    const data = partition(batches);
    const position = first + BigInt(rnd(Number(offset - first)));
    const expected = decodeRecordBatches(data.records!).flatMap((b) =>
      b.records
        .filter((r) => r.offset >= position)
        .map((r) => {
          const headers: Record<string, string | string[] | undefined> = {};
          for (const h of r.headers) {
            const v = h.value === null ? undefined : Buffer.from(h.value).toString('hex');
            const e = headers[h.key];
            if (e === undefined) headers[h.key] = v;
            else if (v !== undefined) headers[h.key] = Array.isArray(e) ? [...e, v] : [e, v];
          }
          return { key: r.key === null ? null : Buffer.from(r.key).toString('hex'), value: r.value === null ? null : Buffer.from(r.value).toString('hex'), offset: r.offset.toString(), timestamp: r.timestamp.toString(), headers };
        }),
    );
    const got = decodeFetchedRecords(data, position, {});
    const hex = got.messages.map((m) => {
      const headers: Record<string, string | string[] | undefined> = {};
      for (const [k, v] of Object.entries(m.headers)) headers[k] = v === undefined ? undefined : Array.isArray(v) ? v.map((x) => x.toString('hex')) : v.toString('hex');
      return { key: m.key?.toString('hex') ?? null, value: m.value?.toString('hex') ?? null, offset: m.offset, timestamp: m.timestamp, headers };
    });
    assert.deepStrictEqual(hex, expected, `round ${round}`);
    assert.equal(got.next, offset);
  }
});

it('the messages array is sized from the batch headers, then holds exactly the delivered records: no holes, shorter when records are skipped, longer when a compressed batch holds more than its bytes suggest', () => {
  const same = (n: number, baseOffset: bigint, codec?: number) =>
    buildRecordBatch(Array.from({ length: n }, () => ({ key: null, value: enc('zzzzzzzzzzzzzzzzzzzzzzzz'), headers: [] })), { baseOffset, timestamp: 5n, compression: codec });
  const dense = (r: ReturnType<typeof decodeFetchedRecords>) => r.messages.every((m, i) => i in r.messages && m !== undefined);
  // Records before the position and an aborted transaction's are skipped: the array is cut to what was delivered.
  const skipped = decodeFetchedRecords(
    partition([same(40, 0n), batch(40n, ['t1', 't2'], { producerId: 9n, transactional: true }), same(5, 42n)], [{ producerId: 9n, firstOffset: 40n }]),
    30n,
    { readCommitted: true },
  );
  assert.equal(skipped.messages.length, 15);
  assert.ok(dense(skipped));
  assert.deepStrictEqual(skipped.messages.map((m) => m.offset), [...Array.from({ length: 10 }, (_, i) => String(30 + i)), '42', '43', '44', '45', '46']);
  // 3,000 records compressed into far fewer bytes than 7 per record: the array grows past its size.
  const packed = same(3000, 100n, CompressionCodec.ZSTD);
  assert.ok(packed.length < 3000 * 7, `the batch is ${packed.length} bytes`);
  const grown = decodeFetchedRecords(partition([packed]), 100n, false);
  assert.equal(grown.messages.length, 3000);
  assert.ok(dense(grown));
  assert.equal(grown.messages[2999]!.offset, '3099');
  // A header that claims more records than its batch holds is refused, whatever the array was sized to.
  const lying = Buffer.from(same(3, 0n));
  lying.writeInt32BE(2_000_000_000, 57);
  assert.throws(() => decodeFetchedRecords(partition([lying]), 0n, false), RecordBatchError);
});
