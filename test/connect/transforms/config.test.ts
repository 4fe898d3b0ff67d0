import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigDef, NO_DEFAULT_VALUE } from '../../../src/connect/api/config-def.js';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { defaultTransformRegistry } from '../../../src/connect/transforms/registry.js';
import { SimpleConfig } from '../../../src/connect/transforms/simple-config.js';
import { buildTransformationChain } from '../../../src/connect/transforms/transform-chain.js';

const registry = defaultTransformRegistry();
const transformDef = (name: string): ConfigDef => registry.transformation(name)!().config();
const predicateDef = (name: string): ConfigDef => registry.predicate(name)!().config();

/** name → [type, required, default] of every key, in definition order. */
function shape(def: ConfigDef): Array<[string, string, boolean, unknown]> {
  return [...def.configKeys().values()].map((k) => [k.name, k.type, k.defaultValue === NO_DEFAULT_VALUE, k.defaultValue === NO_DEFAULT_VALUE ? undefined : k.defaultValue]);
}

describe('SimpleConfig', () => {
  const def = new ConfigDef()
    .define('s', 'STRING', { defaultValue: 'dflt', importance: 'HIGH', documentation: 'a string' })
    .define('l', 'LIST', { importance: 'HIGH', documentation: 'a list' })
    .define('i', 'INT', { defaultValue: null, importance: 'LOW', documentation: 'an int' })
    .define('b', 'BOOLEAN', { defaultValue: false, importance: 'LOW', documentation: 'a boolean' });

  it('reads values with ConfigDef\'s rules: strings trimmed, lists split on commas, defaults, unknown keys ignored', () => {
    const c = new SimpleConfig(def, { s: '  x ', l: ' a , b,c ', i: ' 12 ', b: 'TRUE', other: 'ignored' });
    assert.equal(c.getString('s'), 'x');
    assert.deepEqual(c.getList('l'), ['a', 'b', 'c']);
    assert.equal(c.getInt('i'), 12);
    assert.equal(c.getBoolean('b'), true);
    const d = new SimpleConfig(def, { l: 'a' });
    assert.equal(d.getString('s'), 'dflt');
    assert.equal(d.getInt('i'), null);
    assert.equal(d.getBoolean('b'), false);
    assert.throws(() => d.getString('nope'), /Unknown configuration 'nope'/);
  });

  it('throws ConfigDef\'s ConfigExceptions', () => {
    assert.throws(() => new SimpleConfig(def, {}), (e: Error) => e instanceof ConfigException && e.message === 'Missing required configuration "l" which has no default value.');
    assert.throws(() => new SimpleConfig(def, { l: 'a', i: '1.5' }), (e: Error) => e.message === 'Invalid value 1.5 for configuration i: Not a number of type INT');
    assert.throws(() => new SimpleConfig(def, { l: 'a', b: 'yes' }), (e: Error) => e.message === 'Invalid value yes for configuration b: Expected value to be either true or false');
  });
});

describe('transform and predicate ConfigDefs', () => {
  it('every built-in transform and predicate returns a ConfigDef with documented keys', () => {
    for (const n of registry.transformationClassNames()) {
      const def = transformDef(n);
      assert.ok(def instanceof ConfigDef, n);
      for (const k of def.configKeys().values()) assert.ok(k.documentation.length > 0, `${n} ${k.name}`);
    }
    for (const n of registry.predicateClassNames()) assert.ok(predicateDef(n) instanceof ConfigDef, n);
  });

  it('declares Kafka\'s keys, types, defaults and importance', () => {
    assert.deepEqual(shape(transformDef('InsertField$Value')), [
      ['topic.field', 'STRING', false, null], ['partition.field', 'STRING', false, null], ['offset.field', 'STRING', false, null],
      ['timestamp.field', 'STRING', false, null], ['static.field', 'STRING', false, null], ['static.value', 'STRING', false, null],
    ]);
    assert.deepEqual(shape(transformDef('TimestampConverter$Value')), [
      ['field', 'STRING', false, ''], ['target.type', 'STRING', true, undefined], ['format', 'STRING', false, ''], ['unix.precision', 'STRING', false, 'milliseconds'],
    ]);
    assert.deepEqual(shape(transformDef('ReplaceField$Key')), [
      ['exclude', 'LIST', false, []], ['blacklist', 'LIST', false, null], ['include', 'LIST', false, []], ['whitelist', 'LIST', false, null], ['renames', 'LIST', false, []],
    ]);
    assert.deepEqual(shape(transformDef('MaskField$Value')), [['fields', 'LIST', true, undefined], ['replacement', 'STRING', false, null]]);
    assert.deepEqual(shape(transformDef('Cast$Value')), [['spec', 'LIST', true, undefined]]);
    assert.deepEqual(shape(transformDef('RegexRouter')), [['regex', 'STRING', true, undefined], ['replacement', 'STRING', true, undefined]]);
    assert.deepEqual(shape(transformDef('TimestampRouter')), [['topic.format', 'STRING', false, '${topic}-${timestamp}'], ['timestamp.format', 'STRING', false, 'yyyyMMdd']]);
    assert.deepEqual(shape(transformDef('SetSchemaMetadata$Value')), [['schema.name', 'STRING', false, null], ['schema.version', 'INT', false, null]]);
    assert.deepEqual(shape(transformDef('HeaderFrom$Value')), [['fields', 'LIST', true, undefined], ['headers', 'LIST', true, undefined], ['operation', 'STRING', true, undefined]]);
    assert.deepEqual(shape(transformDef('Filter')), []);
    assert.deepEqual(shape(predicateDef('TopicNameMatches')), [['pattern', 'STRING', true, undefined]]);
    assert.deepEqual(shape(predicateDef('HasHeaderKey')), [['name', 'STRING', true, undefined]]);
    assert.deepEqual(shape(predicateDef('RecordIsTombstone')), []);
    assert.equal(transformDef('ValueToKey').configKeys().get('fields')!.importance, 'HIGH');
    assert.equal(transformDef('MaskField$Key').configKeys().get('replacement')!.importance, 'LOW');
    assert.equal(transformDef('HeaderFrom$Key').configKeys().get('operation')!.validator!.toString(), '[move, copy]');
    assert.equal(transformDef('ValueToKey').configKeys().get('fields')!.validator!.toString(), 'non-empty list');
  });

  it('validate() reports each key\'s errors with Kafka\'s messages (what the REST validate endpoint shows)', () => {
    const byName = (values: ReturnType<ConfigDef['validate']>) => Object.fromEntries(values.map((v) => [v.name, v.errorMessages]));
    assert.deepEqual(byName(transformDef('MaskField$Value').validate({ fields: '', replacement: '' })), {
      fields: ['Invalid value [] for configuration fields: Empty list'],
      replacement: ['Invalid value  for configuration replacement: String must be non-empty'],
    });
    assert.deepEqual(byName(transformDef('TimestampConverter$Value').validate({ 'target.type': 'epoch', 'unix.precision': 'hours' })), {
      field: [], format: [],
      'target.type': ['Invalid value epoch for configuration target.type: Unknown timestamp type in TimestampConverter: epoch. Valid values are string, unix, Date, Time, Timestamp.'],
      'unix.precision': ['Invalid value hours for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds'],
    });
    assert.deepEqual(byName(transformDef('ReplaceField$Value').validate({ renames: 'a:b,c' })).renames, ['Invalid value [a:b, c] for configuration renames: Invalid rename mapping: c']);
    assert.deepEqual(byName(transformDef('Cast$Value').validate({ spec: 'a:uint8' })).spec, ['Invalid value [a:uint8] for configuration spec: Invalid type found in casting spec: uint8']);
    assert.match(byName(predicateDef('TopicNameMatches').validate({ pattern: '(' })).pattern![0]!, /^Invalid value \( for configuration pattern: Invalid regex: /);
  });

  it('a bad setting in a chain is a ConfigException naming the full key', () => {
    const fails = (props: Record<string, string>, message: string): void => {
      assert.throws(() => buildTransformationChain(props), (e: Error) => e instanceof ConfigException && e.message === message, message);
    };
    fails({ transforms: 'm', 'transforms.m.type': 'MaskField$Value', 'transforms.m.fields': '' }, 'Invalid value [] for configuration transforms.m.fields: Empty list');
    fails({ transforms: 'm', 'transforms.m.type': 'MaskField$Value' }, 'Missing required configuration "transforms.m.fields" which has no default value.');
    fails({ transforms: 'h', 'transforms.h.type': 'HeaderFrom$Value', 'transforms.h.fields': 'a', 'transforms.h.headers': 'b', 'transforms.h.operation': 'swap' },
      'Invalid value swap for configuration transforms.h.operation: String must be one of: move, copy');
    fails({ transforms: 'c', 'transforms.c.type': 'Cast$Value', 'transforms.c.spec': 'a:int8:x' }, 'Invalid value [a:int8:x] for configuration transforms.c.spec: Invalid cast mapping: a:int8:x');
    fails({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'p', predicates: 'p', 'predicates.p.type': 'HasHeaderKey', 'predicates.p.name': '' },
      'Invalid value  for configuration predicates.p.name: String must be non-empty');
    fails({ transforms: 's', 'transforms.s.type': 'SetSchemaMetadata$Value', 'transforms.s.schema.version': 'x' }, 'Invalid value x for configuration transforms.s.schema.version: Not a number of type INT');
  });
});
