import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { kcatVersion } from './kcat-producer.js';

/**
 * The real clients of the interop tests, how to find them, and a bounded way to run them.
 *
 * The Python clients are Debian's packages (python3-confluent-kafka, python3-kafka), so they are
 * run with `/usr/bin/python3` explicitly: a `python3` earlier on the PATH (pyenv, venv) usually
 * does not have them.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export type InteropTool = 'kcat' | 'confluent-kafka' | 'kafka-python' | 'kafkajs';

export interface ToolStatus {
  tool: InteropTool;
  /** The version string, or null when the tool is missing. */
  version: string | null;
  /** Why it is missing, for the skip message. */
  missing?: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<InteropTool, ToolStatus>();

function pythonModuleVersion(module: string, expr: string): { version: string | null; missing?: string } {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}; print(${expr})`], { encoding: 'utf8', timeout: 15_000 });
  if (r.error !== undefined) return { version: null, missing: `${SYSTEM_PYTHON} cannot run (${r.error.message})` };
  if (r.status !== 0) return { version: null, missing: `${SYSTEM_PYTHON} has no module ${module} (apt-get install ${module === 'kafka' ? 'python3-kafka' : 'python3-confluent-kafka'})` };
  return { version: r.stdout.trim() };
}

/** Whether a client is installed, and its version (cached per process). */
export function toolStatus(tool: InteropTool): ToolStatus {
  const cached = cache.get(tool);
  if (cached !== undefined) return cached;
  let status: ToolStatus;
  switch (tool) {
    case 'kcat': {
      const v = kcatVersion();
      status = v === null ? { tool, version: null, missing: 'kcat is not on the PATH (apt-get install kcat)' } : { tool, version: `kcat ${v.kcat}, librdkafka ${v.librdkafka}` };
      break;
    }
    case 'confluent-kafka': {
      const r = pythonModuleVersion('confluent_kafka', "'confluent-kafka %s, librdkafka %s' % (confluent_kafka.version()[0], confluent_kafka.libversion()[0])");
      status = { tool, ...r };
      break;
    }
    case 'kafka-python': {
      const r = pythonModuleVersion('kafka', "'kafka-python %s' % kafka.__version__");
      status = { tool, ...r };
      break;
    }
    case 'kafkajs': {
      try {
        const pkg = require(require.resolve('kafkajs/package.json')) as { version: string };
        status = { tool, version: `kafkajs ${pkg.version}` };
      } catch (err) {
        status = { tool, version: null, missing: `kafkajs cannot be loaded (npm ci): ${(err as Error).message}` };
      }
      break;
    }
  }
  cache.set(tool, status);
  return status;
}

/** True when run by CI (CI=true), where a missing client is a failure rather than a skip. */
export function underCi(): boolean {
  return process.env.CI === 'true';
}

/**
 * The `skip` option for a suite that needs `tools`: a message naming what is missing, or false
 * when everything is there. Under CI=true it is always false, and `assertToolsPresent` (called
 * from the suite's `before`) fails the suite instead.
 */
export function skipUnlessTools(tools: readonly InteropTool[]): string | false {
  const missing = tools.map(toolStatus).filter((s) => s.version === null);
  if (missing.length === 0 || underCi()) return false;
  return `skipped: ${missing.map((s) => s.missing).join('; ')}`;
}

/** Throws when a tool is missing (the CI=true case of `skipUnlessTools`). Returns the versions. */
export function assertToolsPresent(tools: readonly InteropTool[]): string[] {
  const statuses = tools.map(toolStatus);
  const missing = statuses.filter((s) => s.version === null);
  if (missing.length > 0) throw new Error(`interop client missing${underCi() ? ' (CI=true requires it)' : ''}: ${missing.map((s) => s.missing).join('; ')}`);
  return statuses.map((s) => s.version!);
}

export interface RunOptions {
  /** Written to standard input, which is then closed. */
  input?: string;
  /** Kill (SIGKILL) after this long; required, every wait is bounded. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs child processes with a time bound and kills whatever is still running on `killAll()`
 * (call it from the suite's `after`).
 */
export class ProcessTracker {
  private readonly children = new Set<ChildProcess>();

  run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const started = Date.now();
    const text = [command, ...args].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
      this.children.add(child);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      child.stdout!.on('data', (d: Buffer) => stdout.push(d));
      child.stderr!.on('data', (d: Buffer) => stderr.push(d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(err);
      });
      child.once('close', (exitCode, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({
          command: text,
          exitCode,
          signal,
          timedOut,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          ms: Date.now() - started,
        });
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input ?? '');
    });
  }

  /** SIGKILLs every child still running. */
  killAll(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.children.clear();
  }
}

/** A one-line account of a finished process for assertion messages, with the tail of its stderr. */
export function describeRun(r: RunResult, stderrTail = 3000): string {
  const how = r.timedOut ? 'timed out (killed)' : r.signal !== null ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  const err = r.stderr.length > stderrTail ? `…${r.stderr.slice(-stderrTail)}` : r.stderr;
  return `${r.command}: ${how} after ${r.ms} ms\n--- stderr ---\n${err}`;
}

/** Asserts a clean exit (status 0, no timeout), with the command and its stderr in the message. */
export function expectSuccess(r: RunResult): RunResult {
  if (r.timedOut || r.exitCode !== 0) throw new Error(describeRun(r));
  return r;
}
