import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../src/connect/api/data/struct.js';
import { ConnectHeaders } from '../../../src/connect/api/data/headers.js';
import { SinkRecord } from '../../../src/connect/api/data/connect-record.js';
import { valuesEqual } from '../../../src/connect/api/data/values.js';
import { RegexRouter } from '../../../src/connect/transforms/regex-router.js';
import { TimestampRouter } from '../../../src/connect/transforms/timestamp-router.js';
import { Filter } from '../../../src/connect/transforms/filter.js';
import { InsertHeader } from '../../../src/connect/transforms/insert-header.js';
import { DropHeaders } from '../../../src/connect/transforms/drop-headers.js';
import { HeaderFromKey, HeaderFromValue } from '../../../src/connect/transforms/header-from.js';
import { TopicNameMatches } from '../../../src/connect/transforms/predicates/topic-name-matches.js';
import { HasHeaderKey } from '../../../src/connect/transforms/predicates/has-header-key.js';
import { RecordIsTombstone } from '../../../src/connect/transforms/predicates/record-is-tombstone.js';
import { configured, map, sink, source } from './helpers.js';

const eq = (a: unknown, b: unknown): void => assert.ok(valuesEqual(a, b), `${String(a)} != ${String(b)}`);
const headerList = (h: ConnectHeaders): [string, unknown][] => [...h].map((x) => [x.key, x.value]);

describe('RegexRouter', () => {
  const route = (regex: string, replacement: string, topic: string): string =>
    configured(new RegexRouter(), { regex, replacement }).apply(sink({ topic })).topic;

  it('Kafka RegexRouterTest cases: whole-topic match, $n groups, no match keeps the topic', () => {
    assert.equal(route('(.*)', 'prefix-$1', 'orig'), 'prefix-orig');
    assert.equal(route('(.*)', '$1-suffix', 'orig'), 'orig-suffix');
    assert.equal(route('(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)', '$1', 'index-20160117'), 'index');
    assert.equal(route('(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)', '$1', 'index-2016011'), 'index-2016011');
    assert.equal(route('(.*)', '$1', 'orig'), 'orig');
    assert.equal(route('xyz', 'abc', 'orig'), 'orig');
    // matches() needs the whole topic
    assert.equal(route('ori', 'x', 'orig'), 'orig');
  });

  it('Confluent docs examples (docs.confluent.io .../transforms/regexrouter): drop a prefix, add one with $0', () => {
    assert.equal(route('soe-(.*)', '$1', 'soe-Order'), 'Order');
    assert.equal(route('.*', 'acme_$0', 'Order'), 'acme_Order');
    assert.equal(route('(.*)Stream_(.*)', '$1$2', 'Order_Stream_Data'), 'Order_Data');
  });

  it('Java replacement syntax: multi-digit groups stop at the group count, ${name}, backslash escapes', () => {
    assert.equal(route('(a)(b)', '$21', 'ab'), 'b1');
    assert.equal(route('(?<first>a)(b)', '${first}-\\$2', 'ab'), 'a-$2');
    assert.throws(() => route('(a)', '$2', 'a'), /No group 2/);
  });

  it('regex and replacement are required; a bad regex is a ConfigException', () => {
    assert.throws(() => configured(new RegexRouter(), { replacement: 'x' }), (e: Error) => e instanceof ConfigException && e.message.includes('"regex"'));
    assert.throws(() => configured(new RegexRouter(), { regex: '(', replacement: 'x' }), ConfigException);
  });
});

describe('TimestampRouter', () => {
  it('defaults: ${topic}-${timestamp} with yyyyMMdd (Kafka TimestampRouterTest.defaultConfiguration)', () => {
    const t = configured(new TimestampRouter(), {});
    assert.equal(t.apply(source({ topic: 'test', timestamp: 1483425001864 })).topic, 'test-20170103');
  });

  it('custom formats (Confluent docs example: foo-${topic}-${timestamp} with yyyyMM)', () => {
    const t = configured(new TimestampRouter(), { 'topic.format': 'foo-${topic}-${timestamp}', 'timestamp.format': 'yyyyMM' });
    assert.equal(t.apply(sink({ topic: 'bar', timestamp: Date.UTC(2024, 10, 25) })).topic, 'foo-bar-202411');
  });

  it('a record without a timestamp is a DataException', () => {
    assert.throws(() => configured(new TimestampRouter(), {}).apply(sink({ timestamp: null })), DataException);
  });
});

describe('Filter', () => {
  it('drops every record', () => {
    assert.equal(configured(new Filter(), {}).apply(sink({ value: 1 })), null);
  });
});

describe('InsertHeader / DropHeaders', () => {
  it('InsertHeader parses value.literal like Values.parseString', () => {
    const r = configured(new InsertHeader(), { header: 'h', 'value.literal': '42' }).apply(sink({}));
    const h = r.headers.lastWithName('h')!;
    assert.equal(h.value, 42);
    assert.equal(h.schema!.type, 'INT8');
    const s = configured(new InsertHeader(), { header: 'h', 'value.literal': 'a value' }).apply(sink({}));
    assert.equal(s.headers.lastWithName('h')!.value, 'a value');
    const a = configured(new InsertHeader(), { header: 'h', 'value.literal': '[1, 2, 1000]' }).apply(sink({})).headers.lastWithName('h')!;
    assert.deepEqual(a.value, [1, 2, 1000]);
    assert.equal(a.schema!.valueSchema().type, 'INT16');
    const d = configured(new InsertHeader(), { header: 'h', 'value.literal': '2020-01-02' }).apply(sink({})).headers.lastWithName('h')!;
    assert.equal(d.schema!.name, 'org.apache.kafka.connect.data.Date');
    assert.deepEqual(d.value, new Date(Date.UTC(2020, 0, 2)));
    assert.throws(() => configured(new InsertHeader(), { header: 'h' }), (e: Error) => e instanceof ConfigException && e.message.includes('"value.literal"'));
  });

  it('InsertHeader does not modify the input record', () => {
    const orig = sink({});
    configured(new InsertHeader(), { header: 'h', 'value.literal': 'x' }).apply(orig);
    assert.equal(orig.headers.size, 0);
  });

  it('DropHeaders removes every header with a listed name', () => {
    const r = new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0n, headers: new ConnectHeaders().addString('a', '1').addString('b', '2').addString('a', '3').addString('c', '4') });
    const out = configured(new DropHeaders(), { headers: 'a,c' }).apply(r);
    assert.deepEqual(headerList(out.headers), [['b', '2']]);
    assert.equal(r.headers.size, 4);
    assert.throws(() => configured(new DropHeaders(), { headers: '' }), ConfigException);
  });
});

describe('HeaderFrom', () => {
  const schema = SchemaBuilder.struct().field('field1', Schema.STRING_SCHEMA).field('field2', Schema.INT32_SCHEMA).field('keep', Schema.STRING_SCHEMA).build();
  const value = (): Struct => new Struct(schema).put('field1', 'v1').put('field2', 2).put('keep', 'k');

  it('copy with a schema: headers get the field schemas, the value is unchanged', () => {
    const t = configured(new HeaderFromValue(), { fields: 'field1,field2', headers: 'h1,h2', operation: 'copy' });
    const v = value();
    const out = t.apply(sink({ valueSchema: schema, value: v }));
    assert.deepEqual(headerList(out.headers), [['h1', 'v1'], ['h2', 2]]);
    assert.equal(out.headers.lastWithName('h2')!.schema, Schema.INT32_SCHEMA);
    assert.equal(out.value, v);
  });

  it('move with a schema drops the fields; schemaless move on the key', () => {
    const t = configured(new HeaderFromValue(), { fields: 'field1', headers: 'h1', operation: 'move' });
    const out = t.apply(sink({ valueSchema: schema, value: value() }));
    assert.deepEqual(out.valueSchema!.fields().map((f) => f.name), ['field2', 'keep']);
    assert.equal((out.value as Struct).get('field2'), 2);
    const k = configured(new HeaderFromKey(), { fields: 'a,missing', headers: 'ha,hm', operation: 'move' }).apply(sink({ key: map({ a: 1, b: 2 }) }));
    eq(k.key, map({ b: 2 }));
    assert.deepEqual(headerList(k.headers), [['ha', 1], ['hm', null]]);
  });

  it('errors: list lengths differ, bad operation, missing struct field', () => {
    assert.throws(() => configured(new HeaderFromValue(), { fields: 'a,b', headers: 'h', operation: 'copy' }), (e: Error) => e instanceof ConfigException && /fields/.test(e.message));
    assert.throws(() => configured(new HeaderFromValue(), { fields: 'a', headers: 'h', operation: 'swap' }), ConfigException);
    const t = configured(new HeaderFromValue(), { fields: 'nope', headers: 'h', operation: 'copy' });
    assert.throws(() => t.apply(sink({ valueSchema: schema, value: value() })), DataException);
    // Kafka's requireMap(null, "header copy")
    assert.throws(() => t.apply(sink({ value: null })), /Only Map objects supported in absence of schema for \[header copy\], found: null/);
  });
});

describe('predicates', () => {
  it('TopicNameMatches matches the whole topic name', () => {
    const p = new TopicNameMatches();
    p.configure({ pattern: 'my-prefix-.*' });
    assert.equal(p.test(sink({ topic: 'my-prefix-orders' })), true);
    assert.equal(p.test(sink({ topic: 'x-my-prefix-orders' })), false);
    assert.throws(() => new TopicNameMatches().configure({}), (e: Error) => e instanceof ConfigException && e.message.includes('"pattern"'));
    assert.throws(() => new TopicNameMatches().configure({ pattern: '[' }), ConfigException);
  });

  it('HasHeaderKey and RecordIsTombstone', () => {
    const h = new HasHeaderKey();
    h.configure({ name: 'trace' });
    const r = new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0n, value: 1, headers: new ConnectHeaders().addString('trace', null) });
    assert.equal(h.test(r), true);
    assert.equal(h.test(sink({})), false);
    assert.throws(() => new HasHeaderKey().configure({}), ConfigException);
    const t = new RecordIsTombstone();
    t.configure({});
    assert.equal(t.test(sink({ value: null })), true);
    assert.equal(t.test(r), false);
  });
});
