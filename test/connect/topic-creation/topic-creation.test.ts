/**
 * KIP-158 topic creation for source connectors against a real broker that does not create topics
 * by itself (auto.create.topics.enable=false, num.partitions=3): groups matched by include and
 * exclude, their partition counts and topic configs checked with metadata and DescribeConfigs,
 * the default group and the broker's defaults, existing topics left alone, one creation for
 * concurrent calls, failures not remembered, and the settings' validation messages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../../../src/client/admin/admin.js';
import { Kafka } from '../../../src/client/kafka.js';
import { ConfigException, ConnectException } from '../../../src/connect/api/errors.js';
import { TopicCreation, topicCreationConfigDef, validateTopicCreationConfig } from '../../../src/connect/runtime/topic-creation.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

const TOPIC_RESOURCE = 2;

describe('topic.creation.* (KIP-158)', () => {
  let broker: TestBroker;
  let admin: Admin;
  before(async () => {
    broker = await startTestBroker({ properties: { 'auto.create.topics.enable': 'false', 'num.partitions': '3' } });
    admin = new Kafka({ clientId: 'topic-creation-test', brokers: [broker.bootstrap] }).admin();
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
    await broker.close();
  });

  const partitionsOf = async (topic: string): Promise<number> => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
  const configOf = async (topic: string, name: string): Promise<{ value: string | null; isDefault: boolean }> => {
    const r = await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: [name] }] });
    const e = r.resources[0]!.configEntries.find((c) => c.configName === name)!;
    return { value: e.configValue, isDefault: e.isDefault };
  };

  const connector = {
    'topic.creation.groups': 'compacted,wide',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '-1',
    'topic.creation.default.retention.ms': '3600000',
    'topic.creation.compacted.include': 'compacted-.*, state\\..*',
    'topic.creation.compacted.exclude': 'compacted-skip-.*',
    'topic.creation.compacted.partitions': '2',
    'topic.creation.compacted.cleanup.policy': 'compact',
    'topic.creation.compacted.compression.type': 'gzip',
    'topic.creation.wide.include': '.*-wide',
    'topic.creation.wide.partitions': '5',
  };

  it('a topic matching a group gets its partitions and configs; others the default group; exclusion wins', async () => {
    const tc = TopicCreation.fromConfigs({}, connector, admin)!;
    assert.ok(tc !== null);
    await tc.ensure('compacted-orders');
    assert.equal(await partitionsOf('compacted-orders'), 2);
    assert.deepEqual(await configOf('compacted-orders', 'cleanup.policy'), { value: 'compact', isDefault: false });
    assert.deepEqual(await configOf('compacted-orders', 'compression.type'), { value: 'gzip', isDefault: false });
    // The default group's topic configs belong to the default group only.
    assert.equal((await configOf('compacted-orders', 'retention.ms')).isDefault, true);

    await tc.ensure('state.users');
    assert.equal(await partitionsOf('state.users'), 2);

    // Excluded from "compacted" and matched by no other group: the default group, -1 = the broker's num.partitions.
    await tc.ensure('compacted-skip-me');
    assert.equal(await partitionsOf('compacted-skip-me'), 3);
    assert.deepEqual(await configOf('compacted-skip-me', 'retention.ms'), { value: '3600000', isDefault: false });
    assert.equal((await configOf('compacted-skip-me', 'cleanup.policy')).value, 'delete');

    // The first matching group in topic.creation.groups order wins.
    await tc.ensure('compacted-x-wide');
    assert.equal(await partitionsOf('compacted-x-wide'), 2);
    await tc.ensure('orders-wide');
    assert.equal(await partitionsOf('orders-wide'), 5);
    // Include patterns match the whole name (Java's Matcher.matches()).
    assert.equal(tc.findFirstGroup('orders-wide-not').name, 'default');
    assert.equal(tc.findFirstGroup('xcompacted-a').name, 'default');

    for (const t of ['compacted-orders', 'state.users', 'compacted-skip-me', 'compacted-x-wide', 'orders-wide']) assert.ok(tc.isKnown(t));
  });

  it('an existing topic is left as it is and remembered; concurrent calls make one attempt', async () => {
    await admin.createTopics({ topics: [{ topic: 'compacted-existing', numPartitions: 1 }] });
    let creates = 0;
    let lists = 0;
    const counting = new Proxy(admin, {
      get(target, prop, receiver) {
        if (prop === 'createTopics') creates++;
        if (prop === 'listTopics') lists++;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const tc = TopicCreation.fromConfigs({ 'topic.creation.enable': 'true' }, connector, counting)!;
    await tc.ensure('compacted-existing');
    assert.equal(creates, 0);
    assert.equal(await partitionsOf('compacted-existing'), 1);
    assert.equal((await configOf('compacted-existing', 'cleanup.policy')).value, 'delete');
    await tc.ensure('compacted-existing');
    assert.equal(lists, 1, 'a known topic is not looked up again');

    lists = 0;
    await Promise.all(Array.from({ length: 8 }, () => tc.ensure('compacted-concurrent')));
    assert.equal(lists, 1);
    assert.equal(creates, 1);
    assert.equal(await partitionsOf('compacted-concurrent'), 2);

    // Two connectors racing for one topic: one creates it, the other finds it (TOPIC_ALREADY_EXISTS is fine).
    const a = TopicCreation.fromConfigs({}, connector, admin)!;
    const b = TopicCreation.fromConfigs({}, connector, admin)!;
    await Promise.all([a.ensure('compacted-race'), b.ensure('compacted-race')]);
    assert.ok(a.isKnown('compacted-race') && b.isKnown('compacted-race'));
    assert.equal(await partitionsOf('compacted-race'), 2);
  });

  it('a failed creation is reported as a ConnectException and not remembered', async () => {
    const tc = TopicCreation.fromConfigs({}, { 'topic.creation.default.replication.factor': '3', 'topic.creation.default.partitions': '1' }, admin)!;
    await assert.rejects(tc.ensure('needs-three-brokers'), (e: unknown) => e instanceof ConnectException && /Task failed to create new topic 'needs-three-brokers' using creation group default/.test(e.message));
    assert.equal(tc.isKnown('needs-three-brokers'), false);
    assert.ok(!(await admin.listTopics()).includes('needs-three-brokers'));
  });

  it('disabled by topic.creation.enable=false or without topic.creation.* keys', () => {
    assert.equal(TopicCreation.fromConfigs({ 'topic.creation.enable': 'false' }, connector, admin), null);
    assert.equal(TopicCreation.fromConfigs({ 'topic.creation.enable': ' FALSE ' }, connector, admin), null);
    assert.equal(TopicCreation.fromConfigs({}, { topic: 'x', 'connector.class': 'FileStreamSource' }, admin), null);
    assert.throws(() => TopicCreation.fromConfigs({ 'topic.creation.enable': 'maybe' }, connector, admin), (e: unknown) => e instanceof ConfigException && e.message === 'Invalid value maybe for configuration topic.creation.enable: Expected value to be either true or false');
  });

  it('bad settings are ConfigExceptions naming the key', () => {
    const base = { 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '1' };
    const fails = (props: Record<string, string>, message: string | RegExp): void => {
      assert.throws(() => TopicCreation.fromConfigs({}, props, admin), (e: unknown) => e instanceof ConfigException && (typeof message === 'string' ? e.message === message : message.test(e.message)), JSON.stringify(props));
    };
    fails({ 'topic.creation.groups': 'g' }, 'Missing required configuration "topic.creation.default.replication.factor" which has no default value.');
    fails({ 'topic.creation.default.replication.factor': '1' }, 'Missing required configuration "topic.creation.default.partitions" which has no default value.');
    fails({ ...base, 'topic.creation.default.partitions': '0' }, "Invalid value 0 for configuration topic.creation.default.partitions: Number of partitions must be positive, or -1 to use the broker's default");
    fails({ ...base, 'topic.creation.default.replication.factor': '-2' }, "Invalid value -2 for configuration topic.creation.default.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default");
    fails({ ...base, 'topic.creation.default.partitions': 'many' }, 'Invalid value many for configuration topic.creation.default.partitions: Not a number of type INT');
    fails({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.partitions': '-5' }, "Invalid value -5 for configuration topic.creation.g.partitions: Number of partitions must be positive, or -1 to use the broker's default");
    fails({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.replication.factor': '0' }, /^Invalid value 0 for configuration topic\.creation\.g\.replication\.factor: Replication factor must be positive/);
    fails({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.include': 'ok.*, bad[' }, /^Invalid value ok\.\*,bad\[ for configuration topic\.creation\.g\.include: Syntax error in regular expression: /);
    fails({ ...base, 'topic.creation.groups': 'g', 'topic.creation.g.exclude': '(' }, /^Invalid value \( for configuration topic\.creation\.g\.exclude: Syntax error in regular expression: /);
    fails({ ...base, 'topic.creation.groups': 'a, b, a' }, 'Invalid value a,b,a for configuration topic.creation.groups: Duplicate alias provided.');
  });

  it('groups inherit the default replication factor and partitions; "default" need not be listed', () => {
    const s = validateTopicCreationConfig({
      'topic.creation.groups': 'default, logs',
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '6',
      'topic.creation.default.include': 'ignored-for-default',
      'topic.creation.logs.include': 'logs-.*',
      'topic.creation.logs.max.message.bytes': '2000000',
    });
    assert.deepEqual(s.groups.map((g) => [g.name, g.partitions, g.replicationFactor, g.otherConfigs]), [['logs', 6, -1, { 'max.message.bytes': '2000000' }]]);
    assert.deepEqual([s.defaultGroup.partitions, s.defaultGroup.replicationFactor, s.defaultGroup.otherConfigs], [6, -1, {}]);
    // The default group matches every topic, whatever include says.
    assert.ok(s.defaultGroup.matches('anything'));
    const keys = topicCreationConfigDef({ 'topic.creation.groups': 'logs' }).names();
    assert.deepEqual(keys, [
      'topic.creation.groups',
      'topic.creation.default.replication.factor',
      'topic.creation.default.partitions',
      'topic.creation.logs.include',
      'topic.creation.logs.exclude',
      'topic.creation.logs.replication.factor',
      'topic.creation.logs.partitions',
    ]);
  });
});
