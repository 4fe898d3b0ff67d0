/**
 * Builds a transformation chain from connector settings, with Kafka's keys (ConnectorConfig):
 *
 *   transforms=a,b                       aliases, applied in order
 *   transforms.a.type=<class or alias>   required
 *   transforms.a.<key>=...               the transform's settings (prefix stripped; all of them,
 *                                        including type/predicate/negate, are passed, as in Kafka)
 *   transforms.a.predicate=p             apply `a` only to records for which predicate `p` is true
 *   transforms.a.negate=true             ... or only where it is false
 *   predicates=p                         predicate aliases
 *   predicates.p.type=<class or alias>   required; predicates.p.<key>=... its settings
 *
 * Each transform that names a predicate gets its own predicate instance (as Kafka does). Bad
 * settings are ConfigExceptions naming the key.
 */
import { ConfigException } from '../api/errors.js';
import type { AnyConnectRecord, Predicate, Transformation } from '../api/transformation.js';
import { defaultTransformRegistry } from './registry.js';
import type { TransformRegistry } from './registry.js';

/** One transformation with its optional predicate (Kafka's TransformationStage). */
export class TransformationStage<R extends AnyConnectRecord = AnyConnectRecord> {
  constructor(
    readonly alias: string,
    readonly transformation: Transformation<R>,
    readonly predicate: Predicate<R> | null = null,
    readonly negate = false,
  ) {}

  apply(record: R): R | null {
    if (this.predicate === null || this.predicate.test(record) !== this.negate) return this.transformation.apply(record);
    return record;
  }

  close(): void {
    try {
      this.transformation.close();
    } finally {
      this.predicate?.close();
    }
  }
}

export class TransformationChain<R extends AnyConnectRecord = AnyConnectRecord> {
  constructor(readonly stages: readonly TransformationStage<R>[]) {}

  /** The record after every stage, or null when a stage dropped it. */
  apply(record: R): R | null {
    let current: R | null = record;
    for (const stage of this.stages) {
      current = stage.apply(current);
      if (current === null) return null;
    }
    return current;
  }

  close(): void {
    let first: unknown = null;
    for (const stage of this.stages) {
      try {
        stage.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== null) throw first;
  }
}

function aliasList(props: Readonly<Record<string, string>>, key: string): string[] {
  const raw = props[key];
  if (raw === undefined || raw.trim() === '') return [];
  const aliases = raw.trim().split(/\s*,\s*/);
  if (aliases.some((a) => a === '')) throw new ConfigException(`Invalid value ${raw} for configuration ${key}: empty alias`);
  if (new Set(aliases).size !== aliases.length) throw new ConfigException(`Invalid value ${raw} for configuration ${key}: Duplicate alias provided.`);
  return aliases;
}

function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function requireType(props: Readonly<Record<string, string>>, key: string): string {
  const type = props[key];
  if (type === undefined || type.trim() === '') throw new ConfigException(`Missing required configuration "${key}" which has no default value.`);
  return type.trim();
}

/**
 * A transform's or predicate's ConfigException with its keys given their full connector names
 * (`fields` → `transforms.a.fields`), as Kafka reports them after enriching the connector config.
 */
function prefixed(e: unknown, prefix: string): unknown {
  if (!(e instanceof ConfigException)) return e;
  const message = e.message
    .replace(/^(Missing required configuration ")([^"]+)"/, (_m, a: string, k: string) => `${a}${prefix}${k}"`)
    .replace(/ for configuration (\S+?)(:|$)/, (_m, k: string, end: string) => ` for configuration ${prefix}${k}${end}`);
  return new ConfigException(message === e.message ? `${prefix}*: ${e.message}` : message, { cause: e });
}

/** Builds the chain described by `props` (a connector's settings). */
export function buildTransformationChain<R extends AnyConnectRecord = AnyConnectRecord>(
  props: Readonly<Record<string, string>>, registry: TransformRegistry = defaultTransformRegistry(),
): TransformationChain<R> {
  const predicateAliases = new Set(aliasList(props, 'predicates'));
  for (const p of predicateAliases) {
    const key = `predicates.${p}.type`;
    const type = requireType(props, key);
    if (registry.predicate(type) === undefined) throw new ConfigException(`Invalid value ${type} for configuration ${key}: Class ${type} could not be found.`);
  }
  const stages: TransformationStage<R>[] = [];
  try {
    for (const alias of aliasList(props, 'transforms')) {
      const prefix = `transforms.${alias}.`;
      const typeKey = `${prefix}type`;
      const type = requireType(props, typeKey);
      const factory = registry.transformation(type);
      if (factory === undefined) throw new ConfigException(`Invalid value ${type} for configuration ${typeKey}: Class ${type} could not be found.`);
      const settings = withPrefix(props, prefix);
      let predicate: Predicate<R> | null = null;
      let negate = false;
      const predicateAlias = settings.predicate?.trim();
      if (predicateAlias !== undefined && predicateAlias !== '') {
        if (!predicateAliases.has(predicateAlias)) {
          throw new ConfigException(`Invalid value ${predicateAlias} for configuration ${prefix}predicate: The predicate alias '${predicateAlias}' is not listed in 'predicates'`);
        }
        const negateRaw = settings.negate?.trim().toLowerCase();
        if (negateRaw !== undefined && negateRaw !== 'true' && negateRaw !== 'false') {
          throw new ConfigException(`Invalid value ${settings.negate} for configuration ${prefix}negate: Expected value to be either true or false`);
        }
        negate = negateRaw === 'true';
        predicate = registry.predicate(requireType(props, `predicates.${predicateAlias}.type`))!() as Predicate<R>;
        try {
          predicate.configure(withPrefix(props, `predicates.${predicateAlias}.`));
        } catch (e) {
          throw prefixed(e, `predicates.${predicateAlias}.`);
        }
      }
      const transformation = factory() as Transformation<R>;
      try {
        transformation.configure(settings);
      } catch (e) {
        predicate?.close();
        throw prefixed(e, prefix);
      }
      stages.push(new TransformationStage(alias, transformation, predicate, negate));
    }
  } catch (e) {
    for (const s of stages) {
      try { s.close(); } catch { /* closing after a failed build */ }
    }
    throw e;
  }
  return new TransformationChain(stages);
}
