import { ApiKey } from '../../protocol/generated/api-definitions.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ApiKeyNumber } from '../../protocol/request-frame.js';
import { silentClientLogger } from '../../logging/client-logger.js';
import type { ClientLogger } from '../../logging/client-logger.js';
import { KafkaClientStateError, KafkaConnectionError, KafkaProtocolError } from '../client-errors.js';
import { backoff } from '../connection/backoff.js';
import { BrokerConnection } from '../connection/broker-connection.js';
import type { ConnectionAuthenticator, RequestOptions } from '../connection/broker-connection.js';
import type { SocketFactory } from '../connection/socket-factory.js';
import { sleep } from '../retry.js';
import { MetadataCache } from './metadata-cache.js';

export interface ClusterOptions {
  clientId: string;
  /** Bootstrap brokers as `host:port` (or a function giving them, as KafkaJS allows). */
  brokers: string[] | (() => string[] | Promise<string[]>);
  socketFactory?: SocketFactory;
  connectionTimeout?: number;
  requestTimeout?: number;
  authenticate?: ConnectionAuthenticator;
  /** metadata.max.age.ms: metadata older than this is refreshed before use, default 300000. */
  metadataMaxAge?: number;
  /** reconnect.backoff.ms, default 50. */
  reconnectBackoffMs?: number;
  /** reconnect.backoff.max.ms, default 1000. */
  reconnectBackoffMaxMs?: number;
  /** Let Metadata requests create topics (auto.create.topics.enable on the broker decides). */
  allowAutoTopicCreation?: boolean;
  logger?: ClientLogger;
}

/** Errors after which the client's metadata is presumed wrong. */
export const METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.NOT_CONTROLLER,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

/** Whether an error means the metadata (leaders, brokers) should be refreshed before a retry. */
export function isMetadataError(error: unknown): boolean {
  return (error instanceof KafkaProtocolError && METADATA_ERRORS.has(error.code)) || error instanceof KafkaConnectionError;
}

interface NodeState {
  connection: BrokerConnection | undefined;
  connecting: Promise<BrokerConnection> | undefined;
  failures: number;
  nextAttemptAt: number;
}

/**
 * The shared connection layer of producers, consumers and admins: one connection per broker
 * (opened on demand, reopened after a failure with exponential backoff and jitter), bootstrap
 * from a broker list, and the metadata cache with its refreshes: before use when older than
 * `metadataMaxAge` or marked stale (after NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, a
 * newer leader epoch, a lost connection), coalescing concurrent refreshes into one request.
 */
export class Cluster {
  readonly metadata = new MetadataCache();
  private readonly options: ClusterOptions;
  private readonly logger: ClientLogger;
  private readonly nodes = new Map<string, NodeState>();
  /** Topics the users of this cluster care about; each refresh asks for all of them. */
  private readonly targetTopics = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private connected = false;
  private readonly metadataMaxAge: number;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(options: ClusterOptions) {
    this.options = options;
    this.logger = options.logger ?? silentClientLogger();
    this.metadataMaxAge = options.metadataMaxAge ?? 300_000;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects to a bootstrap broker and loads the metadata of the target topics. */
  async connect(): Promise<void> {
    this.connected = true;
    await this.refreshMetadata();
    // Periodic refresh in the background (unref'd, so it never keeps the process alive): metadata
    // older than metadata.max.age.ms, and, checked every second, a target topic the cache does not
    // have yet (a consumer subscribed before its topic exists sees it within a second, as Java's
    // consumer does after retry.backoff.ms, rather than at the next 30 s tick).
    this.refreshTimer = setInterval(() => {
      if (this.connected && this.metadata.needsRefresh(this.targetTopics, Date.now(), this.metadataMaxAge)) {
        this.refreshMetadata().catch((err: Error) => this.logger.debug({ err: err.message }, 'periodic metadata refresh failed'));
      }
    }, Math.max(10, Math.min(this.metadataMaxAge, 1000)));
    this.refreshTimer.unref();
  }

  /** Closes every connection. */
  async disconnect(): Promise<void> {
    this.connected = false;
    if (this.refreshTimer !== undefined) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    for (const node of this.nodes.values()) node.connection?.close();
    this.nodes.clear();
    await this.refreshing?.catch(() => undefined);
  }

  addTargetTopics(topics: Iterable<string>): void {
    let added = false;
    for (const t of topics) {
      if (!this.targetTopics.has(t)) {
        this.targetTopics.add(t);
        added = true;
      }
    }
    if (added) this.metadata.stale = true;
  }

  /** Marks the metadata stale: the next `refreshMetadataIfNecessary` asks the cluster again. */
  markStale(): void {
    this.metadata.stale = true;
  }

  /** Refreshes the metadata when stale, older than metadata.max.age.ms, or missing `topics`. */
  async refreshMetadataIfNecessary(topics: Iterable<string> = []): Promise<void> {
    if (this.needsMetadataRefresh(topics)) await this.refreshMetadata();
  }

  /** Whether `refreshMetadataIfNecessary(topics)` would ask the cluster (it adds `topics` to the targets too), answered synchronously. */
  needsMetadataRefresh(topics: Iterable<string> = []): boolean {
    const list = [...topics];
    this.addTargetTopics(list);
    return this.metadata.needsRefresh(list.length > 0 ? list : this.targetTopics, Date.now(), this.metadataMaxAge);
  }

  /** Asks any broker for the metadata of the target topics (one request at a time, shared by concurrent callers). */
  refreshMetadata(): Promise<void> {
    this.assertConnected();
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const topics = [...this.targetTopics];
    const response = await this.requestAny(ApiKey.Metadata, (version) => ({
      topics: topics.map((name) => ({ name })),
      allowAutoTopicCreation: version >= 4 ? (this.options.allowAutoTopicCreation ?? true) : undefined,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }));
    this.metadata.update(response, Date.now());
  }

  /** Metadata of every topic in the cluster (listTopics); does not change the target topics. */
  async fetchAllTopicsMetadata(): Promise<ApiResponseTypes[typeof ApiKey.Metadata]> {
    const response = await this.requestAny(ApiKey.Metadata, () => ({ topics: null, allowAutoTopicCreation: false }));
    return response;
  }

  /** The leader of a partition from the cache, or undefined when unknown. */
  leaderFor(topic: string, partition: number): number | undefined {
    return this.metadata.leaderFor(topic, partition);
  }

  /**
   * Connection to a broker of the metadata, opened on demand. The `group` channel is a second
   * connection for a group's coordinator (JoinGroup, SyncGroup, Heartbeat, OffsetCommit,
   * OffsetFetch, LeaveGroup), as the Java client keeps one: a broker answers one connection's
   * requests in order, so on a shared connection they would wait behind a long-polling Fetch.
   */
  async connectionTo(nodeId: number, channel: ConnectionChannel = 'data'): Promise<BrokerConnection> {
    this.assertConnected();
    const broker = this.metadata.brokers.get(nodeId);
    if (broker === undefined) {
      this.markStale();
      throw new KafkaConnectionError(`broker ${nodeId} is not in the metadata`, `node ${nodeId}`);
    }
    return this.connectionAt(broker.host, broker.port, nodeId, true, channel);
  }

  /**
   * Closes the connection to a broker (its pending requests reject with a KafkaConnectionError);
   * the next request opens a new one. For a caller that must not wait behind a request the broker
   * holds (a broker answers one connection's requests in order).
   */
  closeConnection(nodeId: number, channel: ConnectionChannel = 'data'): void {
    const broker = this.metadata.brokers.get(nodeId);
    if (broker === undefined) return;
    const node = this.nodes.get(nodeKey(broker.host, broker.port, channel));
    node?.connection?.close();
  }

  /**
   * A connection to any broker: the open one with the fewest requests in flight (Java's "least
   * loaded node", so that a metadata or FindCoordinator request does not queue behind a long
   * poll), else the known brokers then the bootstrap list, in random order.
   */
  async anyConnection(): Promise<BrokerConnection> {
    this.assertConnected();
    let best: BrokerConnection | undefined;
    for (const node of this.nodes.values()) {
      const c = node.connection;
      if (c?.isConnected === true && (best === undefined || c.inFlightCount < best.inFlightCount)) best = c;
    }
    if (best !== undefined) return best;
    const candidates: Array<{ host: string; port: number; nodeId: number }> = shuffle([...this.metadata.brokers.values()]);
    candidates.push(...shuffle((await this.bootstrapBrokers()).map((b) => ({ ...b, nodeId: -1 }))));
    let last: Error | undefined;
    for (const c of candidates) {
      try {
        return await this.connectionAt(c.host, c.port, c.nodeId, false);
      } catch (err) {
        last = err as Error;
      }
    }
    throw last ?? new KafkaConnectionError('no broker to connect to', 'bootstrap');
  }

  /**
   * The open connection to a broker, or undefined (not connected yet, closed, unknown broker):
   * for a caller that sends at once when it can (a request on an open connection is written
   * before `request` returns; `request` below first waits a turn for the connection).
   */
  openConnectionTo(nodeId: number): BrokerConnection | undefined {
    if (!this.connected) return undefined;
    const broker = this.metadata.brokers.get(nodeId);
    if (broker === undefined) return undefined;
    const connection = this.nodes.get(`${broker.host}:${broker.port}`)?.connection;
    return connection?.isConnected ? connection : undefined;
  }

  /** Sends a request to a broker by node id. */
  async request<K extends ApiKeyNumber>(nodeId: number, apiKey: K, body: ApiRequestTypes[K] | ((version: number) => ApiRequestTypes[K]), options?: RequestOptions): Promise<ApiResponseTypes[K]> {
    const connection = await this.connectionTo(nodeId);
    return connection.request(apiKey, body, options);
  }

  /** Sends a request to a group's coordinator over the group channel (see connectionTo). */
  async groupRequest<K extends ApiKeyNumber>(coordinator: number, apiKey: K, body: ApiRequestTypes[K] | ((version: number) => ApiRequestTypes[K]), options?: RequestOptions): Promise<ApiResponseTypes[K]> {
    const connection = await this.connectionTo(coordinator, 'group');
    return connection.request(apiKey, body, options);
  }

  /** Sends a request to any broker. */
  async requestAny<K extends ApiKeyNumber>(apiKey: K, body: ApiRequestTypes[K] | ((version: number) => ApiRequestTypes[K]), options?: RequestOptions): Promise<ApiResponseTypes[K]> {
    const connection = await this.anyConnection();
    return connection.request(apiKey, body, options);
  }

  /** The controller (from metadata), or any broker when unknown. */
  async controllerConnection(): Promise<BrokerConnection> {
    await this.refreshMetadataIfNecessary();
    const id = this.metadata.controllerId;
    return id >= 0 && this.metadata.brokers.has(id) ? this.connectionTo(id) : this.anyConnection();
  }

  /** The coordinator of a group (keyType 0) or transactional id (keyType 1), via FindCoordinator. */
  async coordinatorFor(key: string, keyType = 0): Promise<number> {
    const response = await this.requestAny(ApiKey.FindCoordinator, (version) =>
      version >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType },
    );
    const c = response.coordinators !== undefined && response.coordinators.length > 0
      ? response.coordinators[0]!
      : { errorCode: response.errorCode ?? 0, errorMessage: response.errorMessage ?? null, nodeId: response.nodeId ?? -1, host: response.host ?? '', port: response.port ?? -1 };
    if (c.errorCode !== 0) throw new KafkaProtocolError(c.errorCode, c.errorMessage);
    if (!this.metadata.brokers.has(c.nodeId)) this.metadata.brokers.set(c.nodeId, { nodeId: c.nodeId, host: c.host, port: c.port, rack: null });
    return c.nodeId;
  }

  private async bootstrapBrokers(): Promise<Array<{ host: string; port: number }>> {
    const list = typeof this.options.brokers === 'function' ? await this.options.brokers() : this.options.brokers;
    return list.map(parseHostPort);
  }

  /**
   * The connection to host:port, opened when needed. After failures, attempts are spaced by
   * reconnect backoff (exponential with jitter): `wait` false fails fast instead of waiting.
   */
  private async connectionAt(host: string, port: number, nodeId: number, wait = true, channel: ConnectionChannel = 'data'): Promise<BrokerConnection> {
    const key = nodeKey(host, port, channel);
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = { connection: undefined, connecting: undefined, failures: 0, nextAttemptAt: 0 };
      this.nodes.set(key, node);
    }
    if (node.connection?.isConnected) return node.connection;
    if (node.connecting !== undefined) return node.connecting;
    const state = node;
    const delay = state.nextAttemptAt - Date.now();
    if (delay > 0 && !wait) throw new KafkaConnectionError(`reconnect backoff (${delay} ms left)`, key);
    state.connecting = (async () => {
      if (delay > 0) await sleep(delay);
      this.assertConnected();
      try {
        const connection = await BrokerConnection.connect({
          host,
          port,
          nodeId,
          clientId: this.options.clientId,
          socketFactory: this.options.socketFactory,
          connectionTimeoutMs: this.options.connectionTimeout,
          requestTimeoutMs: this.options.requestTimeout,
          authenticate: this.options.authenticate,
          onClose: (c, err) => {
            if (state.connection === c) {
              state.connection = undefined;
              if (this.connected) {
                this.logger.debug({ broker: key, err: err.message }, 'broker connection closed');
                this.markStale();
              }
            }
          },
        });
        if (!this.connected) {
          connection.close();
          throw new KafkaClientStateError('the client disconnected');
        }
        state.connection = connection;
        state.failures = 0;
        state.nextAttemptAt = 0;
        return connection;
      } catch (err) {
        state.failures++;
        state.nextAttemptAt = Date.now() + backoff(state.failures, { initialMs: this.options.reconnectBackoffMs ?? 50, maxMs: this.options.reconnectBackoffMaxMs ?? 1000 });
        throw err;
      } finally {
        state.connecting = undefined;
      }
    })();
    return state.connecting;
  }

  private assertConnected(): void {
    if (!this.connected) throw new KafkaClientStateError('not connected: call connect() first');
  }
}

/** Which of a broker's connections: `data` for everything else, `group` for a group coordinator's requests. */
export type ConnectionChannel = 'data' | 'group';

function nodeKey(host: string, port: number, channel: ConnectionChannel): string {
  return channel === 'data' ? `${host}:${port}` : `${host}:${port}#${channel}`;
}

/** Parses `host:port` and `[ipv6]:port`. */
export function parseHostPort(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (m === null) throw new KafkaClientStateError(`invalid broker address "${address}" (expected host:port)`);
  return { host: m[1]!, port: Number(m[2]) };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
