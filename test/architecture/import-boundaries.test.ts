import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importsOf, sourceFiles } from '../support/source-imports.js';

/**
 * Enforces the module boundaries of ARCHITECTURE.md: imports point downward only, and protocol/
 * stays pure (no sockets, files, timers or child processes).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const src = join(root, 'src');

/** Which top-level folders of src/ each folder may import. */
const ALLOWED: Record<string, string[]> = {
  protocol: ['protocol'],
  logging: ['logging'],
  // Kafka's pure rules that the broker and the tools both apply (replica placement), and Samsa's version.
  common: ['common'],
  net: ['protocol', 'logging', 'net'],
  broker: ['protocol', 'logging', 'common', 'net', 'broker'],
  client: ['protocol', 'logging', 'net', 'client'],
  cli: ['protocol', 'logging', 'common', 'net', 'client', 'cli'],
  connect: ['protocol', 'logging', 'common', 'net', 'client', 'connect'],
  console: ['protocol', 'logging', 'net', 'client', 'console'],
};

const IMPURE_NODE_MODULES = ['fs', 'fs/promises', 'net', 'tls', 'dgram', 'child_process', 'timers', 'timers/promises', 'http', 'https', 'worker_threads', 'cluster'];

it('source folders import only the folders below them, and protocol/ is pure', { skip: existsSync(src) ? false : 'no src/' }, () => {
  const problems: string[] = [];
  for (const file of sourceFiles(src)) {
    const rel = relative(src, file).split(/[\\/]/);
    const folder = rel.length > 1 ? rel[0]! : '';
    const allowed = ALLOWED[folder];
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = relative(src, resolve(dirname(file), spec)).split(/[\\/]/);
        if (target[0] === '..') problems.push(`${relative(root, file)} imports outside src: ${spec}`);
        else if (allowed !== undefined && target.length > 1 && !allowed.includes(target[0]!)) {
          problems.push(`${relative(root, file)} (${folder}/) may not import ${target[0]}/: ${spec}`);
        }
      } else if (folder === 'protocol') {
        const name = spec.replace(/^node:/, '');
        if (IMPURE_NODE_MODULES.includes(name)) problems.push(`${relative(root, file)}: protocol/ must stay pure, imports ${spec}`);
      }
    }
  }
  assert.deepStrictEqual(problems, []);
});
