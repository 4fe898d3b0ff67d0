import type { ClientLogger } from '../logging/client-logger.js';
import { KafkaClientStateError } from './client-errors.js';
import { Cluster } from './cluster/cluster.js';
import type { ConnectionAuthenticator } from './connection/broker-connection.js';
import type { SocketFactory } from './connection/socket-factory.js';
import { Admin } from './admin/admin.js';
import type { AdminOptions } from './admin/admin.js';
import { Consumer } from './consumer/consumer.js';
import { GroupMember } from './group/group-member.js';
import type { GroupMemberOptions } from './group/group-member.js';
import type { ConsumerOptions } from './consumer/consumer.js';
import { Producer } from './producer/producer.js';
import type { ProducerOptions } from './producer/producer.js';
import type { RetryOptions } from './retry.js';

/** `new Kafka(config)`: KafkaJS's client configuration (the parts implemented so far). */
export interface KafkaConfig {
  clientId?: string;
  /** Bootstrap brokers, `host:port`; or a function returning them (KafkaJS allows async). */
  brokers: string[] | (() => string[] | Promise<string[]>);
  /** TCP (and TLS) connect timeout, default 1000 ms. */
  connectionTimeout?: number;
  /** Time to wait for a response, default 30000 ms. */
  requestTimeout?: number;
  retry?: RetryOptions;
  /** The TLS hook: a KafkaJS-shaped socket factory (`tls.connect(..., onConnect)` for TLS). */
  socketFactory?: SocketFactory;
  /** The SASL hook: runs on every new connection after ApiVersions, before any other request. */
  authenticate?: ConnectionAuthenticator;
  /** reconnect.backoff.ms / reconnect.backoff.max.ms, default 50 / 1000. */
  reconnectBackoffMs?: number;
  reconnectBackoffMaxMs?: number;
  logger?: ClientLogger;
  /** KafkaJS options not supported yet (they throw rather than being ignored). */
  ssl?: unknown;
  sasl?: unknown;
}

/**
 * The entry point, as in KafkaJS: `new Kafka({ clientId, brokers })`, then `kafka.producer()` and
 * `kafka.consumer({ groupId })` and `kafka.admin()`. Each producer, consumer or admin has its own connections and metadata.
 */
export class Kafka {
  private readonly config: KafkaConfig;

  constructor(config: KafkaConfig) {
    if (config === null || typeof config !== 'object' || config.brokers === undefined) throw new KafkaClientStateError('brokers are required');
    if (config.ssl !== undefined && config.ssl !== false) throw new KafkaClientStateError('ssl is not built in yet: pass a socketFactory that returns a tls.connect socket');
    if (config.sasl !== undefined) throw new KafkaClientStateError('sasl is not built in yet: pass an authenticate hook');
    this.config = config;
  }

  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.cluster(options), { retry: this.config.retry, ...options });
  }

  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(this.cluster(options), { retry: this.config.retry, logger: this.config.logger, ...options });
  }

  /** A member of a group of any protocol type (Kafka's AbstractCoordinator), e.g. Connect's `connect` workers. */
  groupMember(options: GroupMemberOptions & { metadataMaxAge?: number }): GroupMember {
    return new GroupMember(this.cluster({ ...options, allowAutoTopicCreation: false }), { logger: this.config.logger, ...options });
  }

  admin(options: AdminOptions = {}): Admin {
    return new Admin(this.cluster({ ...options, allowAutoTopicCreation: false }), { retry: this.config.retry, ...options });
  }

  private cluster(options: { metadataMaxAge?: number; allowAutoTopicCreation?: boolean }): Cluster {
    const c = this.config;
    return new Cluster({
      clientId: c.clientId ?? 'samsa',
      brokers: c.brokers,
      socketFactory: c.socketFactory,
      connectionTimeout: c.connectionTimeout,
      requestTimeout: c.requestTimeout,
      authenticate: c.authenticate,
      metadataMaxAge: options.metadataMaxAge,
      allowAutoTopicCreation: options.allowAutoTopicCreation,
      reconnectBackoffMs: c.reconnectBackoffMs,
      reconnectBackoffMaxMs: c.reconnectBackoffMaxMs,
      logger: c.logger,
    });
  }
}
