/**
 * Where a plugin package starts: the file a directory of plugin.path stands for. A directory with
 * a package.json is an npm package: its `exports` (the "." entry; conditions `import`, `node`,
 * `default`, in that order) or else its `main`, or else `index.js`. A directory without a
 * package.json is a package if it holds `index.js` or `index.mjs`. Anything else is not a plugin.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CONDITIONS = ['import', 'node', 'default'];

/** Extensions of single-file plugins directly in a plugin.path directory. */
export const PLUGIN_FILE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

function pickExport(target: unknown): string | null {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const picked = pickExport(t);
      if (picked !== null) return picked;
    }
    return null;
  }
  if (target !== null && typeof target === 'object') {
    const map = target as Record<string, unknown>;
    for (const c of CONDITIONS) if (c in map) return pickExport(map[c]);
  }
  return null;
}

/** The "." entry of a package.json `exports` field, or null. */
function exportsEntry(exportsField: unknown): string | null {
  if (exportsField !== null && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    const map = exportsField as Record<string, unknown>;
    const keys = Object.keys(map);
    // Subpath exports ({".": ..., "./x": ...}) or conditions ({"import": ...}).
    if (keys.some((k) => k.startsWith('.'))) return '.' in map ? pickExport(map['.']) : null;
  }
  return pickExport(exportsField);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when `dir` is a package directory (has a package.json, an index.js or an index.mjs). */
export function isPackageDirectory(dir: string): boolean {
  return isFile(join(dir, 'package.json')) || isFile(join(dir, 'index.js')) || isFile(join(dir, 'index.mjs'));
}

/**
 * The entry file of the package in `dir`. Throws an Error naming the reason when the package
 * names an entry that does not exist or has none.
 */
export function packageEntry(dir: string): string {
  const manifestFile = join(dir, 'package.json');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { exports?: unknown; main?: unknown };
    let entry: string | null = null;
    if (manifest.exports !== undefined) {
      entry = exportsEntry(manifest.exports);
      if (entry === null) throw new Error(`${manifestFile}: "exports" has no "." entry for the import, node or default condition`);
    } else if (typeof manifest.main === 'string' && manifest.main.trim() !== '') {
      entry = manifest.main;
    }
    if (entry !== null) {
      const file = resolve(dir, entry);
      if (isFile(file)) return file;
      for (const ext of PLUGIN_FILE_EXTENSIONS) if (isFile(file + ext)) return file + ext;
      if (isFile(join(file, 'index.js'))) return join(file, 'index.js');
      throw new Error(`${manifestFile}: the entry point ${entry} does not exist`);
    }
  }
  for (const index of ['index.js', 'index.mjs']) if (isFile(join(dir, index))) return join(dir, index);
  throw new Error(`${dir}: a package without an entry point (no "exports", "main", index.js or index.mjs)`);
}
