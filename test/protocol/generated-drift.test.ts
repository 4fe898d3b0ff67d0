import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateProtocol } from '../../scripts/generate-protocol.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schemasDir = resolve(root, '..', 'shared', 'kafka-protocol');
const committedDir = join(root, 'src', 'protocol', 'generated');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const haveSchemas = existsSync(join(schemasDir, 'messages'));

// Without the schema folder there is nothing to compare against; under CI the folder must be there.
const skip = haveSchemas || process.env.CI === 'true' ? false : `schema folder ${schemasDir} not present: drift not checked`;

it('committed generated code matches what the generator writes from the schemas', { skip }, () => {
  const out = mkdtempSync(join(tmpdir(), 'samsa-generated-'));
  try {
    generateProtocol({ schemasDir, outDir: out });
    const fresh = listFiles(out);
    assert.deepStrictEqual(listFiles(committedDir), fresh, 'generated file list differs: run `npm run generate:protocol`');
    for (const f of fresh) {
      const a = readFileSync(join(out, f), 'utf8');
      const b = readFileSync(join(committedDir, f), 'utf8');
      assert.ok(a === b, `${f} differs from the generator's output: run \`npm run generate:protocol\` and commit`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
