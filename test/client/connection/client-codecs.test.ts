import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLIENT_CODEC_MODULES } from '../../../src/client/connection/client-codecs.js';
import { API_DEFINITIONS, ApiKey } from '../../../src/protocol/generated/api-definitions.js';

// This file runs from dist/test/client/connection: dist/ is three levels up, the repository four.
const here = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(here, '..', '..', '..');
const repoDir = resolve(distDir, '..');

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

/** The modules a dist/ ES module reaches through its static relative imports (type imports are gone from tsc's output). */
function staticImportClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gm)) {
      const spec = m[1] ?? m[2]!;
      todo.push(resolve(dirname(file), spec));
    }
  }
  return seen;
}

describe('the client\'s codecs', () => {
  it('provide every API the client\'s sources name, each module with its request encoder and response decoder', () => {
    const named = new Set<string>();
    for (const file of filesUnder(join(repoDir, 'src', 'client'), '.ts')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/ApiKey\.([A-Za-z]+)/g)) named.add(m[1]!);
    }
    assert.ok(named.has('Fetch') && named.has('Produce') && named.has('JoinGroup'), `the scan found the client's APIs: ${[...named].join(', ')}`);
    const provided = new Map(CLIENT_CODEC_MODULES.map(([key, module]) => [key, module]));
    for (const name of named) {
      const key = (ApiKey as Record<string, number>)[name];
      assert.notEqual(key, undefined, `ApiKey.${name} is not an API key`);
      assert.ok(provided.has(key!), `the client sends ${name} (ApiKey.${name} in src/client) but client-codecs.ts does not provide its module`);
    }
    for (const [key, module] of provided) {
      const def = API_DEFINITIONS[key]!;
      const exports = module() as Record<string, unknown>;
      assert.equal(typeof exports[`encode${def.request.name}`], 'function', `${def.name}: module without encode${def.request.name}`);
      assert.equal(typeof exports[`decode${def.response.name}`], 'function', `${def.name}: module without decode${def.response.name}`);
    }
  });

  it('are the only API modules the client\'s entry point imports: not the full API table', () => {
    const entry = join(distDir, 'src', 'client', 'kafka.js');
    assert.ok(existsSync(entry), `${entry} exists (npm run build)`);
    const reached = staticImportClosure(entry);
    const generated = join(distDir, 'src', 'protocol', 'generated');
    assert.ok(reached.has(join(generated, 'api-definitions.js')), 'the client uses the API definitions');
    assert.ok(!reached.has(join(generated, 'api-table.js')), 'the client imports api-table.js, which loads every API\'s codecs');
    const apiModules = new Set(API_DEFINITIONS.map((d) => join(generated, `${d.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.js`)));
    const clientModules = new Set(CLIENT_CODEC_MODULES.map(([key]) => [...apiModules].find((f) => f.endsWith(`/${API_DEFINITIONS[key]!.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.js`))!));
    const extra = [...reached].filter((f) => apiModules.has(f) && !clientModules.has(f));
    assert.deepEqual(extra, [], 'API modules the client imports without sending their API');
    assert.ok(clientModules.size >= 20 && [...clientModules].every((f) => reached.has(f)), 'every provided module is imported');
  });

  it('leave pino out of a process that only uses the client: its entry point reaches no module that imports it', () => {
    const reached = staticImportClosure(join(distDir, 'src', 'client', 'kafka.js'));
    assert.ok(reached.has(join(distDir, 'src', 'logging', 'client-logger.js')), 'the client uses its own logger interface');
    const importers = [...reached].filter((f) => /^(?:import|export)\s[^;]*?from\s+'pino'|^import\s+'pino'/m.test(readFileSync(f, 'utf8')));
    assert.deepEqual(importers, [], 'client modules that load pino');
    // The scan would see one: the broker's logging module imports it.
    assert.ok(/from\s+'pino'/.test(readFileSync(join(distDir, 'src', 'logging', 'logger.js'), 'utf8')));
  });

  it('make a client process able to send its APIs and refuse, with a clear error, to encode another API', () => {
    // A process of its own: this test file's imports must not provide anything.
    const script = `
      const { BrokerConnection } = await import(${JSON.stringify(join(distDir, 'src', 'client', 'connection', 'broker-connection.js'))});
      const defs = await import(${JSON.stringify(join(distDir, 'src', 'protocol', 'generated', 'api-definitions.js'))});
      const frame = await import(${JSON.stringify(join(distDir, 'src', 'protocol', 'request-frame.js'))});
      const before = defs.isCodecModuleProvided(defs.ApiKey.Fetch);
      const { provideClientCodecs } = await import(${JSON.stringify(join(distDir, 'src', 'client', 'connection', 'client-codecs.js'))});
      provideClientCodecs();
      const request = (apiKey, body) => ({ apiKey, apiVersion: 1, correlationId: 1, clientId: 't', body });
      const metadata = frame.encodeRequest(request(defs.ApiKey.Metadata, { topics: [] })).length;
      let refused = '';
      try { frame.encodeRequest(request(defs.ApiKey.LeaderAndIsr, {})); } catch (err) { refused = err.message; }
      console.log(JSON.stringify({ before, metadata, refused, leaderAndIsr: defs.isCodecModuleProvided(defs.ApiKey.LeaderAndIsr), connection: typeof BrokerConnection }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()) as { before: boolean; metadata: number; refused: string; leaderAndIsr: boolean; connection: string };
    assert.equal(out.before, false, 'nothing is provided before the client provides its codecs');
    assert.ok(out.metadata > 10, 'a Metadata request encodes');
    assert.equal(out.leaderAndIsr, false);
    assert.match(out.refused, /codecs of API key 4 are not loaded/);
  });
});
