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
});
