/**
 * Real ZooKeeper servers for tests: one standalone server or an ensemble of three, on loopback
 * ports with their own data directories, run from the installed Apache ZooKeeper (see
 * cli/zookeeper-installation.ts; Debian's `zookeeper` package in CI). Each server is a Java child
 * process; `stop`/`kill`/`start` act on one member so tests can take servers away.
 *
 * Short ticks (default 200 ms) keep session timeouts small: ZooKeeper bounds them to
 * [2, 20] x tickTime, so a client may ask for anything from 400 ms to 4 s.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findZooKeeper, zooKeeperServerArgs } from '../cli/zookeeper-installation.js';
import type { ZooKeeperInstallation } from '../cli/zookeeper-installation.js';
import { freePort } from './broker-process.js';

export interface ZooKeeperOptions {
  /** 1 (standalone) or an ensemble size (3 usually). Default 1. */
  servers?: number;
  /** ZooKeeper's tickTime in ms. Default 200. */
  tickTimeMs?: number;
  /** Parent directory for the servers' data; default a new temp dir, removed by `close()`. */
  dir?: string;
  /** How long to wait for the servers to serve. Default 30 s. */
  startTimeoutMs?: number;
}

export interface ZooKeeperMember {
  /** 1-based server id (myid). */
  id: number;
  clientPort: number;
  /** Running now. */
  readonly running: boolean;
}

/** ZooKeeper's "Mode:" as answered to `srvr`, or null when the server does not answer. */
export type ZooKeeperMode = 'standalone' | 'leader' | 'follower' | 'observer' | null;

class Member implements ZooKeeperMember {
  child: ChildProcess | null = null;
  exited: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly clientPort: number,
    readonly configFile: string,
    readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** Every server process started here, killed when this process exits (a test that dies early leaves no JVM behind). */
const LIVE_CHILDREN = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  LIVE_CHILDREN.add(child);
  child.once('exit', () => LIVE_CHILDREN.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const c of LIVE_CHILDREN) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  // A test run stopped by a signal (the runner's timeout, ^C) takes its servers down too, then
  // dies of the signal as it would have.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

export class ZooKeeperCluster {
  private closed = false;

  private constructor(
    private readonly installation: ZooKeeperInstallation,
    private readonly members: Member[],
    private readonly root: string,
    private readonly ownsRoot: boolean,
    private readonly startTimeoutMs: number,
  ) {}

  /** The installed ZooKeeper, or the message saying why there is none (for skips). */
  static available(): { ok: true } | { ok: false; message: string } {
    const lookup = findZooKeeper();
    return lookup.found ? { ok: true } : { ok: false, message: lookup.message };
  }

  static async start(options: ZooKeeperOptions = {}): Promise<ZooKeeperCluster> {
    const lookup = findZooKeeper();
    if (!lookup.found) throw new Error(lookup.message);
    const count = options.servers ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`servers must be a positive integer, got ${count}`);
    const ownsRoot = options.dir === undefined;
    const root = options.dir ?? mkdtempSync(join(tmpdir(), 'samsa-zk-'));
    const tick = options.tickTimeMs ?? 200;
    const ports: { client: number; peer: number; election: number }[] = [];
    for (let i = 0; i < count; i++) ports.push({ client: await freePort(), peer: await freePort(), election: await freePort() });
    const members: Member[] = [];
    for (let i = 0; i < count; i++) {
      const id = i + 1;
      const dataDir = join(root, `zk${id}`);
      mkdirSync(dataDir, { recursive: true });
      const lines = [
        `tickTime=${tick}`,
        'initLimit=20',
        'syncLimit=10',
        `dataDir=${dataDir.replace(/\\/g, '/')}`,
        `clientPort=${ports[i]!.client}`,
        'clientPortAddress=127.0.0.1',
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok,stat',
        'maxClientCnxns=0',
      ];
      if (count > 1) {
        writeFileSync(join(dataDir, 'myid'), `${id}\n`);
        ports.forEach((p, j) => lines.push(`server.${j + 1}=127.0.0.1:${p.peer}:${p.election}`));
      }
      const configFile = join(root, `zk${id}.cfg`);
      writeFileSync(configFile, `${lines.join('\n')}\n`);
      members.push(new Member(id, ports[i]!.client, configFile, join(root, `zk${id}.log`)));
    }
    const cluster = new ZooKeeperCluster(lookup.installation, members, root, ownsRoot, options.startTimeoutMs ?? 30_000);
    try {
      for (const m of members) cluster.spawn(m);
      await cluster.waitServing(members.map((m) => m.id));
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** `host:port,...` of every member, as `zookeeper.connect` takes it (append a chroot if wanted). */
  get connectString(): string {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`).join(',');
  }

  get servers(): readonly ZooKeeperMember[] {
    return this.members;
  }

  /** Asks member `id` for its mode (`srvr`). */
  async mode(id: number): Promise<ZooKeeperMode> {
    const reply = await fourLetterWord(this.member(id).clientPort, 'srvr', 2000);
    const m = /Mode: (\w+)/.exec(reply ?? '');
    return (m?.[1] as ZooKeeperMode | undefined) ?? null;
  }

  /** Stops member `id` with SIGTERM and waits for it to exit. */
  async stop(id: number): Promise<void> {
    const m = this.member(id);
    if (!m.running) return;
    m.child!.kill('SIGTERM');
    await m.exited;
  }

  /** Kills member `id` with SIGKILL and waits for it to exit. */
  async kill(id: number): Promise<void> {
    const m = this.member(id);
    if (!m.running) return;
    m.child!.kill('SIGKILL');
    await m.exited;
  }

  /** Starts member `id` again (same ports and data) and waits until it serves. */
  async start(id: number): Promise<void> {
    const m = this.member(id);
    if (m.running) return;
    this.spawn(m);
    await this.waitServing([id]);
  }

  /** Stops every member and removes the data directory it created. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.members.map(async (m) => {
      if (!m.running) return;
      m.child!.kill('SIGKILL');
      await m.exited;
    }));
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }

  /** The last lines of member `id`'s console output (for failure messages). */
  logTail(id: number, chars = 3000): string {
    try {
      return readFileSync(this.member(id).logFile, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  private member(id: number): Member {
    const m = this.members.find((x) => x.id === id);
    if (m === undefined) throw new RangeError(`no ZooKeeper server ${id}`);
    return m;
  }

  private spawn(m: Member): void {
    const out = openSync(m.logFile, 'a');
    try {
      const child = spawn(this.installation.java, zooKeeperServerArgs(this.installation, m.configFile, 128), { stdio: ['ignore', out, out] });
      m.child = child;
      track(child);
      m.exited = new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      });
    } finally {
      closeSync(out);
    }
  }

  private async waitServing(ids: number[]): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (const id of ids) {
      const m = this.member(id);
      for (;;) {
        if (!m.running) throw new Error(`ZooKeeper server ${id} exited while starting:\n${this.logTail(id)}`);
        if ((await this.mode(id)) !== null) break;
        if (Date.now() > deadline) throw new Error(`ZooKeeper server ${id} did not serve within ${this.startTimeoutMs} ms:\n${this.logTail(id)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** Sends a four-letter command to a ZooKeeper server; resolves with the reply, or null. */
export function fourLetterWord(port: number, word: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (v: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d: string) => (reply += d));
    socket.on('end', () => done(reply === '' ? null : reply));
    socket.on('error', () => done(null));
  });
}
