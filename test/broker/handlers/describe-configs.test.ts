import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigSource } from '../../../src/broker/config/config-definition.js';
import { ConfigResourceType } from '../../../src/broker/handlers/config-resource.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import type { DescribeConfigsRequestDescribeConfigsResource } from '../../../src/protocol/generated/describe-configs.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { createTopic, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

describe('DescribeConfigs', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker({ 'log.retention.hours': '24', 'num.partitions': '1' });
    await createTopic(t.client, 'described', 1, { 'retention.bytes': '1000000', 'cleanup.policy': 'compact,delete' });
  });

  after(async () => {
    await t?.close();
  });

  const describeConfigs = (resources: DescribeConfigsRequestDescribeConfigsResource[], version = 4, includeSynonyms = false, includeDocumentation = false) =>
    t.client.send(ApiKey.DescribeConfigs, version, { resources, includeSynonyms, includeDocumentation });

  it('describes a topic: overrides as DYNAMIC_TOPIC_CONFIG, broker settings as STATIC_BROKER_CONFIG, the rest as DEFAULT_CONFIG', async () => {
    const res = await describeConfigs([{ resourceType: ConfigResourceType.TOPIC, resourceName: 'described', configurationKeys: null }]);
    const r = res.results[0]!;
    assert.deepStrictEqual([r.errorCode, r.errorMessage, r.resourceType, r.resourceName], [ErrorCode.NONE, null, ConfigResourceType.TOPIC, 'described']);
    const byName = new Map(r.configs.map((c) => [c.name, c]));
    assert.deepStrictEqual([byName.get('retention.bytes')!.value, byName.get('retention.bytes')!.configSource], ['1000000', ConfigSource.DYNAMIC_TOPIC_CONFIG]);
    assert.equal(byName.get('cleanup.policy')!.value, 'compact,delete');
    assert.deepStrictEqual([byName.get('retention.ms')!.value, byName.get('retention.ms')!.configSource], ['86400000', ConfigSource.STATIC_BROKER_CONFIG]);
    assert.deepStrictEqual([byName.get('segment.bytes')!.value, byName.get('segment.bytes')!.configSource], ['1073741824', ConfigSource.DEFAULT_CONFIG]);
    assert.equal(byName.get('segment.bytes')!.readOnly, false);
    assert.deepStrictEqual(byName.get('segment.bytes')!.synonyms, []);
    assert.equal(byName.get('segment.bytes')!.documentation, null);
    assert.ok(r.configs.length > 20);
  });

  it('includes synonyms and documentation on request, and only the named keys', async () => {
    const res = await describeConfigs([{ resourceType: ConfigResourceType.TOPIC, resourceName: 'described', configurationKeys: ['retention.ms', 'retention.bytes', 'no.such.key'] }], 4, true, true);
    const configs = res.results[0]!.configs;
    assert.deepStrictEqual(configs.map((c) => c.name), ['retention.bytes', 'retention.ms']);
    const retentionBytes = configs[0]!;
    assert.deepStrictEqual(retentionBytes.synonyms!.map((s) => [s.name, s.source]), [
      ['retention.bytes', ConfigSource.DYNAMIC_TOPIC_CONFIG],
      ['log.retention.bytes', ConfigSource.DEFAULT_CONFIG],
    ]);
    const retentionMs = configs[1]!;
    assert.deepStrictEqual(retentionMs.synonyms!.map((s) => [s.name, s.value, s.source]).slice(0, 1), [['log.retention.hours', '24', ConfigSource.STATIC_BROKER_CONFIG]]);
    assert.ok(retentionMs.documentation !== null && retentionMs.documentation!.length > 0);
    assert.ok(retentionMs.configType! > 0);
  });

  it('describes this broker by id (per-broker values) and the cluster default (dynamic defaults only)', async () => {
    const res = await describeConfigs([
      { resourceType: ConfigResourceType.BROKER, resourceName: String(t.broker.nodeId), configurationKeys: ['log.retention.hours', 'num.partitions', 'broker.id'] },
      { resourceType: ConfigResourceType.BROKER, resourceName: '', configurationKeys: null },
    ]);
    const [own, clusterDefault] = res.results;
    assert.equal(own!.errorCode, ErrorCode.NONE);
    const byName = new Map(own!.configs.map((c) => [c.name, c]));
    assert.deepStrictEqual([byName.get('log.retention.hours')!.value, byName.get('log.retention.hours')!.configSource], ['24', ConfigSource.STATIC_BROKER_CONFIG]);
    assert.equal(byName.get('num.partitions')!.value, '1');
    assert.equal(byName.get('broker.id')!.readOnly, true);
    assert.equal(clusterDefault!.errorCode, ErrorCode.NONE);
    assert.deepStrictEqual(clusterDefault!.configs, []);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION and INVALID_REQUEST per resource', async () => {
    const res = await describeConfigs([
      { resourceType: ConfigResourceType.TOPIC, resourceName: 'missing', configurationKeys: null },
      { resourceType: ConfigResourceType.TOPIC, resourceName: 'bad/name', configurationKeys: null },
      { resourceType: ConfigResourceType.BROKER, resourceName: String(t.broker.nodeId + 1), configurationKeys: null },
      { resourceType: ConfigResourceType.BROKER, resourceName: 'one', configurationKeys: null },
      { resourceType: ConfigResourceType.GROUP, resourceName: 'g', configurationKeys: null },
      { resourceType: ConfigResourceType.TOPIC, resourceName: 'described', configurationKeys: ['segment.ms'] },
    ]);
    assert.deepStrictEqual(res.results.map((r) => [r.resourceName, r.errorCode, r.configs.length]), [
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      [String(t.broker.nodeId + 1), ErrorCode.INVALID_REQUEST, 0],
      ['one', ErrorCode.INVALID_REQUEST, 0],
      ['g', ErrorCode.INVALID_REQUEST, 0],
      ['described', ErrorCode.NONE, 1],
    ]);
    assert.match(res.results[2]!.errorMessage!, /Unexpected broker id, expected \d+ or empty string/);
  });

  it('serves v1 (sources, no config types) as well as v4', async () => {
    const res = await describeConfigs([{ resourceType: ConfigResourceType.TOPIC, resourceName: 'described', configurationKeys: ['retention.bytes'] }], 1, true);
    const c = res.results[0]!.configs[0]!;
    assert.deepStrictEqual([c.name, c.value, c.configSource], ['retention.bytes', '1000000', ConfigSource.DYNAMIC_TOPIC_CONFIG]);
    assert.equal(c.synonyms!.length, 2);
  });
});
