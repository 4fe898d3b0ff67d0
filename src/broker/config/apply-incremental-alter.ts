import { splitList } from './config-definition.js';
import type { ConfigDefinition } from './config-definition.js';
import { topicConfigDefinitions } from './topic-config-definitions.js';

/** IncrementalAlterConfigs' operation codes (AlterConfigOp.OpType). */
export const AlterConfigOpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
export type AlterConfigOpType = (typeof AlterConfigOpType)[keyof typeof AlterConfigOpType];

export interface AlterConfigOperation {
  readonly name: string;
  /** An AlterConfigOpType code; anything else is INVALID_REQUEST. */
  readonly op: number;
  readonly value: string | null;
}

export type IncrementalAlterResult =
  | { ok: true; configs: Record<string, string> }
  | { ok: false; error: 'INVALID_REQUEST' | 'INVALID_CONFIG'; key: string; message: string };

/**
 * Applies IncrementalAlterConfigs operations to a resource's current overrides (a topic's
 * configs, or a broker's dynamic configs with `definitions` = the broker table) and returns the
 * new overrides. SET replaces, DELETE removes (back to the default), APPEND adds the items not yet
 * in a list config, SUBTRACT removes items from it; APPEND and SUBTRACT start from the current
 * override or, without one, the key's default. Values are not validated here: run
 * validateTopicConfigs on the result, as Kafka validates the merged configs.
 *
 * Errors, as Kafka reports them: the same key twice, an unknown operation or a null value for
 * SET/APPEND/SUBTRACT are INVALID_REQUEST; APPEND/SUBTRACT of an unknown or non-list key is
 * INVALID_CONFIG.
 */
export function applyIncrementalAlter(
  current: Readonly<Record<string, string>>,
  ops: readonly AlterConfigOperation[],
  definitions: ReadonlyMap<string, ConfigDefinition> = topicConfigDefinitions,
): IncrementalAlterResult {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) {
      return { ok: false, error: 'INVALID_REQUEST', key: op.name, message: `Error due to duplicate config keys: ${op.name}` };
    }
    seen.add(op.name);
  }
  const configs: Record<string, string> = { ...current };
  for (const { name, op, value } of ops) {
    if (op === AlterConfigOpType.DELETE) {
      delete configs[name];
      continue;
    }
    if (op !== AlterConfigOpType.SET && op !== AlterConfigOpType.APPEND && op !== AlterConfigOpType.SUBTRACT) {
      return { ok: false, error: 'INVALID_REQUEST', key: name, message: `Unknown alter config operation type ${op} for config ${name}` };
    }
    if (value === null) {
      return { ok: false, error: 'INVALID_REQUEST', key: name, message: `Null value not supported for : ${name}` };
    }
    if (op === AlterConfigOpType.SET) {
      configs[name] = value;
      continue;
    }
    const verb = op === AlterConfigOpType.APPEND ? 'append' : 'subtract';
    const def = definitions.get(name);
    if (def === undefined) return { ok: false, error: 'INVALID_CONFIG', key: name, message: `Unknown config name: ${name}` };
    if (def.type !== 'list') {
      return { ok: false, error: 'INVALID_CONFIG', key: name, message: `Config value ${verb} is not allowed for config key: ${name}` };
    }
    const old = splitList(configs[name] ?? def.default ?? '');
    const items = splitList(value);
    const next = op === AlterConfigOpType.APPEND
      ? [...old, ...items.filter((item, i) => !old.includes(item) && items.indexOf(item) === i)]
      : old.filter((item) => !items.includes(item));
    configs[name] = next.join(',');
  }
  return { ok: true, configs };
}
