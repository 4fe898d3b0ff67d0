/** Parsing of converter settings the way Kafka's ConfigDef parses them, with its messages. */
import { ConfigException } from '../api/errors.js';

export function booleanConfig(configs: Readonly<Record<string, string>>, name: string, def: boolean): boolean {
  const raw = configs[name];
  if (raw === undefined || raw === null) return def;
  const v = String(raw).trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigException(`Invalid value ${raw} for configuration ${name}: Expected value to be either true or false`);
}

export function intConfig(configs: Readonly<Record<string, string>>, name: string, def: number): number {
  const raw = configs[name];
  if (raw === undefined || raw === null) return def;
  const v = String(raw).trim();
  if (!/^[+-]?\d+$/.test(v) || Number(v) > 2147483647 || Number(v) < -2147483648) throw new ConfigException(`Invalid value ${raw} for configuration ${name}: Not a number of type INT`);
  return Number(v);
}

export function caseInsensitiveChoice<T extends string>(configs: Readonly<Record<string, string>>, name: string, def: T, choices: readonly T[]): T {
  const raw = configs[name];
  if (raw === undefined || raw === null) return def;
  const v = String(raw).trim().toUpperCase();
  const found = choices.find((c) => c.toUpperCase() === v);
  if (found === undefined) throw new ConfigException(`Invalid value ${raw} for configuration ${name}: String must be one of (case insensitive): ${choices.join(', ')}`);
  return found;
}
