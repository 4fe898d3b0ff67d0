/**
 * Running the tools as a user does: the installed bins (dist/src/bin/<tool>.cjs) and other
 * commands (kcat, the bin/*.sh launchers) as child processes, asynchronously, because the broker
 * under test runs in the test process and must keep answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (dist/test/cli → ../../..). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface BinResult {
  /** The exit status (128 + the signal's number when a signal ended it, as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to standard input, which is then closed (closed at once when absent). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** SAMSA_VERBOSE from the test's environment would add stack traces to the one-line failures the tests check. */
function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, SAMSA_VERBOSE: '', ...env };
}

export function spawnCommand(command: string, args: string[], options: Omit<RunOptions, 'input' | 'timeoutMs'> = {}): ChildProcess {
  return spawn(command, args, { env: childEnv(options.env), cwd: options.cwd ?? PACKAGE_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Starts an installed bin as a child process. */
export function spawnBin(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawnCommand(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'bin', `${tool}.cjs`), ...args], { env });
}

/** What a child wrote and how it ended; it is killed after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<BinResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolveResult, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${child.spawnargs.join(' ')} did not finish within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveResult({ code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]), stdout, stderr });
    });
  });
}

/** Runs a command to its end. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<BinResult> {
  const child = spawnCommand(command, args, options);
  const done = finished(child, options.timeoutMs);
  child.stdin!.on('error', () => {}); // a command that exits without reading its input
  child.stdin!.end(options.input ?? '');
  return done;
}

/** Runs an installed bin to its end. */
export function runBin(tool: string, args: string[], options: Omit<RunOptions, 'cwd'> = {}): Promise<BinResult> {
  return runCommand(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'bin', `${tool}.cjs`), ...args], options);
}

/** Writes `text` to a new file in a new temporary directory; its path. */
export function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'samsa-cli-')), name);
  writeFileSync(file, text);
  return file;
}
