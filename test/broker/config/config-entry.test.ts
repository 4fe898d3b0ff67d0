import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.js';
import { brokerConfigDefinitions } from '../../../src/broker/config/broker-config-definitions.js';
import { CONFIG_TYPE_IDS, ConfigSource } from '../../../src/broker/config/config-definition.js';
import { describeBrokerConfigs, describeTopicConfigs } from '../../../src/broker/config/config-entry.js';
import type { ConfigEntry } from '../../../src/broker/config/config-entry.js';
import { topicConfigDefinitions } from '../../../src/broker/config/topic-config-definitions.js';
import type { DescribeConfigsResponseDescribeConfigsResourceResult } from '../../../src/protocol/generated/describe-configs.js';

const all = { includeSynonyms: true, includeDocumentation: false };
const one = (entries: ConfigEntry[], name: string): ConfigEntry => {
  const e = entries.find((x) => x.name === name);
  assert.ok(e !== undefined, `no entry for ${name}`);
  return e;
};

describe('describeTopicConfigs', () => {
  const broker = parseBrokerConfig({ 'log.retention.hours': '24' }).config;

  it('a topic override: source DYNAMIC_TOPIC_CONFIG, then the broker synonyms', () => {
    const e = one(describeTopicConfigs(broker, { 'retention.ms': '1000' }, all), 'retention.ms');
    assert.deepEqual(e, {
      name: 'retention.ms',
      value: '1000',
      readOnly: false,
      isDefault: false,
      configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      isSensitive: false,
      synonyms: [
        { name: 'retention.ms', value: '1000', source: 1 },
        { name: 'log.retention.hours', value: '24', source: 4 },
        { name: 'log.retention.hours', value: '168', source: 5 },
      ],
      configType: CONFIG_TYPE_IDS.long,
      documentation: null,
    });
  });

  it('no override, a static broker key: STATIC_BROKER_CONFIG, value converted to the topic\'s unit', () => {
    const e = one(describeTopicConfigs(broker, {}, all), 'retention.ms');
    assert.equal(e.value, String(24 * 3_600_000));
    assert.equal(e.configSource, ConfigSource.STATIC_BROKER_CONFIG);
    assert.deepEqual(e.synonyms, [
      { name: 'log.retention.hours', value: '24', source: 4 },
      { name: 'log.retention.hours', value: '168', source: 5 },
    ]);
  });

  it('nothing set: DEFAULT_CONFIG from the broker key\'s default', () => {
    const entries = describeTopicConfigs(parseBrokerConfig({}).config, {}, all);
    const retention = one(entries, 'retention.ms');
    assert.equal(retention.value, '604800000');
    assert.equal(retention.configSource, ConfigSource.DEFAULT_CONFIG);
    assert.equal(retention.isDefault, true);
    assert.deepEqual(retention.synonyms, [{ name: 'log.retention.hours', value: '168', source: 5 }]);
    const flush = one(entries, 'flush.messages');
    assert.equal(flush.value, '9223372036854775807');
    const remote = one(entries, 'remote.storage.enable');
    assert.deepEqual([remote.value, remote.configSource, remote.synonyms], ['false', 5, []]);
    const policy = one(entries, 'cleanup.policy');
    assert.deepEqual([policy.value, policy.configType], ['delete', CONFIG_TYPE_IDS.list]);
  });

  it('the synonyms follow precedence: ms before minutes before hours within each source', () => {
    const b = parseBrokerConfig({ 'log.retention.minutes': '30', 'log.retention.hours': '2' }).config;
    const e = one(describeTopicConfigs(b, {}, all), 'retention.ms');
    assert.equal(e.value, String(30 * 60_000));
    assert.deepEqual(e.synonyms.map((s) => [s.name, s.source]), [
      ['log.retention.minutes', 4],
      ['log.retention.hours', 4],
      ['log.retention.hours', 5],
    ]);
  });

  it('dynamic broker configs come first among the broker synonyms', () => {
    const e = one(
      describeTopicConfigs(broker, {}, { ...all, dynamic: { broker: { 'log.retention.ms': '5000' }, clusterDefault: { 'log.retention.ms': '6000' } } }),
      'retention.ms',
    );
    assert.equal(e.value, '5000');
    assert.equal(e.configSource, ConfigSource.DYNAMIC_BROKER_CONFIG);
    assert.deepEqual(e.synonyms.map((s) => [s.name, s.value, s.source]), [
      ['log.retention.ms', '5000', 2],
      ['log.retention.ms', '6000', 3],
      ['log.retention.hours', '24', 4],
      ['log.retention.hours', '168', 5],
    ]);
  });

  it('keys, includeSynonyms and includeDocumentation', () => {
    const entries = describeTopicConfigs(broker, {}, { includeSynonyms: false, includeDocumentation: true, keys: ['segment.bytes', 'no.such.key'] });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.name, 'segment.bytes');
    assert.deepEqual(entries[0]!.synonyms, []);
    assert.equal(entries[0]!.documentation, topicConfigDefinitions.get('segment.bytes')!.doc);
    assert.equal(describeTopicConfigs(broker, {}, { ...all, keys: [] }).length, topicConfigDefinitions.size);
    assert.equal(describeTopicConfigs(broker, {}, { ...all, keys: null }).length, topicConfigDefinitions.size);
  });

  it('entries fit the generated DescribeConfigs response type', () => {
    const entries: DescribeConfigsResponseDescribeConfigsResourceResult[] = describeTopicConfigs(broker, {}, all);
    assert.ok(entries.length > 0);
  });
});

describe('describeBrokerConfigs', () => {
  it('a static key: its own value, STATIC_BROKER_CONFIG then DEFAULT_CONFIG synonyms, read-only as in Kafka', () => {
    const broker = parseBrokerConfig({ 'log.retention.hours': '24', 'num.partitions': '3' }).config;
    const entries = describeBrokerConfigs(broker, undefined, all);
    assert.equal(entries.length, brokerConfigDefinitions.size);
    const hours = one(entries, 'log.retention.hours');
    assert.deepEqual(
      [hours.value, hours.configSource, hours.readOnly, hours.configType, hours.synonyms],
      ['24', 4, true, CONFIG_TYPE_IDS.int, [{ name: 'log.retention.hours', value: '24', source: 4 }, { name: 'log.retention.hours', value: '168', source: 5 }]],
    );
    const partitions = one(entries, 'num.partitions');
    assert.deepEqual([partitions.value, partitions.configSource], ['3', 4]);
  });

  it('an unset key without default shows null; a higher-precedence synonym hides the lower one\'s entry', () => {
    const broker = parseBrokerConfig({ 'log.retention.ms': '1000' }).config;
    const entries = describeBrokerConfigs(broker, undefined, all);
    const ms = one(entries, 'log.retention.ms');
    assert.deepEqual([ms.value, ms.configSource, ms.readOnly], ['1000', 4, false]);
    assert.deepEqual(ms.synonyms, [
      { name: 'log.retention.ms', value: '1000', source: 4 },
      { name: 'log.retention.hours', value: '168', source: 5 },
    ]);
    const minutes = one(entries, 'log.retention.minutes');
    assert.deepEqual([minutes.value, minutes.configSource, minutes.synonyms], [null, 5, []]);
    const hours = one(entries, 'log.retention.hours');
    assert.deepEqual([hours.value, hours.configSource], ['168', 5]);
  });

  it('defaults: DEFAULT_CONFIG with the default value', () => {
    const entries = describeBrokerConfigs(parseBrokerConfig({}).config, undefined, { ...all, keys: ['message.max.bytes', 'listeners', 'log.dir'] });
    assert.deepEqual(
      entries.map((e) => [e.name, e.value, e.configSource, e.isDefault]),
      [
        ['listeners', 'PLAINTEXT://:9092', 5, true],
        ['log.dir', './data', 5, true],
        ['message.max.bytes', '1048588', 5, true],
      ],
    );
  });

  it('passwords are sensitive: value null, synonym values null', () => {
    const broker = parseBrokerConfig({ 'ssl.keystore.password': 'hunter2' }).config;
    const e = one(describeBrokerConfigs(broker, { broker: { 'ssl.key.password': 'x' } }, all), 'ssl.keystore.password');
    assert.deepEqual(
      [e.value, e.isSensitive, e.configSource, e.configType, e.synonyms],
      [null, true, 4, CONFIG_TYPE_IDS.password, [{ name: 'ssl.keystore.password', value: null, source: 4 }]],
    );
    const key = one(describeBrokerConfigs(broker, { broker: { 'ssl.key.password': 'x' } }, all), 'ssl.key.password');
    assert.deepEqual([key.value, key.configSource, key.synonyms[0]!.value], [null, 2, null]);
    assert.ok(!JSON.stringify(describeBrokerConfigs(broker, undefined, all)).includes('hunter2'));
  });

  it('dynamic configs: per-broker over cluster default; the cluster-default resource lists only its own keys', () => {
    const broker = parseBrokerConfig({ 'message.max.bytes': '2000' }).config;
    const dynamic = { broker: { 'message.max.bytes': '4000' }, clusterDefault: { 'message.max.bytes': '3000', 'log.cleaner.threads': '2' } };
    const e = one(describeBrokerConfigs(broker, dynamic, all), 'message.max.bytes');
    assert.deepEqual([e.value, e.configSource], ['4000', 2]);
    assert.deepEqual(e.synonyms.map((s) => s.source), [2, 3, 4, 5]);
    const clusterDefault = describeBrokerConfigs(broker, dynamic, { ...all, perBroker: false });
    assert.deepEqual(clusterDefault.map((x) => [x.name, x.value, x.configSource]), [
      ['log.cleaner.threads', '2', 3],
      ['message.max.bytes', '3000', 3],
    ]);
    assert.deepEqual(clusterDefault[1]!.synonyms.map((s) => s.source), [3, 4, 5]);
  });
});
