/**
 * SimpleConfig (Kafka's org.apache.kafka.connect.transforms.util.SimpleConfig): a transform's or
 * predicate's settings parsed against its ConfigDef, with typed getters. Parsing throws the
 * ConfigDef's ConfigExceptions (Kafka's messages, naming the key without the `transforms.<alias>.`
 * prefix; the chain adds it).
 */
import type { ConfigDef, ConfigValueType } from '../api/config-def.js';

export class SimpleConfig {
  private readonly values: Record<string, ConfigValueType>;

  constructor(readonly definition: ConfigDef, props: Readonly<Record<string, string>>) {
    this.values = definition.parse(props);
  }

  private value(name: string): ConfigValueType | undefined {
    if (!Object.hasOwn(this.values, name)) throw new Error(`Unknown configuration '${name}'`);
    return this.values[name];
  }

  getString(name: string): string | null {
    return (this.value(name) as string | null) ?? null;
  }

  getList(name: string): string[] {
    return [...((this.value(name) as string[] | null) ?? [])];
  }

  getInt(name: string): number | null {
    return (this.value(name) as number | null) ?? null;
  }

  getBoolean(name: string): boolean {
    return this.value(name) === true;
  }
}
