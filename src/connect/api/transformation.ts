/**
 * The single message transform SPI (Kafka's org.apache.kafka.connect.transforms.Transformation and
 * org.apache.kafka.connect.transforms.predicates.Predicate). A transformation is configured once
 * with its `transforms.<alias>.*` settings (prefix stripped), then applied to each record; it
 * returns the (new, records are immutable) record, or null to drop it. A predicate decides whether
 * a transformation applies to a record.
 *
 * `config()` returns the ConfigDef of the settings (keys, types, defaults, validators, docs), as
 * Kafka's Transformation.config() does; the REST API lists it for each plugin.
 */
import type { ConfigDef } from './config-def.js';
import type { ConnectRecord } from './data/connect-record.js';

export type AnyConnectRecord = ConnectRecord<any>;

export interface Transformation<R extends AnyConnectRecord = AnyConnectRecord> {
  /** Configures the transformation; throws ConfigException naming the bad key. */
  configure(props: Readonly<Record<string, string>>): void;
  /** The transformed record, or null to drop it. Throws DataException for data it cannot handle. */
  apply(record: R): R | null;
  /** The description of the settings `configure` accepts. */
  config(): ConfigDef;
  close(): void;
}

export interface Predicate<R extends AnyConnectRecord = AnyConnectRecord> {
  configure(props: Readonly<Record<string, string>>): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close(): void;
}
