import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataException } from '../../../../src/connect/api/errors.js';
import { SinkRecord, SourceRecord } from '../../../../src/connect/api/data/connect-record.js';
import { ConnectHeaders } from '../../../../src/connect/api/data/headers.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';

describe('ConnectHeaders', () => {
  it('keeps order and duplicates; lastWithName returns the latest', () => {
    const h = new ConnectHeaders().addString('a', 'one').addInt32('b', 2).addString('a', 'two');
    assert.equal(h.size, 3);
    assert.equal(h.lastWithName('a')!.value, 'two');
    assert.equal(h.allWithName('a').length, 2);
    h.retainLatest();
    assert.deepEqual([...h].map((x) => [x.key, x.value]), [['b', 2], ['a', 'two']]);
    h.remove('a');
    assert.equal(h.lastWithName('a'), null);
  });

  it('gives every instance its own headers, however it was made (empty ones share nothing that changes)', () => {
    const empty = [new ConnectHeaders(), new ConnectHeaders(), new ConnectHeaders([]), new ConnectHeaders(new ConnectHeaders()), new ConnectHeaders().duplicate()];
    empty[0]!.addString('a', '1');
    empty[2]!.addString('c', '3');
    assert.deepEqual(empty.map((h) => h.size), [1, 0, 1, 0, 0]);
    const copy = empty[0]!.duplicate();
    copy.addString('b', '2');
    assert.deepEqual([[...empty[0]!].map((h) => h.key), [...copy].map((h) => h.key)], [['a'], ['a', 'b']]);
    const fromCopy = new ConnectHeaders(copy);
    copy.clear();
    assert.equal(copy.size, 0);
    assert.equal(fromCopy.size, 2);
    copy.addString('d', '4').remove('d').addString('e', '5');
    assert.deepEqual([...copy].map((h) => h.key), ['e']);
    assert.equal(new ConnectHeaders().size, 0);
    assert.deepEqual([...new ConnectHeaders()], []);
  });

  it('validates values added with a schema', () => {
    assert.throws(() => new ConnectHeaders().add('k', 'x', Schema.INT32_SCHEMA), DataException);
  });
});

describe('SourceRecord / SinkRecord', () => {
  it('newRecord keeps the source partition and offset and copies headers', () => {
    const r = new SourceRecord({
      topic: 't', kafkaPartition: 1, keySchema: Schema.STRING_SCHEMA, key: 'k', valueSchema: Schema.INT32_SCHEMA, value: 1,
      timestamp: 5, sourcePartition: { file: 'a' }, sourceOffset: { pos: 10 }, headers: new ConnectHeaders().addString('h', 'v'),
    });
    const r2 = r.newRecord('u', null, null, null, Schema.INT64_SCHEMA, 2n, 6);
    assert.ok(r2 instanceof SourceRecord);
    assert.equal(r2.topic, 'u');
    assert.equal(r2.kafkaPartition, null);
    assert.equal(r2.value, 2n);
    assert.equal(r2.timestamp, 6);
    assert.deepEqual(r2.sourcePartition, { file: 'a' });
    assert.deepEqual(r2.sourceOffset, { pos: 10 });
    assert.equal(r2.headers.lastWithName('h')!.value, 'v');
    r2.headers.addString('x', 'y');
    assert.equal(r.headers.lastWithName('x'), null, 'the copy has its own headers');
  });

  it('SinkRecord keeps kafkaOffset and timestampType; with() replaces only what is given', () => {
    const r = new SinkRecord({ topic: 't', kafkaPartition: 3, key: null, value: 'v', valueSchema: Schema.STRING_SCHEMA, kafkaOffset: 42n, timestamp: 9, timestampType: 'LogAppendTime' });
    const r2 = r.with({ value: 'w' });
    assert.ok(r2 instanceof SinkRecord);
    assert.equal(r2.value, 'w');
    assert.equal(r2.valueSchema, Schema.STRING_SCHEMA);
    assert.equal(r2.kafkaPartition, 3);
    assert.equal(r2.kafkaOffset, 42n);
    assert.equal(r2.timestampType, 'LogAppendTime');
    assert.equal(r2.timestamp, 9);
    assert.equal(r.with({ key: null }).key, null);
  });

  it('records made from a record without headers get their own (with, newRecord)', () => {
    const r = new SourceRecord({ topic: 't', value: 1, valueSchema: Schema.INT32_SCHEMA });
    const viaWith = r.with({ value: 2 });
    const viaNew = r.newRecord('t', null, null, null, Schema.INT32_SCHEMA, 3, null);
    const given = r.with({ headers: new ConnectHeaders().addString('g', 'v') });
    viaWith.headers.addString('w', 'x');
    viaNew.headers.addString('n', 'x');
    assert.deepEqual([r, viaWith, viaNew, given].map((x) => [...x.headers].map((h) => h.key)), [[], ['w'], ['n'], ['g']]);
    const sinkRecord = new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 1n, value: null });
    const headers = new ConnectHeaders();
    const fromHeaders = new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 2n, value: null, headers });
    headers.addString('later', 'x');
    assert.equal(fromHeaders.headers.size, 0, 'the record copied the headers given');
    sinkRecord.with({}).headers.addString('s', 'x');
    assert.equal(sinkRecord.headers.size, 0);
  });
});
