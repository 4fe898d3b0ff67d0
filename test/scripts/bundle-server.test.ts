import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleServer } from '../../scripts/bundle-server.js';
import { ServerBundle } from '../../src/bin/server-bundle.cjs';

/** A small dist/ of tsc-style ES modules exercising what the bundler must keep working. */
const FILES: Record<string, string> = {
  'src/entry.js': [
    "import { greet, Base } from './lib/greet.js';",
    "import { count } from './lib/counter.js';",
    "import { later } from './lib/later.js';",
    "import { join } from 'node:path';",
    "export * from './lib/reexported.js';",
    "export { here } from './lib/here.js';",
    "import { where, dirOf, helper, answer, check, sameHelper } from 'fakepkg';",
    "import { computed } from 'dynamicpkg';",
    'export const fromPackages = () => ({ where: where(), dirOf: dirOf(), helped: helper(), answer, checked: check(1), sameHelper: sameHelper(), computed });',
    "import * as ns from './lib/ns.js';",
    "import * as shadowed from './lib/shadowed.js';",
    'export const nsGetter = () => ({ ns });',
    'export function useShadow(shadowed) { return shadowed; }',
    'export const fromShadowed = () => shadowed.value;',
    'export class Child extends Base { kind() { return `child of ${super.kind()}`; } }',
    "export function hello(name) { return greet(name) + ' ' + join('a', 'b'); }",
    'export function counted() { return count(); }',
    'export function useLater() { return later(); }',
    '//# sourceMappingURL=entry.js.map',
  ].join('\n'),
  'src/lib/greet.js': [
    "globalThis.__bundleTestEvaluated.push('greet');",
    "export function greet(name) { return `h\u00e9llo \u2192 ${name}`; }",
    "export class Base { kind() { return 'base'; } }",
  ].join('\n'),
  'src/lib/counter.js': ["globalThis.__bundleTestEvaluated.push('counter');", 'let n = 0;', 'export function count() { return ++n; }'].join('\n'),
  'src/lib/later.js': ["globalThis.__bundleTestEvaluated.push('later');", "export function later() { return 'from the later chunk'; }"].join('\n'),
  'src/lib/reexported.js': "export const REEXPORTED = 're';\nexport const MULTILINE = `first\n    indented ${1 + 1}\n\tlast`;\n    export const AFTER = 'x';",
  'src/lib/ns.js': ["globalThis.__bundleTestEvaluated.push('ns');", 'export const value = 1;'].join('\n'),
  'src/lib/shadowed.js': "export const value = 'module';",
  'src/lib/here.js': 'export const here = import.meta.url;',
};

/** node_modules beside dist/: a plain CommonJS package (bundled) and one that picks a file at run time (left to require). */
const PACKAGES: Record<string, string> = {
  'fakepkg/package.json': JSON.stringify({ name: 'fakepkg', version: '1.0.0', main: 'index.js' }),
  'fakepkg/index.js': [
    "'use strict'",
    "const { join: joinPath } = require('path')",
    "const assert = require('assert')",
    "const { isMainThread: mainThread } = require('worker_threads')",
    "const helper = require('./lib/helper')",
    "const { answer } = require('./data.json')",
    "globalThis.__bundleTestEvaluated.push('fakepkg')",
    'module.exports = {',
    '  where: () => __filename,',
    "  dirOf: () => joinPath(__dirname, 'x'),",
    '  helper,',
    '  answer,',
    '  check (v) { assert(v); return mainThread },',
    "  sameHelper: () => require('./lib/helper') === helper",
    '}',
  ].join('\n'),
  'fakepkg/lib/helper.js': "module.exports = function helper () { return 'helped \u00e9' }",
  'fakepkg/data.json': JSON.stringify({ answer: 42 }),
  'dynamicpkg/package.json': JSON.stringify({ name: 'dynamicpkg', version: '1.0.0', main: 'index.js' }),
  'dynamicpkg/index.js': "const which = './impl'\nmodule.exports = require(which)",
  'dynamicpkg/impl.js': "exports.computed = 'from node_modules'",
};

declare global {
  var __bundleTestEvaluated: string[];
}

describe('server bundle', () => {
  let root: string;
  let dist: string;
  let out: string;
  let eagerImports: string[];
  let packageFiles: string[];
  let packagesLeftOut: string[];

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'samsa-bundle-test-'));
    dist = join(root, 'dist');
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(join(dist, path, '..'), { recursive: true });
      writeFileSync(join(dist, path), text);
    }
    for (const [path, text] of Object.entries(PACKAGES)) {
      mkdirSync(join(root, 'node_modules', path, '..'), { recursive: true });
      writeFileSync(join(root, 'node_modules', path), text);
    }
    writeFileSync(join(dist, '.tsbuildinfo'), '{}');
    out = join(dist, 'src', 'bundle');
    ({ eagerImports, packageFiles, packagesLeftOut } = bundleServer({ distDir: dist, entry: 'src/entry.js', outDir: out, later: (id) => id === 'src/lib/later.js' }));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs a module only when one of its exports is first used, and reads the later chunk on first use', () => {
    globalThis.__bundleTestEvaluated = [];
    const bundle = ServerBundle.load(out, { codeCache: false })!;
    const entry = bundle.entry<{ hello(n: string): string; counted(): number; useLater(): string; Child: new () => { kind(): string } }>();
    assert.deepStrictEqual(globalThis.__bundleTestEvaluated, ['greet'], 'only what the top level of the entry uses (a base class)');
    assert.equal(entry.counted(), 1);
    assert.equal(entry.counted(), 2, 'one instance per module');
    assert.deepStrictEqual(globalThis.__bundleTestEvaluated, ['greet', 'counter']);
    assert.deepStrictEqual(bundle.codeCacheStatus(), { 'main.js': 'no cache', 'later.js': 'not loaded' });
    assert.equal(entry.useLater(), 'from the later chunk');
    assert.equal(bundle.codeCacheStatus()['later.js'], 'no cache');
    assert.equal(new entry.Child().kind(), 'child of base', 'class extends an imported class');
    assert.deepStrictEqual(globalThis.__bundleTestEvaluated, ['greet', 'counter', 'later']);
  });

  it('makes namespace imports lazy too, and leaves eager an import whose name a parameter shadows', () => {
    globalThis.__bundleTestEvaluated = [];
    const entry = ServerBundle.load(out, { codeCache: false })!.entry<{ nsGetter(): { ns: { value: number } }; useShadow(x: string): string; fromShadowed(): string }>();
    assert.ok(!globalThis.__bundleTestEvaluated.includes('ns'));
    assert.equal(entry.nsGetter().ns.value, 1);
    assert.ok(globalThis.__bundleTestEvaluated.includes('ns'));
    assert.equal(entry.useShadow('param'), 'param');
    assert.equal(entry.fromShadowed(), 'module');
    assert.deepStrictEqual(eagerImports, ['src/entry.js: shadowed']);
  });

  it('keeps non-ASCII text exact, re-exports, node built-ins, and import.meta.url of the original file', () => {
    globalThis.__bundleTestEvaluated = [];
    const text = readFileSync(join(out, 'main.js'), 'latin1');
    assert.ok(!/[^\x00-\x7f]/.test(text), 'chunk is ASCII');
    const entry = ServerBundle.load(out, { codeCache: false })!.entry<{ hello(n: string): string; REEXPORTED: string; MULTILINE: string; here: string }>();
    assert.equal(entry.MULTILINE, 'first\n    indented 2\n\tlast', 'indentation inside a template literal is kept');
    assert.equal(entry.hello('x'), `h\u00e9llo \u2192 x ${join('a', 'b')}`);
    assert.equal(entry.REEXPORTED, 're');
    assert.equal(entry.here, pathToFileURL(join(dist, 'src', 'lib', 'here.js')).href);
  });

  it('carries plain CommonJS packages (run on first use, with their own __filename and built-ins loaded on first use) and leaves the others to require', () => {
    assert.deepStrictEqual([...packageFiles].sort(), ['node_modules/fakepkg/data.json', 'node_modules/fakepkg/index.js', 'node_modules/fakepkg/lib/helper.js']);
    globalThis.__bundleTestEvaluated = [];
    const bundle = ServerBundle.load(out, { codeCache: false })!;
    const entry = bundle.entry<{ fromPackages(): Record<string, unknown> }>();
    assert.ok(!globalThis.__bundleTestEvaluated.includes('fakepkg'));
    assert.deepStrictEqual(entry.fromPackages(), {
      where: join(root, 'node_modules', 'fakepkg', 'index.js'),
      dirOf: join(root, 'node_modules', 'fakepkg', 'x'),
      helped: 'helped \u00e9',
      answer: 42,
      checked: true,
      sameHelper: true,
      computed: 'from node_modules',
    });
    assert.ok(globalThis.__bundleTestEvaluated.includes('fakepkg'));
    assert.ok(bundle.loadedModules().includes('node_modules/fakepkg/lib/helper.js'));
    const text = readFileSync(join(out, 'main.js'), 'latin1');
    assert.match(text, /\(assert \?\?= require\("assert"\)\)\(v\)/, 'a built-in is required on first use');
    assert.match(text, /\(__lazyBuiltin\d+ \?\?= require\("worker_threads"\)\)\.isMainThread/, 'destructured built-in bindings too');
    assert.match(text, /\(__lazyBuiltin\d+ \?\?= require\("path"\)\)\.join\(__dirname/);
    assert.doesNotMatch(text, /dynamicpkg\/impl/);
    assert.deepStrictEqual(packagesLeftOut, ['node_modules/dynamicpkg/index.js (index.js: require() with a computed argument)']);
  });

  it('writes a code cache V8 accepts, and is ignored once tsc has run again (dist/.tsbuildinfo changed)', () => {
    globalThis.__bundleTestEvaluated = [];
    const first = ServerBundle.load(out, { codeCache: false })!;
    first.entry<{ hello(n: string): string }>().hello('y');
    first.loadLaterChunks();
    for (const { file, data } of first.codeCaches()) writeFileSync(join(out, `${file}.cache`), data);
    const cached = ServerBundle.load(out)!;
    cached.entry<{ useLater(): string }>().useLater();
    assert.deepStrictEqual(cached.codeCacheStatus(), { 'main.js': 'used', 'later.js': 'used' });

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dist, '.tsbuildinfo'), later, later);
    assert.equal(ServerBundle.load(out), null);
  });

  it('puts the modules a start runs once listening in a middle chunk, read on first use', () => {
    const out3 = join(root, 'three-chunks');
    const { manifest } = bundleServer({ distDir: dist, entry: 'src/entry.js', outDir: out3, later: (id) => id === 'src/lib/later.js', afterListen: (id) => id === 'src/lib/counter.js' });
    assert.deepStrictEqual(manifest.chunks, ['main.js', 'startup.js', 'later.js']);
    assert.equal(manifest.moduleChunk['src/lib/counter.js'], 1);
    globalThis.__bundleTestEvaluated = [];
    const bundle = ServerBundle.load(out3, { codeCache: false })!;
    const entry = bundle.entry<{ counted(): number; useLater(): string }>();
    assert.deepStrictEqual(bundle.codeCacheStatus(), { 'main.js': 'no cache', 'startup.js': 'not loaded', 'later.js': 'not loaded' });
    assert.equal(entry.counted(), 1);
    assert.deepStrictEqual(bundle.codeCacheStatus(), { 'main.js': 'no cache', 'startup.js': 'no cache', 'later.js': 'not loaded' });
    assert.equal(entry.useLater(), 'from the later chunk');
  });

  it('puts the modules serving a first client runs in a chunk of their own, before the later chunk', () => {
    const out4 = join(root, 'four-chunks');
    const { manifest } = bundleServer({ distDir: dist, entry: 'src/entry.js', outDir: out4, later: (id) => id === 'src/lib/later.js', afterListen: (id) => id === 'src/lib/counter.js', serving: (id) => id === 'src/lib/greet.js' });
    assert.deepStrictEqual(manifest.chunks, ['main.js', 'startup.js', 'serving.js', 'later.js']);
    assert.equal(manifest.moduleChunk['src/lib/greet.js'], 2);
    assert.equal(manifest.moduleChunk['src/lib/later.js'], 3);
    globalThis.__bundleTestEvaluated = [];
    const bundle = ServerBundle.load(out4, { codeCache: false })!;
    const entry = bundle.entry<{ hello(name: string): string; useLater(): string }>();
    assert.match(entry.hello('x'), /^h\u00e9llo \u2192 x /);
    assert.deepStrictEqual(bundle.codeCacheStatus(), { 'main.js': 'no cache', 'startup.js': 'not loaded', 'serving.js': 'no cache', 'later.js': 'not loaded' });
    assert.equal(entry.useLater(), 'from the later chunk');
    assert.equal(bundle.codeCacheStatus()['later.js'], 'no cache');
  });

  it('is absent when nothing was built', () => {
    assert.equal(ServerBundle.load(join(dist, 'nowhere')), null);
  });

  it('refuses what it cannot bundle: dynamic import()', () => {
    const bad = mkdtempSync(join(tmpdir(), 'samsa-bundle-bad-'));
    try {
      mkdirSync(join(bad, 'src'));
      writeFileSync(join(bad, 'src', 'e.js'), "export const m = () => import('./x.js');");
      assert.throws(() => bundleServer({ distDir: bad, entry: 'src/e.js', outDir: join(bad, 'out') }), /dynamic import/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
