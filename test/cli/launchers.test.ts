import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { batchLauncher, launcherTool, shellLauncher } from '../../src/bin/launchers.js';
import { TOOLS } from '../../src/bin/samsa-tools.js';
import { versionLine } from '../../src/common/samsa-version.js';
import { pollUntil } from '../../src/testkit/poll-until.js';
import { finished, PACKAGE_ROOT } from './cli-test-support.js';
import { spawn } from 'node:child_process';

const tools = Object.keys(TOOLS).sort();
const run = promisify(execFile);

describe('the tool set: bins, launchers, README', () => {
  it('every tool has bin/<tool>.sh and bin/windows/<tool>.bat as written by scripts/write-launchers.ts, and no launcher names a missing tool', () => {
    for (const tool of tools) {
      const sh = join(PACKAGE_ROOT, 'bin', `${tool}.sh`);
      const bat = join(PACKAGE_ROOT, 'bin', 'windows', `${tool}.bat`);
      assert.equal(readFileSync(sh, 'utf8'), shellLauncher(tool), `${sh} is current (node dist/scripts/write-launchers.js)`);
      assert.ok((statSync(sh).mode & 0o111) !== 0, `${sh} is executable`);
      assert.equal(readFileSync(bat, 'utf8').replace(/\r?\n/g, '\r\n'), batchLauncher(tool));
    }
    const launchers = [...readdirSync(join(PACKAGE_ROOT, 'bin')).filter((f) => f.endsWith('.sh')).map((f) => join('bin', f)), ...readdirSync(join(PACKAGE_ROOT, 'bin', 'windows')).map((f) => join('bin', 'windows', f))];
    assert.equal(launchers.length, tools.length * 2);
    for (const file of launchers) {
      const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
      const tool = launcherTool(text);
      assert.ok(tool !== null && tools.includes(tool), `${file} names an existing tool (${tool})`);
      assert.ok(file.endsWith(`${tool}.sh`) || file.endsWith(`${tool}.bat`), `${file} runs the tool it is named after`);
      if (file.endsWith('.bat')) assert.equal(text.trim().split('\n').length, 1, `${file} is one line`);
    }
  });

  it('every tool is an npm bin with and without .sh, and samsa --help lists it', async () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const tool of tools) {
      for (const name of [tool, `${tool}.sh`]) {
        assert.ok(pkg.bin[name] !== undefined, `package.json bin ${name}`);
        assert.ok(existsSync(join(PACKAGE_ROOT, pkg.bin[name]!)), `${pkg.bin[name]} exists`);
      }
    }
    const help = await run(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'bin', 'samsa.cjs'), '--help'], { encoding: 'utf8' });
    for (const tool of tools) assert.match(help.stdout, new RegExp(`^  ${tool} `, 'm'));
  });

  it('every tool answers --version and --help; each --help names the flags Kafka’s tool takes', async () => {
    const flags: Record<string, string[]> = {
      'kafka-topics': ['--bootstrap-server', '--command-config', '--list', '--describe', '--create', '--delete', '--alter', '--topic', '--partitions', '--replication-factor', '--replica-assignment', '--config', '--if-exists', '--if-not-exists', '--exclude-internal', '--under-replicated-partitions', '--unavailable-partitions', '--topics-with-overrides'],
      'kafka-console-producer': ['--bootstrap-server', '--broker-list', '--topic', '--producer-property', '--producer.config', '--property', 'parse.key', 'key.separator', 'parse.headers', '--compression-codec', '--request-required-acks', '--sync'],
      'kafka-console-consumer': ['--bootstrap-server', '--topic', '--include', '--partition', '--offset', '--from-beginning', '--group', '--max-messages', '--timeout-ms', '--skip-message-on-error', '--consumer-property', '--consumer.config', '--isolation-level', '--property', 'print.key', 'print.value', 'print.headers', 'print.timestamp', 'print.partition', 'print.offset', 'key.separator', 'line.separator'],
      'kafka-consumer-groups': ['--list', '--describe', '--members', '--offsets', '--state', '--delete', '--delete-offsets', '--reset-offsets', '--to-earliest', '--to-latest', '--to-offset', '--to-datetime', '--by-duration', '--shift-by', '--to-current', '--topic', '--all-topics', '--dry-run', '--execute'],
      'kafka-configs': ['--describe', '--alter', '--entity-type', '--entity-name', '--add-config', '--delete-config', '--all'],
      'kafka-get-offsets': ['--bootstrap-server', '--topic', '--partitions', '--time'],
      'kafka-delete-records': ['--bootstrap-server', '--offset-json-file'],
      'kafka-producer-perf-test': ['--topic', '--num-records', '--record-size', '--throughput', '--producer-props', '--print-metrics'],
      'kafka-consumer-perf-test': ['--topic', '--messages', '--bootstrap-server'],
      'kafka-reassign-partitions': ['--generate', '--execute', '--verify', '--cancel', '--list'],
      'kafka-server-start': ['--override'],
      'zookeeper-server-start': ['zookeeper.properties'],
      'connect-standalone': ['worker.properties', 'connector.properties', 'offset.storage.file.filename'],
      'connect-distributed': ['worker.properties', 'group.id', 'config.storage.topic', 'offset.storage.topic', 'status.storage.topic', 'listeners'],
    };
    const samsa = join(PACKAGE_ROOT, 'dist', 'src', 'bin', 'samsa.cjs');
    const expectedVersion = `${versionLine()}\n`;
    assert.equal((await run(process.execPath, [samsa, '--version'], { encoding: 'utf8' })).stdout, expectedVersion);
    await Promise.all(
      tools.map(async (tool) => {
        const version = await run(process.execPath, [samsa, tool, '--version'], { encoding: 'utf8' });
        assert.equal(version.stdout, expectedVersion, `${tool} --version`);
        const help = await run(process.execPath, [samsa, tool, '--help'], { encoding: 'utf8' });
        for (const flag of flags[tool] ?? assert.fail(`no flag list for ${tool}`)) assert.ok(help.stdout.includes(flag), `${tool} --help mentions ${flag}`);
      }),
    );
  });

  it('the README documents every tool in its tools table', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    for (const tool of tools) assert.ok(new RegExp(`^\\| \`${tool}\` \\|`, 'm').test(readme), `README.md has a row | \`${tool}\` | in its tools table`);
  });

  it('the config files of Kafka’s and Confluent’s guides are where they type them', () => {
    for (const file of ['config/server.properties', 'config/zookeeper.properties', 'etc/kafka/connect-distributed.properties']) {
      assert.ok(existsSync(join(PACKAGE_ROOT, file)), file);
    }
    assert.match(readFileSync(join(PACKAGE_ROOT, 'etc/kafka/connect-distributed.properties'), 'utf8'), /^bootstrap\.servers=localhost:9092$/m);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Kafka’s quickstart typed from the package root with bin/*.sh', { skip: process.platform === 'win32' ? 'the .sh launchers need a POSIX shell' : false }, () => {
  it('start a broker, create a topic, write events, read them back, describe the topic', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'samsa-quickstart-'));
    const broker = spawn(join('bin', 'kafka-server-start.sh'), ['config/server.properties', '--override', `listeners=PLAINTEXT://localhost:${port}`, '--override', `log.dirs=${dataDir}`], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const brokerDone = finished(broker, 120_000);
    const sh = async (tool: string, args: string[], input?: string) => {
      const child = spawn(join('bin', `${tool}.sh`), args, { cwd: PACKAGE_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      const done = finished(child);
      child.stdin!.end(input ?? '');
      return done;
    };
    try {
      const bootstrap = `localhost:${port}`;
      await pollUntil('the broker listening', () => sh('kafka-topics', ['--list', '--bootstrap-server', bootstrap]), (r) => r.code === 0);
      const created = await sh('kafka-topics', ['--create', '--topic', 'quickstart-events', '--bootstrap-server', bootstrap]);
      assert.equal(created.stdout, 'Created topic quickstart-events.\n', created.stderr);
      const described = await sh('kafka-topics', ['--describe', '--topic', 'quickstart-events', '--bootstrap-server', bootstrap]);
      assert.match(described.stdout, /^Topic: quickstart-events\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n\tTopic: quickstart-events\tPartition: 0\tLeader: \d+\tReplicas: \d+\tIsr: \d+\n$/);
      const produced = await sh('kafka-console-producer', ['--topic', 'quickstart-events', '--bootstrap-server', bootstrap], 'This is my first event\nThis is my second event\n');
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await sh('kafka-console-consumer', ['--topic', 'quickstart-events', '--from-beginning', '--bootstrap-server', bootstrap, '--max-messages', '2']);
      assert.equal(consumed.stdout, 'This is my first event\nThis is my second event\n');
      assert.equal(consumed.stderr, 'Processed a total of 2 messages\n');
    } finally {
      broker.kill('SIGTERM');
      const end = await brokerDone;
      rmSync(dataDir, { recursive: true, force: true });
      assert.equal(end.code, 0, `broker exit: ${end.stderr}`);
    }
  });
});
