import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importsOf, sourceFiles } from '../../support/source-imports.js';

/**
 * The network layers' own boundaries, narrower than the project-wide rule: src/net imports only
 * protocol/ and logging/; src/broker/network only net/, protocol/ and logging/ (nothing else of the
 * broker, so that handlers and services never reach into sockets and the reverse). Packages: Node's
 * built-ins only.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const src = join(root, 'src');

const RULES: Array<{ folder: string; allowed: string[] }> = [
  { folder: 'net', allowed: ['net', 'protocol', 'logging'] },
  { folder: 'broker/network', allowed: ['broker/network', 'net', 'protocol', 'logging'] },
];

it('src/net and src/broker/network import only what their layer allows', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const { folder, allowed } of RULES) {
    for (const file of sourceFiles(join(src, folder))) {
      checked++;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const where = relative(root, file);
        if (!spec.startsWith('.')) {
          if (!spec.startsWith('node:')) problems.push(`${where} imports the package ${spec} (Node built-ins only)`);
          continue;
        }
        const target = relative(src, resolve(dirname(file), spec)).split(/[\\/]/).join('/');
        if (!allowed.some((a) => target === a || target.startsWith(`${a}/`))) problems.push(`${where} may not import ${spec}`);
        if (!spec.endsWith('.js')) problems.push(`${where} imports ${spec} without the .js suffix`);
      }
    }
  }
  assert.ok(checked >= 5, `found only ${checked} files`);
  assert.deepEqual(problems, []);
});
