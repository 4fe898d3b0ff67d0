import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompositeValidator, ConfigDef, NonEmptyString, NonNullValidator, Password, Range, ValidList, ValidString } from '../../../src/connect/api/config-def.js';
import { ConfigException } from '../../../src/connect/api/errors.js';

const def = () =>
  new ConfigDef()
    .define('flag', 'BOOLEAN', { defaultValue: false, importance: 'LOW', documentation: 'a flag' })
    .define('name', 'STRING', { validator: CompositeValidator.of(new NonNullValidator(), new NonEmptyString()), importance: 'HIGH', documentation: 'required' })
    .define('count', 'INT', { defaultValue: 2000, validator: Range.atLeast(1) })
    .define('big', 'LONG', { defaultValue: 60000, validator: Range.between(0, 1n << 60n) })
    .define('ratio', 'DOUBLE', { defaultValue: 0.5 })
    .define('items', 'LIST', { defaultValue: 'a,b', validator: ValidList.in('a', 'b', 'c') })
    .define('cls', 'CLASS', { defaultValue: 'org.example.Thing' })
    .define('secret', 'PASSWORD', { defaultValue: null })
    .define('mode', 'STRING', { defaultValue: 'fast', validator: ValidString.in('fast', 'slow') });

describe('ConfigDef', () => {
  it('parses strings into typed values and fills in defaults', () => {
    const v = def().parse({ name: ' n ', flag: 'TRUE', count: '7', big: '9007199254740993', ratio: '1e3', items: ' c , a,', secret: 'pw', mode: 'slow', other: 'ignored' });
    assert.equal(v['flag'], true);
    assert.equal(v['name'], 'n');
    assert.equal(v['count'], 7);
    assert.equal(v['big'], 9007199254740993n);
    assert.equal(v['ratio'], 1000);
    assert.deepEqual(v['items'], ['c', 'a']);
    assert.equal(v['cls'], 'org.example.Thing');
    assert.ok(v['secret'] instanceof Password);
    assert.equal(String(v['secret']), '[hidden]');
    assert.equal((v['secret'] as Password).value(), 'pw');
    assert.equal(v['mode'], 'slow');
    assert.equal('other' in v, false);
    const d = def().parse({ name: 'x' });
    assert.deepEqual([d['flag'], d['count'], d['big'], d['ratio'], d['items'], d['secret'], d['mode']], [false, 2000, 60000n, 0.5, ['a', 'b'], null, 'fast']);
  });

  it('throws Kafka’s ConfigException messages naming the key', () => {
    const fails = (props: Record<string, string>, message: string) => assert.throws(() => def().parse({ name: 'x', ...props }), (e: unknown) => e instanceof ConfigException && e.message === message);
    assert.throws(() => def().parse({}), { message: 'Missing required configuration "name" which has no default value.' });
    fails({ name: '' }, 'Invalid value  for configuration name: String must be non-empty');
    fails({ flag: 'yes' }, 'Invalid value yes for configuration flag: Expected value to be either true or false');
    fails({ count: 'many' }, 'Invalid value many for configuration count: Not a number of type INT');
    fails({ count: '2147483648' }, 'Invalid value 2147483648 for configuration count: Not a number of type INT');
    fails({ count: '0' }, 'Invalid value 0 for configuration count: Value must be at least 1');
    fails({ big: '-1' }, 'Invalid value -1 for configuration big: Value must be at least 0');
    fails({ big: '1152921504606846977' }, 'Invalid value 1152921504606846977 for configuration big: Value must be no more than 1152921504606846976');
    fails({ ratio: 'half' }, 'Invalid value half for configuration ratio: Not a number of type DOUBLE');
    fails({ mode: 'medium' }, 'Invalid value medium for configuration mode: String must be one of: fast, slow');
    fails({ items: 'a,z' }, 'Invalid value a,z for configuration items: Invalid value z for configuration items: String must be one of: a, b, c');
  });

  it('validate() reports every key with its errors', () => {
    const results = def().validate({ count: '0', flag: 'maybe' });
    const byName = new Map(results.map((r) => [r.name, r]));
    assert.deepEqual(results.map((r) => r.name), ['flag', 'name', 'count', 'big', 'ratio', 'items', 'cls', 'secret', 'mode']);
    assert.deepEqual(byName.get('flag')!.errorMessages, ['Invalid value maybe for configuration flag: Expected value to be either true or false']);
    assert.deepEqual(byName.get('name')!.errorMessages, ['Missing required configuration "name" which has no default value.']);
    assert.deepEqual(byName.get('count')!.errorMessages, ['Invalid value 0 for configuration count: Value must be at least 1']);
    assert.deepEqual(byName.get('big'), { name: 'big', value: 60000n, errorMessages: [] });
  });

  it('rejects a bad default and a key defined twice', () => {
    assert.throws(() => new ConfigDef().define('n', 'INT', { defaultValue: 0, validator: Range.atLeast(1) }), { message: 'Invalid value 0 for configuration n: Value must be at least 1' });
    assert.throws(() => new ConfigDef().define('n', 'INT').define('n', 'INT'), { message: 'Configuration n is defined twice.' });
  });

  it('documents its keys', () => {
    const text = def().toText();
    assert.match(text, /^count\n {2}\n {2}Type: int\n {2}Default: 2000\n {2}Valid Values: \[1,\.\.\.\]\n {2}Importance: medium\n/m);
    assert.match(text, /^name\n {2}required\n {2}Type: string\n {2}Default: \n/m);
  });
});
