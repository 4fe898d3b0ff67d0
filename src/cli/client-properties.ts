/**
 * Client properties for the tools: Kafka's `--command-config`, `--producer.config` and
 * `--consumer.config` files (Java properties format) merged with repeatable `--producer-property`
 * / `--consumer-property` flags, and the Samsa client built from them.
 *
 * The tools understand the connection properties below; producer and consumer settings are read by
 * the tools that use them. Security settings (ssl.*, sasl.*) come with TLS and SASL: a
 * security.protocol other than PLAINTEXT is refused rather than ignored.
 */
import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';
import { Kafka } from '../client/kafka.js';
import { UsageError, within } from './tool-runner.js';

/** Reads a properties file named by `flag`; undefined file → empty. Fails naming the flag and file. */
export function readPropertiesFile(file: string | undefined, flag: string): Map<string, string> {
  if (file === undefined) return new Map();
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(err as Error).message}`);
  }
  return new Map(Object.entries(new Properties(text).toObject()));
}

/** The client id a tool uses: the properties' `client.id`, else `fallback`. */
export function clientIdOf(props: ReadonlyMap<string, string>, fallback: string): string {
  const id = props.get('client.id');
  return id === undefined || id === '' ? fallback : id;
}

function msProperty(props: ReadonlyMap<string, string>, key: string): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`client property ${key} must be a number of milliseconds, got ${v}`);
  return Number(v);
}

/** Samsa's client for `brokers`, configured from Kafka client properties. */
export function kafkaFromProperties(brokers: string[], props: ReadonlyMap<string, string>, clientIdFallback: string): Kafka {
  const security = props.get('security.protocol');
  if (security !== undefined && security.toUpperCase() !== 'PLAINTEXT') throw new UsageError(`security.protocol=${security} is not supported yet (TLS and SASL are planned); use PLAINTEXT`);
  const requestTimeout = msProperty(props, 'request.timeout.ms') ?? msProperty(props, 'default.api.timeout.ms');
  const connectionTimeout = msProperty(props, 'socket.connection.setup.timeout.ms');
  const backoff = msProperty(props, 'reconnect.backoff.ms');
  const backoffMax = msProperty(props, 'reconnect.backoff.max.ms');
  return new Kafka({
    clientId: clientIdOf(props, clientIdFallback),
    brokers,
    retry: { retries: 5 },
    ...(requestTimeout === undefined ? {} : { requestTimeout }),
    ...(connectionTimeout === undefined ? {} : { connectionTimeout }),
    ...(backoff === undefined ? {} : { reconnectBackoffMs: backoff }),
    ...(backoffMax === undefined ? {} : { reconnectBackoffMaxMs: backoffMax }),
  });
}

/** How long a tool waits to reach the cluster before failing with one line (Kafka's default.api.timeout.ms is 60 s; a tool that hangs a minute on a typo helps nobody). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** Connects `client` (admin, producer or consumer), failing after `timeoutMs` with a line naming the brokers. */
export async function connectWithin(client: { connect(): Promise<void>; disconnect(): Promise<void> }, brokers: string[], timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<void> {
  const connecting = client.connect();
  try {
    await within(timeoutMs, `could not reach the cluster at ${brokers.join(',')} within ${timeoutMs} ms`, connecting);
  } catch (e) {
    connecting.catch(() => {}); // the abandoned attempt may still fail later
    void client.disconnect().catch(() => {});
    const message = (e as Error).message;
    throw new Error(message.startsWith('could not reach') ? message : `could not reach the cluster at ${brokers.join(',')}: ${message}`);
  }
}
