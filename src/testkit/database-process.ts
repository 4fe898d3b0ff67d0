/**
 * What the throwaway database servers of the test kit (mariadb-server.ts, postgres-server.ts)
 * share: finding a server binary on the PATH or in the distribution's directories, running
 * one-shot setup commands with bounded time, the options and handle every server has, keeping every server process on a list that is
 * killed when the test process exits, waiting for a starting server to accept a connection,
 * reading the end of a server's log, and the skip-or-fail decision (missing binaries skip a
 * test locally and fail it under CI=true).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Options every throwaway database server takes. */
export interface DatabaseServerOptions {
  /** Directory for the data, socket and logs; default a new temp dir, removed by `stop()`. */
  dataDir?: string;
  /** The administrator's password. Default `samsa-test-pw`. */
  password?: string;
  /** How long to wait for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running throwaway database server on the loopback interface, reached as its administrator. */
export interface DatabaseServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The administrator account. */
  readonly user: string;
  readonly password: string;
  /** The server's JDBC URL. */
  readonly url: string;
  /** How long the server took from its data directory's creation to the first connection, in ms. */
  readonly startedInMs: number;
  /** Runs one statement as the administrator; rows as objects. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Creates database `name` (dropping one of that name first) and returns its JDBC URL. */
  createDatabase(name: string): Promise<string>;
  /** The JDBC URL of database `name`. */
  urlFor(name: string): string;
  /** The last lines of the server's log. */
  logTail(chars?: number): string;
  /** Shuts the server down and removes the data directory it created. */
  stop(): Promise<void>;
}

/** The first `names` found on the PATH or in `extraDirs`, or null. */
export function findBinary(names: readonly string[], extraDirs: readonly string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** `/usr/lib/postgresql/<version>/bin` directories, newest version first. */
export function postgresLibDirs(): string[] {
  const root = '/usr/lib/postgresql';
  try {
    return readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join(root, v, 'bin'));
  } catch {
    return [];
  }
}

/** `skip` for node:test: false when available or under CI=true (where a missing server must fail), else the reason. */
export function skipUnless(availability: { ok: true } | { ok: false; message: string }): false | string {
  if (availability.ok || process.env.CI === 'true') return false;
  return availability.message;
}

/** Runs a setup command to completion; rejects with its output when it fails or outlives `timeoutMs`. */
export function runToCompletion(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not run: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${output.slice(-3000)}`));
    });
  });
}

const LIVE_SERVERS = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Keeps `child` on the list of servers killed when this process exits or is stopped by SIGTERM/SIGINT. */
export function trackServer(child: ChildProcess): void {
  LIVE_SERVERS.add(child);
  child.once('exit', () => LIVE_SERVERS.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const c of LIVE_SERVERS) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** Stops a server with `signal` (default SIGTERM, a clean shutdown), then SIGKILL if it has not exited after `graceMs`. */
export async function stopServer(child: ChildProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

/** The last `chars` characters of a server's log file ('' when it cannot be read). */
export function logFileTail(file: string, chars = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

/**
 * Tries `connect` every 100 ms until it succeeds; fails with the server's log when the server
 * process exits first or `timeoutMs` passes (naming the last connection error).
 */
export async function connectWhenReady<C>(serverName: string, child: ChildProcess, timeoutMs: number, log: () => string, connect: () => Promise<C>): Promise<C> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  let gone = false;
  void exited(child).then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${serverName} exited while starting:\n${log()}`);
    try {
      return await connect();
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${serverName} did not accept connections within ${timeoutMs} ms (last error: ${lastError}):\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
