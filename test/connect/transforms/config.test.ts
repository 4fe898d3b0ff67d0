import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { NO_DEFAULT, TransformConfigDef, nonEmptyList } from '../../../src/connect/transforms/config.js';
import { defaultTransformRegistry } from '../../../src/connect/transforms/registry.js';

describe('TransformConfigDef', () => {
  const def = new TransformConfigDef()
    .define('s', 'STRING', 'dflt', 'HIGH', 'a string')
    .define('l', 'LIST', NO_DEFAULT, 'HIGH', 'a list', nonEmptyList)
    .define('i', 'INT', null, 'LOW', 'an int')
    .define('b', 'BOOLEAN', false, 'LOW', 'a boolean');

  it('parses with ConfigDef\'s rules: strings trimmed, lists split on commas, defaults, unknown keys ignored', () => {
    const c = def.parse({ s: '  x ', l: ' a , b,c ', i: ' 12 ', b: 'TRUE', other: 'ignored' });
    assert.equal(c.getString('s'), 'x');
    assert.deepEqual(c.getList('l'), ['a', 'b', 'c']);
    assert.equal(c.getInt('i'), 12);
    assert.equal(c.getBoolean('b'), true);
    const d = def.parse({ l: 'a' });
    assert.equal(d.getString('s'), 'dflt');
    assert.equal(d.getInt('i'), null);
    assert.equal(d.getBoolean('b'), false);
  });

  it('errors are ConfigExceptions with Kafka\'s wording', () => {
    assert.throws(() => def.parse({}), (e: Error) => e instanceof ConfigException && e.message === 'Missing required configuration "l" which has no default value.');
    assert.throws(() => def.parse({ l: '' }), (e: Error) => e instanceof ConfigException && e.message === 'Invalid value [] for configuration l: Empty list');
    assert.throws(() => def.parse({ l: 'a', i: '1.5' }), (e: Error) => e.message === 'Invalid value 1.5 for configuration i: Not a number of type INT');
    assert.throws(() => def.parse({ l: 'a', b: 'yes' }), (e: Error) => e.message === 'Invalid value yes for configuration b: Expected value to be either true or false');
  });

  it('every built-in transform describes its settings', () => {
    const r = defaultTransformRegistry();
    const keys = (name: string): string[] => r.transformation(name)!().config().names();
    assert.deepEqual(keys('InsertField$Value'), ['topic.field', 'partition.field', 'offset.field', 'timestamp.field', 'static.field', 'static.value']);
    assert.deepEqual(keys('TimestampConverter$Value'), ['field', 'target.type', 'format', 'unix.precision']);
    assert.deepEqual(keys('RegexRouter'), ['regex', 'replacement']);
    assert.deepEqual(r.predicate('TopicNameMatches')!().config().names(), ['pattern']);
    for (const n of r.transformationClassNames()) assert.ok(r.transformation(n)!().config().keys.every((k) => k.documentation.length > 0), n);
  });
});
