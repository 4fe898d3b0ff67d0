/**
 * kafka-server-start [server.properties] [--override key=value]...
 *
 * Starts a Samsa broker from a Kafka server.properties file, as Kafka's script of the same name.
 * Without a file, Samsa's defaults apply (PLAINTEXT://:9092, data in ./data). SIGTERM and SIGINT
 * shut it down cleanly. A bad config exits with status 1 and a message naming the key.
 */
import { versionLine } from '../common/samsa-version.js';
import { startBroker } from '../broker/broker.js';
import type { Broker } from '../broker/broker.js';
import { ConfigError } from '../broker/config/config-error.js';
import { readServerProperties } from '../broker/config/server-properties-file.js';
import { createLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';

export const USAGE = 'USAGE: kafka-server-start [server.properties] [--override property=value]*';

export function parseServerStartArgs(argv: string[]): { file: string | null; overrides: Record<string, string> } {
  let file: string | null = null;
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--override') {
      const kv = argv[++i];
      const eq = kv === undefined ? -1 : kv.indexOf('=');
      if (kv === undefined || eq <= 0) throw new ConfigError('--override', `expects property=value, got ${kv === undefined ? 'nothing' : JSON.stringify(kv)}`);
      overrides[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    } else if (a === '-h' || a === '--help') {
      throw new UsageRequested();
    } else if (a === '--version') {
      throw new VersionRequested();
    } else if (file === null && !a.startsWith('-')) {
      file = a;
    } else {
      throw new ConfigError(a, `unexpected argument; ${USAGE}`);
    }
  }
  return { file, overrides };
}

class UsageRequested extends Error {}
class VersionRequested extends Error {}

export interface KafkaServerStartOptions {
  /** Called once the broker listens (embedding, tests, and the bundler's start-up run). */
  onStarted?: (broker: Broker) => void;
  /** Aborting it shuts the broker down as SIGTERM does. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** Runs the command until SIGTERM/SIGINT (or `options.signal`); resolves with the exit status. */
export async function kafkaServerStart(argv: string[], options: KafkaServerStartOptions = {}): Promise<number> {
  const logger = options.logger ?? createLogger();
  let broker;
  try {
    const { file, overrides } = parseServerStartArgs(argv);
    const properties = { ...(file === null ? {} : readServerProperties(file)), ...overrides };
    broker = await startBroker({ properties, logger });
  } catch (err) {
    if (err instanceof UsageRequested) {
      console.log(USAGE);
      return 0;
    }
    if (err instanceof VersionRequested) {
      console.log(versionLine());
      return 0;
    }
    if (err instanceof ConfigError) {
      console.error(`samsa: invalid configuration: ${err.message}`);
      return 1;
    }
    console.error(`samsa: broker failed to start: ${err instanceof Error ? err.message : String(err)}`);
    logger.error({ err }, 'broker failed to start');
    return 1;
  }
  const started = broker;
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutdown requested');
      started.close().then(
        () => resolveExit(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean shutdown');
          resolveExit(1);
        },
      );
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    const onAbort = (): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      stop('abort');
    };
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    options.onStarted?.(started);
  });
}
