/**
 * Which exports of a loaded plugin module are Connect plugins, and of what type.
 *
 * Two ways, both documented in src/connect/runtime/plugins.ts:
 *  - every exported class that extends Samsa's SourceConnector or SinkConnector (found through
 *    its prototype chain) is a connector named by its JavaScript class name;
 *  - an export named `samsaConnectPlugins`, an object (or a function of Samsa's Connect API
 *    module returning one, possibly as a promise) with the groups `connectors`, `converters`,
 *    `headerConverters`, `transformations` and `predicates`, each mapping class names (Java-style
 *    names such as `com.example.MySourceConnector` welcome) to classes. Converters, header
 *    converters, transformations and predicates are interfaces, so they are found only this way;
 *    their classes are checked for the interface's methods.
 */
import { SinkConnector, SourceConnector, type Connector } from '../../api/connector.js';

/** Kafka's plugin types, as GET /connector-plugins shows them. */
export type PluginType = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

/** The export a plugin module uses to name its plugins. */
export const MANIFEST_EXPORT = 'samsaConnectPlugins';

export type PluginClass = new () => unknown;

export interface SamsaConnectPluginManifest {
  connectors?: Record<string, new () => Connector>;
  /** Converters; a class that is also a HeaderConverter may be used as both. */
  converters?: Record<string, PluginClass>;
  headerConverters?: Record<string, PluginClass>;
  transformations?: Record<string, PluginClass>;
  predicates?: Record<string, PluginClass>;
}

/** A class found in a module: its class name and every type it is. */
export interface FoundPlugin {
  className: string;
  ctor: PluginClass;
  types: PluginType[];
}

const GROUPS = ['connectors', 'converters', 'headerConverters', 'transformations', 'predicates'] as const;

function isClass(v: unknown): v is PluginClass {
  return typeof v === 'function' && typeof (v as { prototype?: unknown }).prototype === 'object' && (v as { prototype?: unknown }).prototype !== null;
}

function hasMethods(ctor: PluginClass, ...names: string[]): boolean {
  const proto = ctor.prototype as Record<string, unknown>;
  return names.every((n) => typeof proto[n] === 'function');
}

/** The connector type of a class, from its prototype chain, or null. */
export function connectorType(ctor: PluginClass): 'source' | 'sink' | null {
  if (ctor.prototype instanceof SourceConnector) return 'source';
  if (ctor.prototype instanceof SinkConnector) return 'sink';
  return null;
}

/** Converter types a class has the methods of. */
function converterTypes(ctor: PluginClass): PluginType[] {
  const types: PluginType[] = [];
  if (hasMethods(ctor, 'configure', 'fromConnectData', 'toConnectData')) types.push('converter');
  if (hasMethods(ctor, 'configure', 'fromConnectHeader', 'toConnectHeader')) types.push('header_converter');
  return types;
}

/**
 * The plugins of one module's namespace. `api` produces Samsa's Connect API module for a
 * manifest function. Throws an Error describing a malformed manifest or a class that is not what
 * its group says.
 */
export async function findPlugins(namespace: Record<string, unknown>, api: () => Promise<unknown>): Promise<FoundPlugin[]> {
  const found = new Map<string, FoundPlugin>();
  const listed = new Set<unknown>();
  const add = (className: string, ctor: PluginClass, types: PluginType[]): void => {
    const existing = found.get(className);
    if (existing !== undefined && existing.ctor !== ctor) throw new Error(`two different classes are named ${className}`);
    const entry = existing ?? { className, ctor, types: [] };
    for (const t of types) if (!entry.types.includes(t)) entry.types.push(t);
    found.set(className, entry);
  };

  let manifest = namespace[MANIFEST_EXPORT];
  if (typeof manifest === 'function') manifest = await (manifest as (api: unknown) => unknown)(await api());
  if (manifest !== undefined) {
    if (manifest === null || typeof manifest !== 'object') throw new Error(`${MANIFEST_EXPORT} must be an object (or a function returning one)`);
    const m = manifest as Record<string, unknown>;
    for (const key of Object.keys(m)) if (!(GROUPS as readonly string[]).includes(key)) throw new Error(`${MANIFEST_EXPORT} has an unknown group "${key}"; groups: ${GROUPS.join(', ')}`);
    for (const group of GROUPS) {
      const entries = m[group];
      if (entries === undefined) continue;
      if (entries === null || typeof entries !== 'object') throw new Error(`${MANIFEST_EXPORT}.${group} must be an object of class name -> class`);
      for (const [className, ctor] of Object.entries(entries as Record<string, unknown>)) {
        const where = `${MANIFEST_EXPORT}.${group}["${className}"]`;
        if (className.trim() === '' || /\s/.test(className)) throw new Error(`${where}: a class name must be non-empty without spaces`);
        if (!isClass(ctor)) throw new Error(`${where} is not a class`);
        listed.add(ctor);
        switch (group) {
          case 'connectors': {
            const t = connectorType(ctor);
            if (t === null) throw new Error(`${where} does not extend SourceConnector or SinkConnector`);
            add(className, ctor, [t]);
            break;
          }
          case 'converters':
          case 'headerConverters': {
            const types = converterTypes(ctor);
            const wanted = group === 'converters' ? 'converter' : 'header_converter';
            if (!types.includes(wanted)) {
              throw new Error(group === 'converters' ? `${where} is not a Converter (configure, fromConnectData and toConnectData)` : `${where} is not a HeaderConverter (configure, fromConnectHeader and toConnectHeader)`);
            }
            add(className, ctor, types);
            break;
          }
          case 'transformations':
            if (!hasMethods(ctor, 'configure', 'apply', 'config', 'close')) throw new Error(`${where} is not a Transformation (configure, apply, config and close)`);
            add(className, ctor, ['transformation']);
            break;
          case 'predicates':
            if (!hasMethods(ctor, 'configure', 'test', 'config', 'close')) throw new Error(`${where} is not a Predicate (configure, test, config and close)`);
            add(className, ctor, ['predicate']);
            break;
        }
      }
    }
  }

  // Exported connector classes the manifest does not list, by their JavaScript names.
  for (const [exportName, value] of Object.entries(namespace)) {
    if (exportName === MANIFEST_EXPORT || !isClass(value) || listed.has(value)) continue;
    const t = connectorType(value);
    if (t === null) continue;
    const className = value.name === '' ? exportName : value.name;
    add(className, value, [t]);
    listed.add(value);
  }
  return [...found.values()];
}
