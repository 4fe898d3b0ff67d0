import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, next to this module in dist/. */
export const KAFKA_SERVER_START = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kafka-server-start.js');

/** A port that was free a moment ago on 127.0.0.1 (bind to 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface BrokerProcessOptions {
  port: number;
  logDir: string;
  /** More `--override key=value` pairs. */
  overrides?: Record<string, string>;
  /** Give up waiting for "broker started" after this long; default 20 s. */
  startTimeoutMs?: number;
}

/**
 * A broker run as a separate process through `kafka-server-start`, so a test can SIGKILL it.
 * Its stdout and stderr (pino JSON lines) are kept, bounded, for failure messages.
 */
export class BrokerProcess {
  private output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess, readonly port: number) {
    const keep = (d: Buffer): void => {
      this.output += d.toString('utf8');
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the CLI and resolves once it logs "broker started"; rejects (and kills it) on exit or timeout. */
  static async start(options: BrokerProcessOptions): Promise<BrokerProcess> {
    const args = [KAFKA_SERVER_START, '--override', `listeners=PLAINTEXT://127.0.0.1:${options.port}`, '--override', `log.dirs=${options.logDir}`];
    for (const [k, v] of Object.entries(options.overrides ?? {})) args.push('--override', `${k}=${v}`);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SAMSA_LOG_LEVEL: process.env.SAMSA_LOG_LEVEL ?? 'info' } });
    const broker = new BrokerProcess(child, options.port);
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        if (err === undefined) resolve();
        else {
          broker.kill();
          reject(err);
        }
      };
      const timer = setTimeout(() => finish(new Error(`broker did not start within ${timeoutMs} ms; output:\n${broker.output.slice(-4000)}`)), timeoutMs);
      const poll = setInterval(() => {
        if (broker.output.includes('"msg":"broker started"')) finish();
      }, 20);
      void broker.exited.then(({ code, signal }) => finish(new Error(`broker exited (${signal ?? code}) while starting; output:\n${broker.output.slice(-4000)}`)));
    });
    return broker;
  }

  /** What the broker has logged (the last 100-200 kB). */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (default SIGKILL) if still running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }

  /** Resolves with how the process ended; rejects after `timeoutMs`. */
  async waitForExit(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`broker still running after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A broker process on a free port with its log dir in a new temp directory, which a test can kill
 * and start again on the same port and files; `close()` kills it and removes the directory.
 */
export class RestartableBrokerProcess {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly overrides: Record<string, string>,
    private current: BrokerProcess,
  ) {}

  static async start(overrides: Record<string, string> = {}, prefix = 'samsa-broker-process-'): Promise<RestartableBrokerProcess> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const port = await freePort();
    try {
      return new RestartableBrokerProcess(dir, port, overrides, await BrokerProcess.start({ port, logDir: join(dir, 'data'), overrides }));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The running (or last) broker process. */
  get process(): BrokerProcess {
    return this.current;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the broker again on the same port and log dir (after it was killed or stopped). */
  async restart(): Promise<BrokerProcess> {
    this.current = await BrokerProcess.start({ port: this.port, logDir: join(this.dir, 'data'), overrides: this.overrides });
    return this.current;
  }

  async close(): Promise<void> {
    this.current.kill('SIGKILL');
    await this.current.waitForExit(10_000).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
