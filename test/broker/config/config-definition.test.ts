import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerConfigDefinitions } from '../../../src/broker/config/broker-config-definitions.js';
import {
  atLeast,
  canonicalConfigString,
  defaultConfigValue,
  parseConfigValue,
} from '../../../src/broker/config/config-definition.js';
import type { ConfigDefinition } from '../../../src/broker/config/config-definition.js';
import { ConfigError } from '../../../src/broker/config/config-error.js';
import { topicConfigDefinitions } from '../../../src/broker/config/topic-config-definitions.js';

const def = (type: ConfigDefinition['type'], extra: Partial<ConfigDefinition> = {}): ConfigDefinition => ({
  name: 'some.key',
  type,
  default: null,
  importance: 'low',
  doc: '',
  ...extra,
});

describe('parseConfigValue', () => {
  it('parses each type as Kafka does: trimmed, case-insensitive booleans, comma lists', () => {
    assert.equal(parseConfigValue(def('boolean'), ' TRUE '), true);
    assert.equal(parseConfigValue(def('boolean'), 'false'), false);
    assert.equal(parseConfigValue(def('int'), ' 42 '), 42);
    assert.equal(parseConfigValue(def('int'), '+7'), 7);
    assert.equal(parseConfigValue(def('short'), '-1'), -1);
    assert.equal(parseConfigValue(def('long'), '604800000'), 604800000);
    assert.equal(parseConfigValue(def('double'), '0.5'), 0.5);
    assert.equal(parseConfigValue(def('double'), '1e3'), 1000);
    assert.deepEqual(parseConfigValue(def('list'), ' compact , delete '), ['compact', 'delete']);
    assert.deepEqual(parseConfigValue(def('list'), ''), []);
    assert.equal(parseConfigValue(def('string'), '  a b  '), 'a b');
    assert.equal(parseConfigValue(def('class'), 'org.example.My$Inner'), 'org.example.My$Inner');
    assert.equal(parseConfigValue(def('password'), ' secret '), 'secret');
  });

  it('holds longs beyond 2^53 as MAX_SAFE_INTEGER but keeps their text canonical', () => {
    const d = def('long');
    assert.equal(parseConfigValue(d, '9223372036854775807'), Number.MAX_SAFE_INTEGER);
    assert.equal(canonicalConfigString(d, ' +9223372036854775807 '), '9223372036854775807');
  });

  it('rejects values of the wrong type with the key, the value and what is expected', () => {
    const cases: [ConfigDefinition['type'], string, RegExp][] = [
      ['boolean', 'yes', /Expected value to be either true or false/],
      ['int', 'abc', /Not a number of type INT/],
      ['int', '2147483648', /Not a number of type INT/],
      ['short', '40000', /Not a number of type SHORT/],
      ['long', '9223372036854775808', /Not a number of type LONG/],
      ['long', '1.5', /Not a number of type LONG/],
      ['double', 'NaN', /Not a number of type DOUBLE/],
      ['class', 'not a class', /class name/],
    ];
    for (const [type, value, reason] of cases) {
      assert.throws(
        () => parseConfigValue(def(type), value),
        (err: unknown) =>
          err instanceof ConfigError && err.key === 'some.key' && err.message.includes(value) && reason.test(err.message),
        `${type} ${value}`,
      );
    }
  });

  it('runs the validator on the parsed value', () => {
    const d = def('int', { validator: atLeast(14) });
    assert.equal(parseConfigValue(d, '14'), 14);
    assert.throws(() => parseConfigValue(d, '10'), /Invalid value 10 for configuration some.key: Value must be at least 14/);
  });

  it('canonical text: lower-case booleans, plain integers, joined lists, Java-style doubles', () => {
    assert.equal(canonicalConfigString(def('boolean'), 'TRUE'), 'true');
    assert.equal(canonicalConfigString(def('int'), '007'), '7');
    assert.equal(canonicalConfigString(def('list'), 'a , b'), 'a,b');
    assert.equal(canonicalConfigString(def('double'), '1'), '1.0');
    assert.equal(canonicalConfigString(def('double'), '0.5'), '0.5');
  });
});

describe('definition tables', () => {
  for (const [table, defs] of [['broker', brokerConfigDefinitions], ['topic', topicConfigDefinitions]] as const) {
    it(`every ${table} default parses and passes its own validator`, () => {
      for (const d of defs.values()) {
        if (d.default === null) continue;
        assert.doesNotThrow(() => parseConfigValue(d, d.default!), d.name);
        assert.deepEqual(defaultConfigValue(d), parseConfigValue(d, d.default!), d.name);
      }
    });

    it(`every ${table} key has a doc line and a valid name`, () => {
      for (const d of defs.values()) {
        assert.match(d.name, /^[a-z0-9]+(\.[a-z0-9]+)*$/, d.name);
        assert.ok(d.doc.length > 10 && !d.doc.includes('\n'), d.name);
      }
    });
  }

  it('topic synonyms point at broker keys that point back', () => {
    for (const t of topicConfigDefinitions.values()) {
      for (const s of t.brokerSynonyms) {
        const b = brokerConfigDefinitions.get(s.name);
        assert.ok(b !== undefined, `${t.name} ← ${s.name} is not a broker key`);
        assert.equal(b.topicSynonym, t.name, s.name);
      }
    }
    for (const b of brokerConfigDefinitions.values()) {
      if (b.topicSynonym === undefined) continue;
      assert.ok(topicConfigDefinitions.get(b.topicSynonym)?.brokerSynonyms.some((s) => s.name === b.name), b.name);
    }
  });

  it('every log.* key that shapes a topic has its topic-level synonym', () => {
    const expected: Record<string, string> = {
      'log.segment.bytes': 'segment.bytes',
      'log.roll.ms': 'segment.ms',
      'log.roll.hours': 'segment.ms',
      'log.roll.jitter.ms': 'segment.jitter.ms',
      'log.roll.jitter.hours': 'segment.jitter.ms',
      'log.retention.ms': 'retention.ms',
      'log.retention.minutes': 'retention.ms',
      'log.retention.hours': 'retention.ms',
      'log.retention.bytes': 'retention.bytes',
      'log.index.size.max.bytes': 'segment.index.bytes',
      'log.index.interval.bytes': 'index.interval.bytes',
      'log.flush.interval.messages': 'flush.messages',
      'log.flush.interval.ms': 'flush.ms',
      'log.cleanup.policy': 'cleanup.policy',
      'log.segment.delete.delay.ms': 'file.delete.delay.ms',
      'log.message.timestamp.type': 'message.timestamp.type',
      'log.preallocate': 'preallocate',
      'message.max.bytes': 'max.message.bytes',
      'compression.type': 'compression.type',
      'min.insync.replicas': 'min.insync.replicas',
      'unclean.leader.election.enable': 'unclean.leader.election.enable',
    };
    for (const [broker, topic] of Object.entries(expected)) {
      assert.equal(brokerConfigDefinitions.get(broker)?.topicSynonym, topic, broker);
    }
  });
});
