import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../src/connect/api/data/struct.js';
import { valuesEqual } from '../../../src/connect/api/data/values.js';
import { buildTransformationChain } from '../../../src/connect/transforms/transform-chain.js';
import { TransformRegistry, defaultTransformRegistry } from '../../../src/connect/transforms/registry.js';
import { Filter } from '../../../src/connect/transforms/filter.js';
import { SourceRecord } from '../../../src/connect/api/data/connect-record.js';
import { map, sink, source } from './helpers.js';

describe('transformation chain', () => {
  it('the issue\'s example: ValueToKey + ExtractField$Key + RegexRouter', () => {
    const chain = buildTransformationChain<SourceRecord>({
      transforms: 'createKey,extractId,route',
      'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
      'transforms.createKey.fields': 'id',
      'transforms.extractId.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
      'transforms.extractId.field': 'id',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': 'db-(.*)',
      'transforms.route.replacement': 'mirror-$1',
    });
    const schema = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA).build();
    const value = new Struct(schema).put('id', 17n).put('name', 'ada');
    const out = chain.apply(source({ topic: 'db-users', valueSchema: schema, value }))!;
    assert.equal(out.topic, 'mirror-users');
    assert.equal(out.keySchema, Schema.INT64_SCHEMA);
    assert.equal(out.key, 17n);
    assert.equal(out.value, value);
    assert.deepEqual(out.sourcePartition, { file: 'f' });
    // schemaless, as JsonConverter with schemas.enable=false gives it
    const plain = chain.apply(source({ topic: 'db-users', value: map({ id: 17n, name: 'ada' }) }))!;
    assert.equal(plain.key, 17n);
    assert.equal(plain.keySchema, null);
    assert.equal(plain.topic, 'mirror-users');
    chain.close();
  });

  it('Kafka docs example (connect.html): MakeMap + InsertSource on a file source line', () => {
    const chain = buildTransformationChain({
      transforms: 'MakeMap, InsertSource',
      'transforms.MakeMap.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.MakeMap.field': 'line',
      'transforms.InsertSource.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.InsertSource.static.field': 'data_source',
      'transforms.InsertSource.static.value': 'test-file-source',
    });
    const out = chain.apply(source({ valueSchema: Schema.STRING_SCHEMA, value: 'foo' }))!;
    assert.deepEqual(out.valueSchema!.fields().map((f) => f.name), ['line', 'data_source']);
    assert.equal((out.value as Struct).get('line'), 'foo');
    assert.equal((out.value as Struct).get('data_source'), 'test-file-source');
  });

  it('Kafka docs example (connect.html, "Predicates"): Filter with TopicNameMatches foo drops only topic foo; negate inverts', () => {
    const props: Record<string, string> = {
      transforms: 'Filter',
      'transforms.Filter.type': 'org.apache.kafka.connect.transforms.Filter',
      'transforms.Filter.predicate': 'IsFoo',
      predicates: 'IsFoo',
      'predicates.IsFoo.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
      'predicates.IsFoo.pattern': 'foo',
    };
    const chain = buildTransformationChain(props);
    assert.equal(chain.apply(sink({ topic: 'foo' })), null);
    assert.equal(chain.apply(sink({ topic: 'bar' }))!.topic, 'bar');
    const negated = buildTransformationChain({ ...props, 'transforms.Filter.negate': 'true' });
    assert.equal(negated.apply(sink({ topic: 'foo' }))!.topic, 'foo');
    assert.equal(negated.apply(sink({ topic: 'bar' })), null);
  });

  it('Kafka docs example: drop tombstones with Filter + RecordIsTombstone; HasHeaderKey; short class names', () => {
    const chain = buildTransformationChain({
      transforms: 'dropTombstones,tag',
      'transforms.dropTombstones.type': 'Filter',
      'transforms.dropTombstones.predicate': 'isTombstone',
      'transforms.tag.type': 'InsertHeader',
      'transforms.tag.header': 'seen',
      'transforms.tag.value.literal': 'true',
      'transforms.tag.predicate': 'hasTrace',
      predicates: 'isTombstone,hasTrace',
      'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'predicates.hasTrace.type': 'HasHeaderKey',
      'predicates.hasTrace.name': 'trace',
    });
    assert.equal(chain.apply(sink({ value: null })), null);
    assert.equal(chain.apply(sink({ value: 1 }))!.headers.size, 0);
    const traced = sink({ value: 1 }).with({ headers: [{ key: 'trace', schema: null, value: 'x' }] });
    assert.equal(chain.apply(traced)!.headers.lastWithName('seen')!.value, true);
  });

  it('no transforms: the record passes as it is', () => {
    const r = sink({ value: 1 });
    assert.equal(buildTransformationChain({}).apply(r), r);
    assert.equal(buildTransformationChain({ transforms: '' }).stages.length, 0);
  });

  it('config errors name the key', () => {
    const throwsKey = (props: Record<string, string>, key: string): void => {
      assert.throws(() => buildTransformationChain(props), (e: Error) => e instanceof ConfigException && e.message.includes(key), key);
    };
    throwsKey({ transforms: 'a' }, 'transforms.a.type');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'com.example.Nope' }, 'transforms.a.type');
    throwsKey({ transforms: 'a,a', 'transforms.a.type': 'Filter' }, 'transforms');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'ValueToKey' }, 'transforms.a.fields');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p' }, 'transforms.a.predicate');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p', predicates: 'p' }, 'predicates.p.type');
    throwsKey({ predicates: 'p', 'predicates.p.type': 'Nope' }, 'predicates.p.type');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p', predicates: 'p', 'predicates.p.type': 'TopicNameMatches' }, 'predicates.p.pattern');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p', 'transforms.a.negate': 'maybe', predicates: 'p', 'predicates.p.type': 'RecordIsTombstone' }, 'transforms.a.negate');
    throwsKey({ transforms: 'a', 'transforms.a.type': 'RegexRouter', 'transforms.a.regex': '(' , 'transforms.a.replacement': 'x' }, 'transforms.a.regex');
  });

  it('the registry knows every Kafka class name; custom transforms can be registered; close() closes each stage', () => {
    const names = defaultTransformRegistry().transformationClassNames();
    for (const n of ['InsertField$Value', 'ReplaceField$Key', 'MaskField$Value', 'ValueToKey', 'ExtractField$Key', 'HoistField$Value', 'Cast$Value',
      'TimestampConverter$Value', 'RegexRouter', 'TimestampRouter', 'Flatten$Value', 'Filter', 'InsertHeader', 'DropHeaders', 'HeaderFrom$Value']) {
      assert.ok(names.includes(`org.apache.kafka.connect.transforms.${n}`), n);
    }
    let closed = 0;
    class Counting extends Filter {
      override close(): void { closed++; }
    }
    const registry = new TransformRegistry().registerTransformation('com.example.Counting', () => new Counting());
    const chain = buildTransformationChain({ transforms: 'x,y', 'transforms.x.type': 'com.example.Counting', 'transforms.y.type': 'com.example.Counting' }, registry);
    assert.equal(chain.apply(sink({})), null);
    chain.close();
    assert.equal(closed, 2);
    assert.ok(valuesEqual(new Map([['a', 1]]), map({ a: 1 })));
  });
});
