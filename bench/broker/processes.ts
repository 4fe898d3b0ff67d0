/**
 * Child processes of the benchmark: every one is registered so that `killAll()` (called on exit,
 * error and SIGINT/SIGTERM) leaves nothing behind, and every wait is bounded by a timeout.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL). */
export function killAll(): void {
  for (const c of live) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  live.clear();
}

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

const WORKERS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'workers');

export interface WorkerHandle<R> {
  readonly child: ChildProcess;
  /** Resolves with the worker's `ready` message. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Resolves with the worker's `result` message once it has exited with status 0. */
  readonly result: Promise<R>;
  kill(): void;
}

/** Starts `workers/<name>.js` with JSON parameters; rejects its promises on a non-zero exit or after `timeoutMs`. */
export function startWorker<R>(name: string, params: object, timeoutMs: number): WorkerHandle<R> {
  const child = track(spawn(process.execPath, [join(WORKERS_DIR, `${name}.js`), JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  let buffered = '';
  let resolveReady!: (m: Record<string, unknown>) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  let resultMessage: R | null = null;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim() === '') continue;
      const m = JSON.parse(line) as Record<string, unknown>;
      if (m.type === 'ready') resolveReady(m);
      else if (m.type === 'result') resultMessage = m as R;
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const result = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const err = new Error(`${name} exited with ${signal ?? code}${stderr === '' ? '' : `: ${stderr.trim()}`}`);
      rejectReady(err);
      if (code === 0 && resultMessage !== null) resolve(resultMessage);
      else reject(err);
    });
  });
  // A rejected `ready` nobody waits for must not crash the run.
  ready.catch(() => {});
  result.catch(() => {});
  return { child, ready, result, kill: () => child.kill('SIGKILL') };
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  ms: number;
}

/** Runs a command to completion (SIGKILL after `timeoutMs`), keeping the tail of its output. */
export function runCommand(cmd: string, args: string[], timeoutMs: number, options: { discardStdout?: boolean } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = track(spawn(cmd, args, { stdio: ['ignore', options.discardStdout === true ? 'ignore' : 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      stdout = (stdout + d).slice(-20_000);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      stderr = (stderr + d).slice(-20_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - start });
    });
  });
}

/** Resident set size of a process in MB (10^6 bytes), from /proc/PID/status; NaN if unreadable. */
export function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? Number.NaN : (Number(m[1]) * 1024) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU time of a process in ms, from /proc/PID/stat; NaN if unreadable. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ... utime(11) stime(12), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** /proc/PID/schedstat of a process's main thread: ns on CPU, ns waiting on a run queue, timeslices. */
export function schedStat(pid: number | 'self'): { runNs: number; waitNs: number; slices: number } {
  try {
    const [run, wait, slices] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { runNs: run!, waitNs: wait!, slices: slices! };
  } catch {
    return { runNs: Number.NaN, waitNs: Number.NaN, slices: Number.NaN };
  }
}

/** Run-queue wait between two schedstat readings: ms waited per second of wall time, and µs per timeslice. */
export function runQueueWait(a: ReturnType<typeof schedStat>, b: ReturnType<typeof schedStat>, wallMs: number): { waitMsPerSec: number; waitUsPerSlice: number } {
  return { waitMsPerSec: (b.waitNs - a.waitNs) / 1e6 / (wallMs / 1000), waitUsPerSlice: (b.waitNs - a.waitNs) / 1e3 / Math.max(1, b.slices - a.slices) };
}

/** Samples a process's RSS every `intervalMs` until stopped; `stop()` returns the peak in MB. */
export function sampleRss(pid: number, intervalMs = 100): { stop: () => number } {
  let peak = rssMB(pid);
  const timer = setInterval(() => {
    const v = rssMB(pid);
    if (!(v <= peak)) peak = v;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const v = rssMB(pid);
      if (!(v <= peak)) peak = v;
      return peak;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
