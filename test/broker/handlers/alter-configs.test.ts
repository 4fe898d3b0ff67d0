import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AlterConfigOpType } from '../../../src/broker/config/apply-incremental-alter.js';
import { ConfigSource } from '../../../src/broker/config/config-definition.js';
import { ConfigResourceType } from '../../../src/broker/handlers/config-resource.js';
import { LOCAL_METADATA_FILE } from '../../../src/broker/metadata/local-metadata-store.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { IncrementalAlterConfigsRequestAlterableConfig } from '../../../src/protocol/generated/incremental-alter-configs.js';
import { batch, createTopic, produce, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

const { TOPIC, BROKER } = ConfigResourceType;

describe('AlterConfigs and IncrementalAlterConfigs', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker();
  });

  after(async () => {
    await t?.close();
  });

  async function describeOne(resourceType: number, resourceName: string, key: string) {
    const res = await t.client.send(ApiKey.DescribeConfigs, 4, {
      resources: [{ resourceType, resourceName, configurationKeys: [key] }], includeSynonyms: true, includeDocumentation: false,
    });
    assert.equal(res.results[0]!.errorCode, ErrorCode.NONE, res.results[0]!.errorMessage ?? '');
    return res.results[0]!.configs.find((c) => c.name === key);
  }

  const alter = (resourceType: number, resourceName: string, configs: Record<string, string | null>, validateOnly = false, version = 2) =>
    t.client.send(ApiKey.AlterConfigs, version, {
      resources: [{ resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
      validateOnly,
    }).then((r) => r.responses[0]!);

  const incremental = (resourceType: number, resourceName: string, configs: IncrementalAlterConfigsRequestAlterableConfig[], validateOnly = false, version = 1) =>
    t.client.send(ApiKey.IncrementalAlterConfigs, version, { resources: [{ resourceType, resourceName, configs }], validateOnly }).then((r) => r.responses[0]!);

  it('AlterConfigs on a topic: DescribeConfigs shows the new value and the log enforces it', async () => {
    await createTopic(t.client, 'alterable');
    assert.equal((await produce(t.client, 'alterable', 0, batch(['a'], 3000))).errorCode, ErrorCode.NONE);

    const r = await alter(TOPIC, 'alterable', { 'max.message.bytes': '1000' });
    assert.deepStrictEqual([r.errorCode, r.errorMessage, r.resourceType, r.resourceName], [ErrorCode.NONE, null, TOPIC, 'alterable']);
    const described = await describeOne(TOPIC, 'alterable', 'max.message.bytes');
    assert.deepStrictEqual([described!.value, described!.configSource], ['1000', ConfigSource.DYNAMIC_TOPIC_CONFIG]);

    assert.equal((await produce(t.client, 'alterable', 0, batch(['b'], 3000))).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal((await produce(t.client, 'alterable', 0, batch(['c'], 10))).errorCode, ErrorCode.NONE);
  });

  it('AlterConfigs replaces every override: keys left out return to their defaults', async () => {
    await createTopic(t.client, 'replaced', 1, { 'retention.ms': '1000', 'max.message.bytes': '500' });
    assert.equal((await alter(TOPIC, 'replaced', { 'segment.ms': '60000' })).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'replaced', 'retention.ms'))!.configSource, ConfigSource.DEFAULT_CONFIG);
    assert.equal((await describeOne(TOPIC, 'replaced', 'max.message.bytes'))!.value, '1048588');
    assert.equal((await describeOne(TOPIC, 'replaced', 'segment.ms'))!.value, '60000');
    // The restored default is in force on the log too.
    assert.equal((await produce(t.client, 'replaced', 0, batch(['x'], 3000))).errorCode, ErrorCode.NONE);
  });

  it('AlterConfigs error paths: unknown topic, bad values, nulls, empty topic name, unsupported type; validate_only changes nothing', async () => {
    await createTopic(t.client, 'guarded', 1, { 'retention.ms': '5000' });
    assert.equal((await alter(TOPIC, 'nowhere', { 'retention.ms': '1' })).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const bad = await alter(TOPIC, 'guarded', { 'retention.ms': 'forever' });
    assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(bad.errorMessage!, /retention\.ms/);
    assert.equal((await alter(TOPIC, 'guarded', { 'unknown.key': '1' })).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(TOPIC, 'guarded', { 'retention.ms': null })).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await alter(TOPIC, '', { 'retention.ms': '1' })).errorCode, ErrorCode.INVALID_REQUEST);
    const group = await alter(ConfigResourceType.GROUP, 'g', { a: '1' });
    assert.equal(group.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(group.errorMessage!, /only supported for topics and brokers, but resource type is GROUP/);

    assert.equal((await alter(TOPIC, 'guarded', { 'retention.ms': '7000' }, true)).errorCode, ErrorCode.NONE);
    assert.equal((await alter(TOPIC, 'guarded', { 'retention.ms': 'x' }, true)).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await describeOne(TOPIC, 'guarded', 'retention.ms'))!.value, '5000');
    // v0 is served too.
    assert.equal((await alter(TOPIC, 'guarded', { 'retention.ms': '6000' }, false, 0)).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'guarded', 'retention.ms'))!.value, '6000');
  });

  it('AlterConfigs on the broker: dynamic per-broker and cluster-default configs, persisted, with Kafka\'s checks', async () => {
    const id = String(t.broker.nodeId);
    assert.equal((await alter(BROKER, id, { 'log.retention.bytes': '123456' })).errorCode, ErrorCode.NONE);
    const own = await describeOne(BROKER, id, 'log.retention.bytes');
    assert.deepStrictEqual([own!.value, own!.configSource], ['123456', ConfigSource.DYNAMIC_BROKER_CONFIG]);
    // A topic without an override now shows the broker's dynamic value.
    await createTopic(t.client, 'inherits');
    const inherited = await describeOne(TOPIC, 'inherits', 'retention.bytes');
    assert.deepStrictEqual([inherited!.value, inherited!.configSource], ['123456', ConfigSource.DYNAMIC_BROKER_CONFIG]);

    assert.equal((await alter(BROKER, '', { 'log.retention.bytes': '999' })).errorCode, ErrorCode.NONE);
    const clusterDefault = await t.client.send(ApiKey.DescribeConfigs, 4, {
      resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false,
    });
    assert.deepStrictEqual(clusterDefault.results[0]!.configs.map((c) => [c.name, c.value, c.configSource]), [['log.retention.bytes', '999', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]]);
    const persisted = JSON.parse(readFileSync(join(t.dir, LOCAL_METADATA_FILE), 'utf8')) as { brokerConfigs: Record<string, Record<string, string>> };
    assert.deepStrictEqual(persisted.brokerConfigs, { [id]: { 'log.retention.bytes': '123456' }, '<default>': { 'log.retention.bytes': '999' } });

    const readOnly = await alter(BROKER, id, { 'log.dirs': '/elsewhere' });
    assert.equal(readOnly.errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(readOnly.errorMessage!, /Cannot update these configs dynamically: log\.dirs/);
    const perBrokerOnly = await alter(BROKER, '', { 'advertised.listeners': 'PLAINTEXT://h:1' });
    assert.equal(perBrokerOnly.errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(BROKER, id, { 'log.retention.bytes': 'lots' })).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(BROKER, id, { 'no.such.broker.key': '1' })).errorCode, ErrorCode.INVALID_CONFIG);
    const other = await alter(BROKER, String(t.broker.nodeId + 1), { 'log.retention.bytes': '1' });
    assert.equal(other.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(other.errorMessage!, /Unexpected broker id/);
    assert.equal((await alter(BROKER, 'abc', { 'log.retention.bytes': '1' })).errorCode, ErrorCode.INVALID_REQUEST);

    // Replacing with nothing removes the dynamic configs.
    assert.equal((await alter(BROKER, id, {})).errorCode, ErrorCode.NONE);
    assert.equal((await alter(BROKER, '', {})).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(BROKER, id, 'log.retention.bytes'))!.configSource, ConfigSource.DEFAULT_CONFIG);
  });

  it('IncrementalAlterConfigs SET and DELETE on a topic, applied to the log', async () => {
    await createTopic(t.client, 'incremental', 1, { 'retention.ms': '100000' });
    const set = await incremental(TOPIC, 'incremental', [{ name: 'max.message.bytes', configOperation: AlterConfigOpType.SET, value: '900' }]);
    assert.deepStrictEqual([set.errorCode, set.errorMessage], [ErrorCode.NONE, null]);
    assert.equal((await describeOne(TOPIC, 'incremental', 'max.message.bytes'))!.value, '900');
    assert.equal((await describeOne(TOPIC, 'incremental', 'retention.ms'))!.value, '100000', 'untouched overrides stay');
    assert.equal((await produce(t.client, 'incremental', 0, batch(['big'], 2000))).errorCode, ErrorCode.MESSAGE_TOO_LARGE);

    const del = await incremental(TOPIC, 'incremental', [{ name: 'max.message.bytes', configOperation: AlterConfigOpType.DELETE, value: null }], false, 0);
    assert.equal(del.errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'incremental', 'max.message.bytes'))!.configSource, ConfigSource.DEFAULT_CONFIG);
    assert.equal((await produce(t.client, 'incremental', 0, batch(['big'], 2000))).errorCode, ErrorCode.NONE);
  });

  it('IncrementalAlterConfigs APPEND and SUBTRACT on list configs', async () => {
    await createTopic(t.client, 'lists');
    assert.equal((await incremental(TOPIC, 'lists', [{ name: 'cleanup.policy', configOperation: AlterConfigOpType.APPEND, value: 'compact' }])).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'lists', 'cleanup.policy'))!.value, 'delete,compact');
    assert.equal((await incremental(TOPIC, 'lists', [{ name: 'cleanup.policy', configOperation: AlterConfigOpType.SUBTRACT, value: 'delete' }])).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'lists', 'cleanup.policy'))!.value, 'compact');
    const notList = await incremental(TOPIC, 'lists', [{ name: 'retention.ms', configOperation: AlterConfigOpType.APPEND, value: '1' }]);
    assert.equal(notList.errorCode, ErrorCode.INVALID_CONFIG);
  });

  it('IncrementalAlterConfigs error paths and validate_only', async () => {
    await createTopic(t.client, 'inc-guarded', 1, { 'retention.ms': '5000' });
    assert.equal((await incremental(TOPIC, 'missing', [{ name: 'retention.ms', configOperation: AlterConfigOpType.SET, value: '1' }])).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal((await incremental(TOPIC, 'inc-guarded', [{ name: 'retention.ms', configOperation: AlterConfigOpType.SET, value: 'x' }])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await incremental(TOPIC, 'inc-guarded', [{ name: 'bogus.key', configOperation: AlterConfigOpType.SET, value: '1' }])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await incremental(TOPIC, 'inc-guarded', [{ name: 'retention.ms', configOperation: 9, value: '1' }])).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await incremental(TOPIC, 'inc-guarded', [
      { name: 'retention.ms', configOperation: AlterConfigOpType.SET, value: '1' },
      { name: 'retention.ms', configOperation: AlterConfigOpType.DELETE, value: null },
    ])).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await incremental(TOPIC, 'inc-guarded', [{ name: 'retention.ms', configOperation: AlterConfigOpType.SET, value: '7000' }], true)).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(TOPIC, 'inc-guarded', 'retention.ms'))!.value, '5000');
    assert.equal((await incremental(ConfigResourceType.BROKER_LOGGER, '0', [{ name: 'kafka', configOperation: AlterConfigOpType.SET, value: 'DEBUG' }])).errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('IncrementalAlterConfigs on the broker: SET then DELETE of a dynamic config', async () => {
    const id = String(t.broker.nodeId);
    assert.equal((await incremental(BROKER, id, [{ name: 'log.cleaner.threads', configOperation: AlterConfigOpType.SET, value: '2' }])).errorCode, ErrorCode.NONE);
    assert.deepStrictEqual(
      [(await describeOne(BROKER, id, 'log.cleaner.threads'))!.value, (await describeOne(BROKER, id, 'log.cleaner.threads'))!.configSource],
      ['2', ConfigSource.DYNAMIC_BROKER_CONFIG],
    );
    assert.equal((await incremental(BROKER, id, [{ name: 'broker.id', configOperation: AlterConfigOpType.SET, value: '9' }])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await incremental(BROKER, id, [{ name: 'log.cleaner.threads', configOperation: AlterConfigOpType.DELETE, value: null }])).errorCode, ErrorCode.NONE);
    assert.equal((await describeOne(BROKER, id, 'log.cleaner.threads'))!.configSource, ConfigSource.DEFAULT_CONFIG);
  });
});
