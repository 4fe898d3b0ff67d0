/**
 * Writes bin/<tool>.sh and bin/windows/<tool>.bat for every tool of `samsa` (src/bin/samsa-tools.ts)
 * and removes launchers of tools that no longer exist. Run after adding a tool:
 * `npm run build && node dist/scripts/write-launchers.js`; test/cli/launchers.test.ts checks the result.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchLauncher, shellLauncher } from '../src/bin/launchers.js';
import { TOOLS } from '../src/bin/samsa-tools.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = join(root, 'bin');
const windowsDir = join(binDir, 'windows');
mkdirSync(windowsDir, { recursive: true });
const tools = Object.keys(TOOLS).sort();
for (const tool of tools) {
  const sh = join(binDir, `${tool}.sh`);
  writeFileSync(sh, shellLauncher(tool));
  chmodSync(sh, 0o755);
  writeFileSync(join(windowsDir, `${tool}.bat`), batchLauncher(tool));
}
for (const [dir, ext] of [[binDir, '.sh'], [windowsDir, '.bat']] as const) {
  for (const f of readdirSync(dir)) if (f.endsWith(ext) && !tools.includes(f.slice(0, -ext.length))) rmSync(join(dir, f));
}
console.log(`launchers for ${tools.length} tools in bin/ and bin/windows/`);
