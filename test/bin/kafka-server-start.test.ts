import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../src/testkit/poll-until.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The bins npm installs (package.json "bin"). */
const bins = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
const serverStart = join(root, bins['kafka-server-start']!);
const samsaBin = join(root, bins['samsa']!);
/** What `node dist/src/bin/kafka-server-start.js` runs (an ES module entry to the same command). */
const serverStartModule = join(root, 'dist', 'src', 'bin', 'kafka-server-start.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];

after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  const r: Run = { child, stdout: '', stderr: '', exit: new Promise((res) => child.on('exit', (code) => res(code))) };
  child.stdout!.on('data', (c: Buffer) => (r.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (r.stderr += c.toString()));
  return r;
}

const waitFor = (predicate: () => boolean, what: string, timeoutMs = 15000): Promise<unknown> => pollUntil(what, predicate, Boolean, { timeoutMs, intervalMs: 20 });

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  dirs.push(d);
  return d;
}

describe('kafka-server-start', () => {
  it('is installed as CommonJS scripts run by node (npm bins, also on Windows through npm\'s shims)', () => {
    for (const name of ['kafka-server-start', 'kafka-server-start.sh', 'samsa']) {
      assert.match(bins[name]!, /\.cjs$/, name);
      assert.match(readFileSync(join(root, bins[name]!), 'utf8'), /^#!\/usr\/bin\/env node\n/, `${name} starts with a node shebang`);
    }
  });

  for (const [how, bin, env] of [
    ['the bin, from the server bundle', serverStart, {}],
    ['dist/src/bin/kafka-server-start.js', serverStartModule, {}],
    ['the bin, from the ES modules (SAMSA_BUNDLE=0)', serverStart, { SAMSA_BUNDLE: '0' }],
  ] as const) {
    it(`exits non-zero with a message naming the key when a value is bad, before listening (${how})`, async () => {
      const r = run(bin, ['config/server.properties', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', 'num.partitions=abc', '--override', `log.dirs=${tempDir()}`], env);
      assert.equal(await r.exit, 1);
      assert.match(r.stderr, /num\.partitions/);
      assert.doesNotMatch(r.stdout, /"msg":"listening"/);
    });

    it(`logs the storage and listener lines, then "broker started" (${how})`, async () => {
      const r = run(bin, ['config/server.properties', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${tempDir()}`], env);
      await waitFor(() => r.stdout.includes('broker started'), 'broker started');
      const msgs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg);
      const at = (msg: string): number => msgs.indexOf(msg);
      assert.ok(at('listening') >= 0 && at('listening') < at('broker started'), msgs.join(', '));
      assert.ok(at('loaded log directory') >= 0 && at('loaded log directory') < at('broker started'), msgs.join(', '));
      r.child.kill('SIGTERM');
      assert.equal(await r.exit, 0);
      assert.match(r.stdout, /broker stopped/);
    });
  }

  it('starts from server.properties, warns about unknown keys, serves clients and shuts down cleanly on SIGTERM', async () => {
    const data = tempDir();
    const r = run(serverStart, ['config/server.properties', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${data}`, '--override', 'made.up.key=1']);
    await waitFor(() => r.stdout.includes('broker started'), 'broker started');
    assert.match(r.stdout, /made\.up\.key/);
    const started = JSON.parse(r.stdout.split('\n').find((l) => l.includes('broker started'))!) as { listeners: string[] };
    const port = Number(/:(\d+)$/.exec(started.listeners[0]!)![1]);
    const client = await KafkaTestClient.connect('127.0.0.1', port);
    const res = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(res.brokers[0]!.port, port);
    client.close();
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
    assert.match(r.stdout, /broker stopped/);
    assert.ok(existsSync(join(data, 'meta.properties')));
    assert.ok(existsSync(join(data, '.kafka_cleanshutdown')), 'clean shutdown marker written');
  });

  it('is reachable through the samsa umbrella command, which lists its tools', async () => {
    const help = run(samsaBin, ['--help']);
    assert.equal(await help.exit, 0);
    assert.match(help.stdout, /kafka-server-start/);
    const unknown = run(samsaBin, ['no-such-tool']);
    assert.equal(await unknown.exit, 1);
    assert.match(unknown.stderr, /unknown tool/);
    const bad = run(samsaBin, ['kafka-server-start', '--override', 'log.segment.bytes=10', '--override', `log.dirs=${tempDir()}`]);
    assert.equal(await bad.exit, 1);
    assert.match(bad.stderr, /log\.segment\.bytes/);
  });
});
