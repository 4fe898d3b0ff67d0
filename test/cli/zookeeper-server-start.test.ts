import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findZooKeeper } from '../../src/cli/zookeeper-installation.js';
import { checkZooKeeperProperties, zooKeeperServerStart } from '../../src/cli/zookeeper-server-start.js';
import { TOOLS } from '../../src/bin/samsa-tools.js';
import { freePort } from '../../src/testkit/broker-process.js';
import { fourLetterWord } from '../../src/testkit/zookeeper-server.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'bin', 'zookeeper-server-start.js');
const installed = findZooKeeper();
const skipRun = installed.found || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${installed.found ? '' : installed.message}`;

/** Runs `fn` with console.error captured; returns what it printed. */
async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  const original = console.error;
  let stderr = '';
  console.error = (...args: unknown[]) => {
    stderr += `${args.join(' ')}\n`;
  };
  try {
    return { code: await fn(), stderr };
  } finally {
    console.error = original;
  }
}

describe('zookeeper-server-start', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-zkstart-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is one of the samsa tools', () => {
    assert.ok(TOOLS['zookeeper-server-start'] !== undefined);
  });

  it('refuses a file without clientPort or dataDir, naming the key', () => {
    const file = join(dir, 'no-port.properties');
    writeFileSync(file, `dataDir=${dir}\n`);
    assert.match(checkZooKeeperProperties(file) ?? '', /clientPort is required/);
    writeFileSync(file, 'clientPort=2181\n');
    assert.match(checkZooKeeperProperties(file) ?? '', /dataDir is required/);
    writeFileSync(file, `dataDir=${dir}\nclientPort=99999\n`);
    assert.match(checkZooKeeperProperties(file) ?? '', /clientPort must be a port number/);
    assert.match(checkZooKeeperProperties(join(dir, 'missing.properties')) ?? '', /no such file/);
  });

  it('exits 1 with install instructions when ZooKeeper is not installed', async () => {
    const file = join(dir, 'ok.properties');
    writeFileSync(file, `dataDir=${dir}\nclientPort=2181\n`);
    const { code, stderr } = await captureStderr(() => zooKeeperServerStart([file], { env: { ZOOKEEPER_HOME: join(dir, 'empty') }, debianJar: join(dir, 'none.jar') }));
    assert.equal(code, 1);
    assert.match(stderr, /apt-get install zookeeper/);
    assert.match(stderr, /ZOOKEEPER_HOME/);
    const none = await captureStderr(() => zooKeeperServerStart([file], { env: {}, debianJar: join(dir, 'none.jar') }));
    assert.equal(none.code, 1);
    assert.match(none.stderr, /ZooKeeper is not installed/);
  });

  it('prints the usage for a missing file argument', async () => {
    const { code, stderr } = await captureStderr(() => zooKeeperServerStart([]));
    assert.equal(code, 1);
    assert.match(stderr, /USAGE: zookeeper-server-start \[-daemon\] zookeeper.properties/);
  });

  it('runs the installed ZooKeeper with the file and stops it on SIGTERM', { skip: skipRun }, async () => {
    const port = await freePort();
    const file = join(dir, 'zookeeper.properties');
    writeFileSync(file, [`dataDir=${join(dir, 'data').replace(/\\/g, '/')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', '4lw.commands.whitelist=srvr', ''].join('\n'));
    const child = spawn(process.execPath, [BIN, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let reply: string | null = null;
      for (let i = 0; i < 300 && child.exitCode === null; i++) {
        reply = await fourLetterWord(port, 'srvr', 1000);
        if (reply !== null && /Mode: standalone/.test(reply)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(reply ?? '', /Mode: standalone/, `ZooKeeper did not serve on ${port}: ${output.slice(-2000)}`);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output.slice(-2000));
      assert.equal(await fourLetterWord(port, 'srvr', 500), null, 'the server is gone');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
