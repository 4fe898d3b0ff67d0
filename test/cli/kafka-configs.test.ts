import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../src/client/kafka.js';
import { configLine, parseAddConfig } from '../../src/cli/kafka-configs.js';
import { startTestBroker } from '../client/client-test-support.js';
import type { TestBroker } from '../client/client-test-support.js';
import { runBin, tempFile } from './cli-test-support.js';

it('--add-config splits on commas outside square brackets; list values lose their brackets', () => {
  assert.deepEqual(parseAddConfig('retention.ms=1000,cleanup.policy=[compact,delete], segment.ms=5'), [['retention.ms', '1000'], ['cleanup.policy', 'compact,delete'], ['segment.ms', '5']]);
  assert.throws(() => parseAddConfig('retention.ms'), /key=val/);
  assert.equal(
    configLine({ configName: 'a', configValue: 'x', isDefault: false, configSource: 1, isSensitive: false, readOnly: false, configSynonyms: [{ configName: 'a', configValue: 'x', configSource: 1 }, { configName: 'log.a', configValue: 'y', configSource: 5 }] }),
    '  a=x sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:a=x, DEFAULT_CONFIG:log.a=y}',
  );
});

describe('kafka-configs (the installed bin) against a broker', () => {
  let tb: TestBroker;
  let bootstrap: string[];
  const configs = (...args: string[]) => runBin('kafka-configs', [...bootstrap, ...args]);

  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '1' } });
    bootstrap = ['--bootstrap-server', tb.bootstrap];
    const admin = new Kafka({ clientId: 'configs-test', brokers: [tb.bootstrap] }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cfg', numPartitions: 1 }, { topic: 'other', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '777' }] }] });
    await admin.disconnect();
  });
  after(async () => {
    await tb?.close();
  });

  it('alter --add-config, describe, alter --delete-config: the broker really changes', async () => {
    assert.deepEqual(await configs('--describe', '--entity-type', 'topics', '--entity-name', 'cfg'), { code: 0, stdout: 'Dynamic configs for topic cfg are:\n', stderr: '' });
    const added = await configs('--alter', '--entity-type', 'topics', '--entity-name', 'cfg', '--add-config', 'retention.ms=1000,cleanup.policy=[compact,delete]');
    assert.deepEqual(added, { code: 0, stdout: 'Completed updating config for topic cfg.\n', stderr: '' });
    const described = await configs('--describe', '--topic', 'cfg');
    assert.equal(described.code, 0, described.stderr);
    const lines = described.stdout.split('\n');
    assert.equal(lines[0], 'Dynamic configs for topic cfg are:');
    assert.equal(lines[1], '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}');
    assert.match(lines[2]!, /^ {2}retention\.ms=1000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=1000(, [A-Z_]+:log\.retention\.[a-z]+=\d+)*\}$/);
    assert.deepEqual(lines.slice(3), ['']);
    // Incremental: adding one config keeps the others.
    assert.equal((await configs('--alter', '--topic', 'cfg', '--add-config', 'segment.ms=600000')).code, 0);
    assert.deepEqual(configNames((await configs('--describe', '--topic', 'cfg')).stdout), ['cleanup.policy', 'retention.ms', 'segment.ms']);
    const deleted = await configs('--alter', '--entity-type', 'topics', '--entity-name', 'cfg', '--delete-config', 'retention.ms,cleanup.policy');
    assert.deepEqual(deleted, { code: 0, stdout: 'Completed updating config for topic cfg.\n', stderr: '' });
    assert.deepEqual(configNames((await configs('--describe', '--topic', 'cfg')).stdout), ['segment.ms']);
    const notSet = await configs('--alter', '--topic', 'cfg', '--delete-config', 'retention.ms');
    assert.equal(notSet.code, 1);
    assert.equal(notSet.stderr, 'Error while executing config command: Invalid config(s): retention.ms\n');
  });

  it('--all lists every config with its source; describing all topics lists each', async () => {
    const all = await configs('--describe', '--topic', 'other', '--all');
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'All configs for topic other are:');
    assert.ok(lines.length > 10, all.stdout);
    assert.ok(lines.includes('  retention.ms=777 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=777, DEFAULT_CONFIG:log.retention.ms=604800000}') || lines.some((l) => /^ {2}retention\.ms=777 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=777, /.test(l)), all.stdout);
    assert.ok(lines.some((l) => /^ {2}cleanup\.policy=delete sensitive=false synonyms=\{DEFAULT_CONFIG:log\.cleanup\.policy=delete\}$/.test(l)), all.stdout);
    const names = configNames(all.stdout);
    assert.deepEqual(names, [...names].sort());
    const every = await configs('--describe', '--entity-type', 'topics');
    assert.equal(every.code, 0, every.stderr);
    assert.ok(every.stdout.includes('Dynamic configs for topic other are:\n  retention.ms=777 sensitive=false'), every.stdout);
    assert.ok(every.stdout.includes('Dynamic configs for topic cfg are:\n'), every.stdout);
  });

  it('brokers: a broker id and the cluster default', async () => {
    const id = String(tb.broker.nodeId);
    const set = await configs('--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=3600000');
    assert.deepEqual(set, { code: 0, stdout: 'Completed updating default config for brokers in the cluster.\n', stderr: '' });
    const dflt = await configs('--describe', '--entity-type', 'brokers', '--entity-default');
    assert.equal(dflt.stdout, 'Default configs for brokers in the cluster are:\n  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n');
    const one = await configs('--alter', '--broker', id, '--add-config', 'log.retention.ms=7200000');
    assert.deepEqual(one, { code: 0, stdout: `Completed updating config for broker ${id}.\n`, stderr: '' });
    const described = await configs('--describe', '--entity-type', 'brokers', '--entity-name', id);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, new RegExp(`^Dynamic configs for broker ${id} are:\n {2}log\\.retention\\.ms=7200000 sensitive=false synonyms=\\{DYNAMIC_BROKER_CONFIG:log\\.retention\\.ms=7200000, DYNAMIC_DEFAULT_BROKER_CONFIG:log\\.retention\\.ms=3600000`));
    assert.equal((await configs('--alter', '--broker', id, '--delete-config', 'log.retention.ms')).code, 0);
    assert.equal((await configs('--alter', '--broker-defaults', '--delete-config', 'log.retention.ms')).code, 0);
    assert.equal((await configs('--describe', '--broker', id)).stdout, `Dynamic configs for broker ${id} are:\n`);
  });

  it('errors exit 1 with one line on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--describe'], /^kafka-configs: Missing required argument "\[entity-type\]"/],
      [['--entity-type', 'topics'], /exactly one action/],
      [['--alter', '--entity-type', 'topics'], /entity name must be specified/],
      [['--alter', '--topic', 'cfg'], /At least one of --add-config/],
      [['--describe', '--entity-type', 'users'], /topics or brokers/],
      [['--alter', '--topic', 'cfg', '--add-config', 'oops'], /key=val/],
      [['--describe', '--topic', 'nope'], /^Error while executing config command: The topic 'nope' does not exist\.$/],
      [['--alter', '--topic', 'cfg', '--add-config', 'cleanup.policy=sometimes'], /^Error while executing config command: INVALID_CONFIG/],
    ];
    for (const [args, expected] of cases) {
      const r = await configs(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), expected);
    }
    const missingBootstrap = await runBin('kafka-configs', ['--describe', '--topic', 'cfg']);
    assert.equal(missingBootstrap.code, 1);
    assert.match(missingBootstrap.stderr, /bootstrap-server/);
    const props = tempFile('client.properties', 'client.id=configs-tool\n');
    assert.equal((await configs('--command-config', props, '--describe', '--topic', 'cfg')).code, 0);
  });
});

function configNames(stdout: string): string[] {
  return stdout.split('\n').slice(1).filter((l) => l !== '').map((l) => l.trim().split('=')[0]!);
}
