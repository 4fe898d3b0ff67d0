import type { Logger } from '../../logging/logger.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../../protocol/generated/api-table.js';
import type { RequestHeader } from '../../protocol/generated/request-header.js';
import type { ApiKeyNumber } from '../../protocol/request-frame.js';
import type { ControllerRole } from '../controller/controller-role.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Clock } from '../clock.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ConnectionContext } from '../network/socket-server.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { LogManager } from '../storage/log-manager.js';
import type { ReadBufferPool } from '../storage/read-buffer-pool.js';
import type { ProducerIdManager } from '../producer-id-manager.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';

/** Everything a handler may use: the broker's services. Handlers stay thin and delegate. */
export interface BrokerServices {
  nodeId: number;
  config: BrokerConfig;
  metadata: MetadataStore;
  replicaManager: ReplicaManager;
  logManager: LogManager;
  producerIds: ProducerIdManager;
  /** The classic group coordinator (state in __consumer_offsets). */
  groupCoordinator: GroupCoordinator;
  clock: Clock;
  logger: Logger;
  /** Aborted when the broker shuts down (ends long-polling fetches). */
  shutdownSignal: AbortSignal;
  /** Reusable buffers for the record bytes a Fetch reads (released once the response is written). */
  readBuffers: ReadBufferPool;
  /** The controller role of a broker in a cluster (null without ZooKeeper). */
  controller(): ControllerRole | null;
  /** The API versions this broker advertises (computed from the handler registry). */
  apiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[];
}

export interface RequestContext {
  header: RequestHeader;
  apiVersion: number;
  connection: ConnectionContext;
  services: BrokerServices;
  /** A child of the broker's logger naming the API, version, client id and connection (created on first use). */
  readonly logger: Logger;
  /**
   * Runs `callback` once the response is on its way to the kernel, or once there will be none
   * (no response, closed connection, failure): the moment memory that the response refers to
   * (pooled read buffers) may be reused.
   */
  afterResponse(callback: () => void): void;
}

/** One Kafka API served by the broker: its key, the versions implemented, and the handling. */
export interface ApiHandler<K extends ApiKeyNumber = ApiKeyNumber> {
  apiKey: K;
  minVersion: number;
  maxVersion: number;
  /**
   * Returns the response, or null when the request gets none (Produce with acks=0); a handler
   * that has its answer at once may return it without a promise (the hot paths do). A later
   * answer is a Promise, or any PromiseLike consumed once (a waiting Fetch: `OneShotResult`).
   */
  handle(request: ApiRequestTypes[K], ctx: RequestContext): PromiseLike<ApiResponseTypes[K] | null> | ApiResponseTypes[K] | null;
}

/** Identity helper that keeps the request/response types tied to the API key. */
export function defineHandler<K extends ApiKeyNumber>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}
