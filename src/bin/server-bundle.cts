/*
 * CommonJS (.cts -> .cjs) so that the bins can be CommonJS too: on Node 20 a CommonJS main module
 * starts without the ES module loader, which costs a few milliseconds before the first line runs.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** Where `npm run build` writes the bundle (scripts/bundle-server.ts): dist/src/bin/bundle/. */
export const SERVER_BUNDLE_DIR = join(__dirname, 'bundle');

/** What the first chunk records about the build. */
export interface ServerBundleManifest {
  /** Module id (path from dist/, `/`-separated) whose exports the bundle serves. */
  entry: string;
  /** dist/ relative to the bundle folder. */
  distRoot: string;
  /** The project root (where node_modules is) relative to the bundle folder: bundled npm package files' ids are paths from it. */
  projectRoot: string;
  /** Chunk file names, the first being the one holding the manifest; the others are read on first use. */
  chunks: string[];
  /** Module id -> index into `chunks`. */
  moduleChunk: Record<string, number>;
  /** dist/.tsbuildinfo (relative to the bundle folder) and its mtime when the bundle was made. */
  tsBuildInfo: { path: string; mtimeMs: number } | null;
}

/** A module of dist/ (tsc output made CommonJS by the bundler). */
type ModuleFunction = (exports: object, require: NodeJS.Require, module: { exports: object }, importMetaUrl: string, requireBundled: (id: string) => unknown) => void;
/** A file of a bundled npm package, as it is, in Node's CommonJS wrapper. */
type PackageModuleFunction = (exports: object, require: (spec: string) => unknown, module: { exports: object }, filename: string, dirname: string) => void;

interface ChunkValue {
  manifest?: ServerBundleManifest;
  modules: Record<string, ModuleFunction | PackageModuleFunction>;
  /** Per bundled package file: literal `require` argument -> bundle id, or null for a Node built-in (others: a real require from the file's place). */
  packageRequires?: Record<string, Record<string, string | null>>;
}

interface LoadedChunk {
  file: string;
  script: Script;
  /** undefined: no cache file; true: V8 refused it (other Node version or flags) and compiled the source. */
  cachedDataRejected: boolean | undefined;
}

export interface ServerBundleOptions {
  /** Use the `.cache` files beside the chunks (V8 code cache). Default true. */
  codeCache?: boolean;
}

/**
 * The broker's CLI as made by scripts/bundle-server.ts: every module of dist/src it needs (and
 * the plain-JavaScript npm packages they use), as functions in up to three plain scripts, compiled
 * with V8's code cache when it is there. Loading it costs a few file reads instead of resolving,
 * reading and linking ~200 ES modules and the packages' CommonJS files; a module runs
 * when one of its exports is first used, so start-up runs only the code start-up needs (the
 * per-API codecs, for instance, wait for the first request of their API).
 *
 * Semantics differ from ES modules in one way the bundler relies on: a module's top-level code
 * runs on first use of one of its bindings rather than before its importer. No module of dist/src
 * depends on the eager order (none has import-for-side-effect), and the tests that start the
 * CLI run through this bundle.
 */
export class ServerBundle {
  readonly manifest: ServerBundleManifest;
  private readonly definitions = new Map<string, ModuleFunction | PackageModuleFunction>();
  private readonly packageRequires = new Map<string, Record<string, string | null>>();
  private readonly instances = new Map<string, { exports: object }>();
  private readonly chunks: (LoadedChunk | undefined)[];
  private readonly externalRequire: NodeJS.Require;
  private readonly distRootUrl: string;
  private readonly projectRoot: string;

  private constructor(
    private readonly dir: string,
    private readonly options: ServerBundleOptions,
    first: LoadedChunk,
    value: ChunkValue,
  ) {
    this.manifest = value.manifest!;
    this.chunks = this.manifest.chunks.map(() => undefined);
    this.chunks[0] = first;
    this.addModules(value);
    const distRoot = resolve(dir, this.manifest.distRoot);
    this.externalRequire = createRequire(join(distRoot, this.manifest.entry));
    this.distRootUrl = `${pathToFileURL(distRoot).href}/`;
    this.projectRoot = resolve(dir, this.manifest.projectRoot);
  }

  /**
   * Loads the bundle in `dir`, or returns null when there is none, or when dist/.tsbuildinfo
   * changed since it was made (tsc ran without the bundling step: the modules are newer).
   */
  static load(dir: string = SERVER_BUNDLE_DIR, options: ServerBundleOptions = {}): ServerBundle | null {
    let first: LoadedChunk;
    try {
      first = ServerBundle.compile(dir, 'main.js', options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const value = first.script.runInThisContext() as ChunkValue;
    const built = value.manifest?.tsBuildInfo;
    if (built !== null && built !== undefined) {
      const now = statSync(resolve(dir, built.path), { throwIfNoEntry: false });
      if (now !== undefined && now.mtimeMs !== built.mtimeMs) return null;
    }
    return new ServerBundle(dir, options, first, value);
  }

  private static compile(dir: string, file: string, options: ServerBundleOptions): LoadedChunk {
    const path = join(dir, file);
    // The bundler escapes every non-ASCII character, so latin1 is exact and cheaper than UTF-8.
    const source = readFileSync(path, 'latin1');
    let cachedData: Buffer | undefined;
    if (options.codeCache !== false) {
      try {
        cachedData = readFileSync(`${path}.cache`);
      } catch {
        cachedData = undefined;
      }
    }
    const script = new Script(source, { filename: path, cachedData });
    return { file, script, cachedDataRejected: cachedData === undefined ? undefined : script.cachedDataRejected === true };
  }

  private addModules(value: ChunkValue): void {
    for (const [id, fn] of Object.entries(value.modules)) this.definitions.set(id, fn);
    for (const [id, requires] of Object.entries(value.packageRequires ?? {})) this.packageRequires.set(id, requires);
  }

  /** The exports of a bundled module (id: path from dist/, e.g. `src/broker/broker.js`), running it on first use. */
  require(id: string): unknown {
    const done = this.instances.get(id);
    if (done !== undefined) return done.exports;
    let fn = this.definitions.get(id);
    if (fn === undefined) {
      const index = this.manifest.moduleChunk[id];
      if (index === undefined || this.chunks[index] !== undefined) throw new Error(`module ${id} is not in the server bundle`);
      const chunk = ServerBundle.compile(this.dir, this.manifest.chunks[index]!, this.options);
      this.chunks[index] = chunk;
      this.addModules(chunk.script.runInThisContext() as ChunkValue);
      fn = this.definitions.get(id)!;
    }
    const module = { exports: {} };
    this.instances.set(id, module);
    const requires = this.packageRequires.get(id);
    if (requires === undefined) {
      (fn as ModuleFunction).call(module.exports, module.exports, this.externalRequire, module, this.distRootUrl + id, this.requireBundled);
    } else {
      const filename = join(this.projectRoot, id);
      let fromHere: NodeJS.Require | undefined;
      const requireFromPackage = (spec: string): unknown => {
        const target = Object.hasOwn(requires, spec) ? requires[spec] : undefined;
        if (target === null) return this.externalRequire(spec);
        if (target !== undefined) return this.require(target);
        return (fromHere ??= createRequire(filename))(spec);
      };
      (fn as PackageModuleFunction).call(module.exports, module.exports, requireFromPackage, module, filename, dirname(filename));
    }
    return module.exports;
  }

  private readonly requireBundled = (id: string): unknown => this.require(id);

  /** The entry module's exports. */
  entry<T>(): T {
    return this.require(this.manifest.entry) as T;
  }

  /** Ids of the modules that have run so far. */
  loadedModules(): string[] {
    return [...this.instances.keys()];
  }

  /** Per chunk file: not read yet, read without cache, cache used, or cache refused by V8. */
  codeCacheStatus(): Record<string, 'not loaded' | 'no cache' | 'used' | 'rejected'> {
    const out: Record<string, 'not loaded' | 'no cache' | 'used' | 'rejected'> = {};
    this.manifest.chunks.forEach((file, i) => {
      const c = this.chunks[i];
      out[file] = c === undefined ? 'not loaded' : c.cachedDataRejected === undefined ? 'no cache' : c.cachedDataRejected ? 'rejected' : 'used';
    });
    return out;
  }

  /** Reads the chunks after the first and runs their modules (to compile them before taking a code cache). */
  loadLaterChunks(): void {
    for (const [id, chunk] of Object.entries(this.manifest.moduleChunk)) if (chunk > 0) this.require(id);
  }

  /** V8 code cache of each chunk read so far, holding every function compiled until now. */
  codeCaches(): { file: string; data: Buffer }[] {
    return this.chunks.filter((c): c is LoadedChunk => c !== undefined).map((c) => ({ file: c.file, data: c.script.createCachedData() }));
  }
}

export type SamsaTools = typeof import('./samsa-tools.js');

/**
 * What the bins run: `samsa <tool> [args]` from the server bundle, or from the ES modules when
 * there is no up-to-date bundle or SAMSA_BUNDLE=0 asks for them (readable stack traces when
 * debugging); then exits with the tool's status. The Kafka Connect workers run in a thread of
 * their own with a larger young generation (tool-thread.cts). Kept in this file so that a bin
 * loads two CommonJS files before the bundle.
 */
export function runTool(argv: string[]): void {
  if (argv[0]?.startsWith('connect-') === true) {
    // Read only for these tools: the broker's start does without it.
    const thread = require('./tool-thread.cjs') as typeof import('./tool-thread.cjs');
    if (thread.runsInToolThread(argv)) {
      thread.runToolInThread(argv);
      return;
    }
  }
  const bundle = process.env.SAMSA_BUNDLE === '0' ? null : ServerBundle.load();
  const tools: Promise<SamsaTools> = bundle === null ? import('./samsa-tools.js') : Promise.resolve(bundle.entry<SamsaTools>());
  tools
    .then((t) => t.samsa(argv))
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
}
