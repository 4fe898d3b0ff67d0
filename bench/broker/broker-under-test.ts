/**
 * The broker as users run it: the installed `kafka-server-start` bin (package.json "bin",
 * `node dist/src/bin/kafka-server-start.cjs config/server.properties`) with the listener and log
 * dir overridden, in its own process (so its RSS can be read and it can be profiled). "Started" means a TCP connect to its port succeeded: the start time is measured
 * from just before `spawn()` to the first accepted connection, polling every 2 ms. The CPU time the
 * process had used by then (all its threads, from /proc) is read at that moment too: unlike the wall
 * time, it hardly depends on what else the machine is doing.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMB, sleep, track } from './processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
/** The file npm installs as the `kafka-server-start` bin (package.json "bin"), seen from dist/bench/broker/. */
export const CLI_PATH = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['kafka-server-start']!);
/** config/server.properties at the repository root. */
export const CONFIG_PATH = join(ROOT, 'config', 'server.properties');
export const BARE_SERVER_PATH = join(HERE, 'workers', 'bare-server.js');
/** Preloaded with `--import` by `--diagnose`: event-loop delay and GC pauses per phase. */
export const PROBE_PATH = join(HERE, 'broker-probe.js');

export const HOST = '127.0.0.1';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: HOST, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Polls until a connect to `port` succeeds; resolves with the time it did (performance.now()), rejects if `child` exits or at the deadline. */
async function waitAccepting(child: ChildProcess, port: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited (${child.signalCode ?? child.exitCode}) before accepting connections`);
    if (await tryConnect(port)) return performance.now();
    await sleep(2);
  }
  throw new Error(`no connection accepted on port ${port} within ${timeoutMs} ms`);
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** Milliseconds from just before spawn() to the first accepted connection. */
  readonly startMs: number;
  /** CPU milliseconds (all threads) the process had used when its first connection was accepted; NaN where /proc is missing. */
  readonly startCpuMs: number;
  rss(): number;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<string>;
}

/** CPU milliseconds all threads of `pid` have run (the first field of each thread's /proc schedstat); NaN without /proc. */
function processCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

/**
 * The environment a process under test gets: this one's, with `env` added and the `unset` names
 * removed (the start phase measures with and without NODE_EXTRA_CA_CERTS, which makes every Node
 * process read and parse a CA bundle before running any JavaScript).
 */
function processEnv(env: Record<string, string> | undefined, unset: readonly string[] | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of unset ?? []) delete out[name];
  return out;
}

async function startProcess(args: string[], port: number, logFile: string | null, timeoutMs: number, env?: Record<string, string>, unsetEnv?: readonly string[]): Promise<ServerProcess> {
  const out = logFile === null ? 'ignore' : openSync(logFile, 'a');
  const t0 = performance.now();
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', out, out], env: processEnv(env, unsetEnv) }));
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
  let acceptedAt: number;
  let cpuAtAccept: number;
  try {
    acceptedAt = await waitAccepting(child, port, timeoutMs);
    cpuAtAccept = processCpuMs(child.pid!);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    child,
    pid: child.pid!,
    port,
    startMs: acceptedAt - t0,
    startCpuMs: cpuAtAccept,
    rss: () => rssMB(child.pid!),
    async stop(graceMs = 15_000): Promise<string> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

export interface BrokerProcessOptions {
  logDir: string;
  port?: number;
  /** Where the broker's stdout/stderr (pino JSON lines) go; null discards them. */
  logFile: string | null;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  nodeArgs?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Variables of this process's environment the broker does not get. */
  unsetEnv?: readonly string[];
  /** Broker properties passed as `--override key=value` (after the listener and log dir). */
  overrides?: Record<string, string>;
  timeoutMs?: number;
}

export async function startBrokerProcess(options: BrokerProcessOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const args = [
    ...(options.nodeArgs ?? []),
    CLI_PATH,
    CONFIG_PATH,
    '--override',
    `listeners=PLAINTEXT://${HOST}:${port}`,
    '--override',
    `log.dirs=${options.logDir}`,
    ...Object.entries(options.overrides ?? {}).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
  ];
  const proc = await startProcess(args, port, options.logFile, options.timeoutMs ?? 20_000, options.env, options.unsetEnv);
  if (options.logFile !== null) {
    // The port was free a moment before; make sure the connection was accepted by this broker
    // and not by another process that took the port in between.
    const mine = new RegExp(`"pid":${proc.pid},.*"msg":"broker started"`);
    for (let i = 0; ; i++) {
      if (mine.test(readFileSync(options.logFile, 'utf8'))) break;
      if (i === 250 || proc.child.exitCode !== null) {
        await proc.stop(1000);
        throw new Error(`port ${port} accepted a connection but broker ${proc.pid} did not log "broker started"`);
      }
      await sleep(20);
    }
  }
  return proc;
}

/** The baseline for start time and idle RSS: a Node process that only listens on a port. */
export async function startBareServer(unsetEnv?: readonly string[]): Promise<ServerProcess> {
  const port = await freePort();
  return startProcess([BARE_SERVER_PATH, String(port)], port, null, 10_000, undefined, unsetEnv);
}
