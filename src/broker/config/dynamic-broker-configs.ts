import { brokerConfigDefinitions } from './broker-config-definitions.js';
import { ConfigSource } from './config-definition.js';

/**
 * Broker configs set at run time (Kafka stores them in ZooKeeper under /config/brokers): for this
 * broker (`/config/brokers/<id>`) and the cluster-wide default (`/config/brokers/<default>`).
 * They overlay server.properties key by key: per-broker, then cluster default, then the static
 * file, then the definition's default.
 */
export interface DynamicBrokerConfigs {
  readonly broker?: Readonly<Record<string, string>>;
  readonly clusterDefault?: Readonly<Record<string, string>>;
}

/** The layers a broker key's value can come from, in precedence order. */
export interface BrokerValueSources {
  readonly raw: ReadonlyMap<string, string>;
}

export interface SourcedValue {
  readonly value: string;
  readonly source: ConfigSource;
}

/**
 * Where `key`'s value comes from, highest precedence first (only the layers that set it, then
 * the definition's default when it has one).
 */
export function brokerValueLayers(broker: BrokerValueSources, dynamic: DynamicBrokerConfigs | undefined, key: string): SourcedValue[] {
  const out: SourcedValue[] = [];
  const perBroker = dynamic?.broker?.[key];
  if (perBroker !== undefined) out.push({ value: perBroker, source: ConfigSource.DYNAMIC_BROKER_CONFIG });
  const clusterDefault = dynamic?.clusterDefault?.[key];
  if (clusterDefault !== undefined) out.push({ value: clusterDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  const staticValue = broker.raw.get(key);
  if (staticValue !== undefined) out.push({ value: staticValue, source: ConfigSource.STATIC_BROKER_CONFIG });
  const def = brokerConfigDefinitions.get(key)?.default;
  if (def !== undefined && def !== null) out.push({ value: def, source: ConfigSource.DEFAULT_CONFIG });
  return out;
}

/** The text in force for `key` (null when unset and without default). */
export function effectiveBrokerValue(broker: BrokerValueSources, dynamic: DynamicBrokerConfigs | undefined, key: string): string | null {
  return brokerValueLayers(broker, dynamic, key)[0]?.value ?? null;
}
