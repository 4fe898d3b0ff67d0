/**
 * Runs the compiled test suite with Node's built-in test runner: every `*.test.js` under
 * dist/test (or under the folders/files given as arguments). Spawning `node --test` with an
 * explicit file list keeps helper modules in dist/test from being run as tests, and works the
 * same on Windows, where npm scripts have no shell globbing.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function collect(path: string, out: string[]): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (path.endsWith('.test.js')) {
    out.push(path);
  }
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const targets = args.length > 0 ? args.map((a) => resolve(a)) : [join(root, 'test')];
const files: string[] = [];
for (const t of targets) collect(t, files);
if (files.length === 0) {
  console.error(`no test files under ${targets.join(', ')}`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 1)));
