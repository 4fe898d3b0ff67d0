/** Runs an installed bin (dist/src/bin/<tool>.cjs) as a child process, asynchronously: the broker under test runs in this process and must keep answering. */
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runBin(tool: string, args: string[], { timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<BinResult> {
  return new Promise((resolveResult) => {
    execFile(process.execPath, [join(root, 'dist', 'src', 'bin', `${tool}.cjs`), ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, SAMSA_VERBOSE: '' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolveResult({ code, stdout, stderr });
    });
  });
}

/** Writes `text` to a new file in a temporary directory; its path. */
export function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'samsa-cli-')), name);
  writeFileSync(file, text);
  return file;
}
