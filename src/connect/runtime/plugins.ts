/**
 * `plugin.path`: loading connectors, converters, transformations and predicates from outside
 * Samsa (Kafka's worker setting of the same name; there, directories of jars).
 *
 * Each plugin.path entry is a directory. If it is itself a package directory (it has a
 * package.json, an index.js or an index.mjs) it is loaded as one plugin package. Otherwise each of
 * its entries is a plugin:
 *  - a package directory: an npm package (package.json with `exports` or `main`, else its
 *    index.js), or a directory holding index.js / index.mjs;
 *  - a single `.js`, `.mjs` or `.cjs` file.
 * Other entries (sub-directories that are not packages, other files) are ignored, as Kafka
 * ignores what is not a jar or a class directory. A plugin module is loaded by Node's ES module
 * loader (plugins/import-module.ts), so ES modules and CommonJS both work.
 *
 * What a module provides (src/connect/runtime/plugins/plugin-classes.ts):
 *  - every exported class extending SourceConnector or SinkConnector is a connector, under its
 *    JavaScript class name;
 *  - `export const samsaConnectPlugins = { connectors, converters, headerConverters,
 *    transformations, predicates }`, each group an object of class name -> class, names the
 *    plugins explicitly. It is the only way to provide converters, transformations and
 *    predicates (interfaces, not base classes) and the way to give a class a Java-style name
 *    (`'com.example.MySourceConnector': MySourceConnector`). It may also be a function that
 *    receives Samsa's Connect API module (`src/connect/index.ts`: SourceConnector, SourceRecord,
 *    Schema, ConfigDef, ...) and returns the object, so that a package needs no import of Samsa
 *    and always extends the classes of the Samsa that runs it (what Kafka's class loaders give a
 *    plugin): `export function samsaConnectPlugins(connect) { class S extends
 *    connect.SourceConnector {...}; return { connectors: { 'com.example.S': S } }; }`.
 *    This is the recommended form: a class that extends a SourceConnector imported from some other
 *    copy of Samsa's files (an own node_modules/samsa, or dist/ while the worker runs from the
 *    server bundle) is a different class, and is not recognised as a connector.
 *
 * Names: as Kafka's aliases, a plugin can be named by its class name, by its simple name (after
 * the last '.'), and by the simple name without the type's suffix (`Connector`, `Converter`,
 * `HeaderConverter`, `Transformation`, `Predicate`). Connector and converter aliases are the
 * registries' own; a transformation or predicate alias is registered only when no other
 * transformation or predicate already has that name. A class name already registered (a
 * built-in, or an earlier plugin) is not replaced: the plugin is skipped with a warning.
 *
 * Errors, as Kafka: a plugin that fails to load (loading the module throws, a malformed manifest,
 * a class that is not what its group says) is logged with its path and skipped; so is a single
 * class that cannot be instantiated or has no version() (the module's other classes still load).
 * A plugin.path entry that is not an existing directory is a ConfigException naming
 * `plugin.path` (Kafka itself logs and ignores it).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Connector } from '../api/connector.js';
import type { AnyConnectRecord, Predicate, Transformation } from '../api/transformation.js';
import type { Converter, HeaderConverter } from '../api/converter.js';
import { ConfigException } from '../api/errors.js';
import type { ConnectorPluginRegistry } from '../connectors/registry.js';
import type { ConverterRegistry } from '../converters/registry.js';
import type { TransformRegistry } from '../transforms/registry.js';
import type { Logger } from '../../logging/logger.js';
// The API handed to manifest functions; only used when plugins load, so the import cycle through
// index.ts (should it export this module) is harmless.
import * as connectApi from '../index.js';
import { importModule } from './plugins/import-module.js';
import { isPackageDirectory, packageEntry, PLUGIN_FILE_EXTENSIONS } from './plugins/package-entry.js';
import { findPlugins, type FoundPlugin, type PluginType } from './plugins/plugin-classes.js';

export { MANIFEST_EXPORT, type PluginType, type SamsaConnectPluginManifest } from './plugins/plugin-classes.js';

export const PLUGIN_PATH_CONFIG = 'plugin.path';

/** The registries loaded plugins are added to. */
export interface PluginRegistries {
  connectors: ConnectorPluginRegistry;
  converters: ConverterRegistry;
  transforms: TransformRegistry;
}

/** One loaded plugin (Kafka's PluginDesc): a class registered as one type. */
export interface PluginDescription {
  /** The name it was registered under (the manifest's key, or the JavaScript class name). */
  className: string;
  type: PluginType;
  /** `version()` of an instance, or "undefined" (Kafka's word) when the class has none. */
  version: string;
  /** The file the module was loaded from. */
  location: string;
  /** The other names it can be referred to by. */
  aliases: string[];
}

const TYPE_SUFFIX: Record<PluginType, string> = {
  source: 'Connector',
  sink: 'Connector',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
  transformation: 'Transformation',
  predicate: 'Predicate',
};

/** Kafka's aliases of a class name for a plugin type: the simple name and the simple name without the type's suffix. */
export function pluginAliases(className: string, type: PluginType): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  const names = new Set<string>([simple]);
  const suffix = TYPE_SUFFIX[type];
  if (simple.endsWith(suffix) && simple !== suffix) names.add(simple.slice(0, -suffix.length));
  // The converter registry also strips "Converter" from header converter names.
  if (type === 'header_converter' && simple.endsWith('Converter') && simple !== 'Converter') names.add(simple.slice(0, -'Converter'.length));
  names.delete(className);
  return [...names];
}

/** The plugin modules one plugin.path entry holds. Throws ConfigException if it is not a directory. */
function pluginModules(entry: string, logger: Logger): string[] {
  const dir = resolve(entry);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ConfigException(`Invalid value ${entry} for configuration ${PLUGIN_PATH_CONFIG}: not an existing directory`);
  if (isPackageDirectory(dir)) return [dir];
  const modules: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      logger.warn({ path, err }, 'cannot read plugin path entry; ignoring it');
      continue;
    }
    if (st.isDirectory()) {
      if (isPackageDirectory(path)) modules.push(path);
      else logger.debug({ path }, 'plugin path directory is not a package; ignoring it');
    } else if (st.isFile() && PLUGIN_FILE_EXTENSIONS.includes(extname(name))) {
      modules.push(path);
    }
  }
  return modules;
}

function instanceVersion(ctor: new () => unknown, type: PluginType): string {
  const proto = ctor.prototype as { version?: unknown };
  if (typeof proto.version !== 'function' && type !== 'source' && type !== 'sink') return 'undefined';
  const v = (new ctor() as { version(): unknown }).version();
  return String(v);
}

/** Registers one found class as each of its types; returns the descriptions, or [] when skipped. */
function register(found: FoundPlugin, location: string, registries: PluginRegistries, logger: Logger): PluginDescription[] {
  const { className, ctor } = found;
  const descriptions: PluginDescription[] = [];
  const taken = (type: PluginType): boolean => {
    switch (type) {
      case 'source':
      case 'sink':
        return registries.connectors.className(className) !== undefined;
      case 'converter':
      case 'header_converter':
        return registries.converters.resolve(className) !== null;
      case 'transformation':
        return registries.transforms.transformationClassNames().includes(className);
      case 'predicate':
        return registries.transforms.predicateClassNames().includes(className);
    }
  };
  let converterRegistered = false;
  for (const type of found.types) {
    if (taken(type) && !(converterRegistered && (type === 'converter' || type === 'header_converter'))) {
      logger.warn({ path: location, className, type }, 'a plugin with this class name is already registered; skipping this one');
      continue;
    }
    const version = instanceVersion(ctor, type);
    let aliases = pluginAliases(className, type);
    switch (type) {
      case 'source':
      case 'sink':
        for (const a of aliases) {
          const other = registries.connectors.className(a);
          if (other !== undefined && other !== className) logger.warn({ path: location, className, alias: a, other }, 'plugin alias also names another connector; it now names this one');
        }
        registries.connectors.register(className, ctor as new () => Connector);
        break;
      case 'converter':
      case 'header_converter':
        if (!converterRegistered) {
          for (const a of aliases) {
            const other = registries.converters.resolve(a);
            if (other !== null && other !== className) logger.warn({ path: location, className, alias: a, other }, 'plugin alias also names another converter; it now names this one');
          }
          registries.converters.register(className, () => new ctor() as Converter | HeaderConverter);
          converterRegistered = true;
        }
        break;
      case 'transformation': {
        const factory = (): Transformation<AnyConnectRecord> => new ctor() as Transformation<AnyConnectRecord>;
        registries.transforms.registerTransformation(className, factory);
        aliases = aliases.filter((a) => registries.transforms.transformation(a) === undefined);
        for (const a of aliases) registries.transforms.registerTransformation(a, factory);
        break;
      }
      case 'predicate': {
        const factory = (): Predicate<AnyConnectRecord> => new ctor() as Predicate<AnyConnectRecord>;
        registries.transforms.registerPredicate(className, factory);
        aliases = aliases.filter((a) => registries.transforms.predicate(a) === undefined);
        for (const a of aliases) registries.transforms.registerPredicate(a, factory);
        break;
      }
    }
    descriptions.push({ className, type, version, location, aliases });
  }
  return descriptions;
}

/**
 * Loads every plugin found under the `plugin.path` directories into `registries`. A plugin that
 * fails to load is logged (with its path) and skipped; a missing directory throws ConfigException.
 */
export async function loadPlugins(pluginPath: string[], registries: PluginRegistries, logger: Logger): Promise<{ loaded: PluginDescription[] }> {
  const entries = pluginPath.map((p) => p.trim()).filter((p) => p !== '');
  // Every directory is checked before anything is loaded.
  const modules = entries.flatMap((e) => pluginModules(e, logger));
  const api = (): Promise<unknown> => Promise.resolve(connectApi);
  const loaded: PluginDescription[] = [];
  for (const path of modules) {
    let file = path;
    let found: FoundPlugin[];
    try {
      file = statSync(path).isDirectory() ? packageEntry(path) : path;
      const namespace = await importModule(file);
      found = await findPlugins(namespace, api);
    } catch (err) {
      logger.error({ path, file, err }, 'failed to load plugin; skipping it');
      continue;
    }
    if (found.length === 0) {
      logger.warn({ path: file }, 'plugin module provides no connectors, converters, transformations or predicates');
      continue;
    }
    for (const f of found) {
      // Creating an instance for version() is part of loading (as in Kafka): a class that cannot
      // be created (an exported abstract base class, say) is skipped; the module's others load.
      try {
        for (const t of f.types) instanceVersion(f.ctor, t);
      } catch (err) {
        logger.error({ path: file, className: f.className, err }, 'failed to load plugin class; skipping it');
        continue;
      }
      const descriptions = register(f, file, registries, logger);
      for (const d of descriptions) logger.info({ className: d.className, type: d.type, version: d.version, location: d.location }, 'loaded plugin');
      loaded.push(...descriptions);
    }
  }
  return { loaded };
}
