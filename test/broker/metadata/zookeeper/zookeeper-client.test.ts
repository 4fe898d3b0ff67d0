import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient, ZooKeeperError } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import type { ZooKeeperWatchEvent } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperCluster } from '../../../../src/testkit/zookeeper-server.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'zookeeper-session-child.js');
const available = ZooKeeperCluster.available();
// A missing ZooKeeper is a skip on a developer machine and a failure under CI=true.
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.message}`;

function nextEvent(): { watch: (e: ZooKeeperWatchEvent) => void; event: Promise<ZooKeeperWatchEvent> } {
  let watch!: (e: ZooKeeperWatchEvent) => void;
  const event = new Promise<ZooKeeperWatchEvent>((resolve) => (watch = resolve));
  return { watch, event };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<ZooKeeperError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ZooKeeperError, `expected a ZooKeeperError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

// SIGSTOP/SIGCONT freeze a process only on POSIX systems.
const posix = process.platform !== 'win32';

describe('ZooKeeperClient against a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  let client: ZooKeeperClient;

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    client = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
  });

  after(async () => {
    client?.close();
    await zk?.close();
  });

  it('creates, reads, versions and deletes nodes, with ZooKeeper error names', async () => {
    await client.ensurePath('/samsa/brokers/topics');
    assert.equal(await client.create('/samsa/brokers/topics/t', Buffer.from('{"partitions":{}}')), '/samsa/brokers/topics/t');
    await rejectsWith(client.create('/samsa/brokers/topics/t'), 'NODE_EXISTS');
    const read = await client.getData('/samsa/brokers/topics/t');
    assert.equal(read?.data.toString(), '{"partitions":{}}');
    assert.equal(read?.version, 0);
    assert.equal(await client.setData('/samsa/brokers/topics/t', Buffer.from('v1'), 0), 1);
    await rejectsWith(client.setData('/samsa/brokers/topics/t', Buffer.from('stale'), 0), 'BAD_VERSION');
    assert.equal((await client.getData('/samsa/brokers/topics/t'))?.data.toString(), 'v1');
    assert.equal(await client.getData('/samsa/nothing'), null);
    assert.deepEqual(await client.getChildren('/samsa/brokers'), ['topics']);
    await rejectsWith(client.delete('/samsa/brokers'), 'NOT_EMPTY');
    await client.delete('/samsa/brokers/topics/t', 1);
    assert.equal(await client.exists('/samsa/brokers/topics/t'), null);
  });

  it('names sequential nodes with increasing 10-digit suffixes', async () => {
    await client.ensurePath('/seq');
    const a = await client.create('/seq/n-', Buffer.alloc(0), 'persistentSequential');
    const b = await client.create('/seq/n-', Buffer.alloc(0), 'ephemeralSequential');
    assert.match(a, /^\/seq\/n-\d{10}$/);
    assert.ok(Number(b.slice(-10)) > Number(a.slice(-10)));
  });

  it('applies a multi-op transaction atomically: a failed version check applies nothing', async () => {
    await client.create('/controller_epoch', Buffer.from('1'));
    await client.multi([
      { op: 'check', path: '/controller_epoch', version: 0 },
      { op: 'create', path: '/isr', data: Buffer.from('[1,2,3]') },
      { op: 'setData', path: '/controller_epoch', data: Buffer.from('2'), version: 0 },
    ]);
    assert.equal((await client.getData('/isr'))?.data.toString(), '[1,2,3]');
    const err = await rejectsWith(
      client.multi([
        { op: 'check', path: '/controller_epoch', version: 0 },
        { op: 'setData', path: '/isr', data: Buffer.from('[1]') },
      ]),
      'BAD_VERSION',
    );
    assert.equal(err.path, '/controller_epoch', 'the failing operation is named');
    assert.equal((await client.getData('/isr'))?.data.toString(), '[1,2,3]', 'a stale controller epoch changes nothing');
  });

  it('fires one-shot watches on data changes, children changes and creation of an absent node', async () => {
    await client.create('/watched', Buffer.from('a'));
    const data = nextEvent();
    await client.getData('/watched', data.watch);
    await client.setData('/watched', Buffer.from('b'));
    assert.deepEqual(await data.event, { type: 'dataChanged', path: '/watched' });

    const children = nextEvent();
    await client.getChildren('/watched', children.watch);
    await client.create('/watched/child');
    assert.deepEqual(await children.event, { type: 'childrenChanged', path: '/watched' });

    const created = nextEvent();
    assert.equal(await client.getData('/later', created.watch), null);
    await client.create('/later');
    assert.deepEqual(await created.event, { type: 'created', path: '/later' });
  });

  it('removes ephemeral nodes with their session and reports the expiry to a client that comes back', { skip: posix ? false : 'needs SIGSTOP' }, async () => {
    await client.ensurePath('/brokers/ids');
    // The session owner is another process, frozen with SIGSTOP past its session timeout: ZooKeeper
    // expires the session and deletes its ephemeral node; once thawed, the client reconnects and
    // is told the session expired.
    const child = spawn(process.execPath, [CHILD, zk.connectString, '/brokers/ids/1', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      const seen = (word: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (out.includes(word)) resolve();
          };
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            check();
          });
          child.once('exit', (code) => (out.includes(word) ? resolve() : reject(new Error(`child exited (${code}) before ${word}: ${out}`))));
          check();
        });
      await seen('READY');
      const gone = nextEvent();
      assert.notEqual(await client.exists('/brokers/ids/1', gone.watch), null);
      child.kill('SIGSTOP');
      assert.deepEqual(await gone.event, { type: 'deleted', path: '/brokers/ids/1' });
      child.kill('SIGCONT');
      await seen('EXPIRED');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('uses the chroot of the connect string', async () => {
    await client.ensurePath('/kafka-cluster-a');
    const chrooted = await ZooKeeperClient.connect({ connectString: `${zk.connectString}/kafka-cluster-a`, sessionTimeoutMs: 4000 });
    try {
      await chrooted.create('/cluster', Buffer.from('id'));
      assert.equal((await client.getData('/kafka-cluster-a/cluster'))?.data.toString(), 'id');
    } finally {
      chrooted.close();
    }
  });

  it('gives up connecting after the connection timeout with a clear error', async () => {
    const err = await rejectsWith(ZooKeeperClient.connect({ connectString: '127.0.0.1:1', sessionTimeoutMs: 4000, connectionTimeoutMs: 500 }), 'CONNECT_TIMEOUT');
    assert.match(err.message, /zookeeper\.connection\.timeout\.ms/);
  });
});
