/**
 * A log over one compacted Kafka topic, read whole and then followed (Kafka's KafkaBasedLog): the
 * Connect config, status and offset stores of distributed mode sit on top of it.
 *
 * start() creates the topic when it is missing (the given partitions, replication factor and
 * `cleanup.policy=compact`), refuses an existing topic whose cleanup policy is not exactly
 * `compact` (Kafka's message), reads every partition from the beginning to its end offset, then
 * keeps consuming, handing each record to `onRecord` in partition order. The consumer has no group
 * (Consumer.assign) and reads uncommitted records, as Kafka's does by default.
 *
 * readToEnd() takes the end offsets (ListOffsets, latest) at the call and resolves once the
 * consumer's position in every partition has reached them, i.e. once every record written before
 * the call has been passed to `onRecord`. send() writes through an idempotent producer with
 * acks=all and resolves when the record is acknowledged (not yet read back).
 *
 * Replication factor: -1 means the broker's default. A factor larger than the number of brokers
 * is lowered to that number with a warning (Kafka would fail to create the topic); Kafka's default
 * for the Connect topics is 3, which a single Samsa broker could not otherwise satisfy.
 */
import { Buffer } from 'node:buffer';
import type { Admin } from '../../client/admin/admin.js';
import type { Consumer } from '../../client/consumer/consumer.js';
import type { Kafka } from '../../client/kafka.js';
import { partitionForKey } from '../../client/producer/default-partitioner.js';
import type { Producer } from '../../client/producer/producer.js';
import { silentLogger } from '../../logging/logger.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigException, ConnectException } from '../api/errors.js';

/** ConfigResourceTypes.TOPIC (Kafka's ConfigResource.Type.TOPIC id). */
const TOPIC_RESOURCE = 2;

export interface KafkaBasedLogRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  /** null: a tombstone. */
  value: Buffer | null;
}

/** The topic a Kafka-backed store keeps its records in, how it is created, and the client that reads and writes it. */
export interface KafkaBasedLogTopicOptions {
  kafka: Kafka;
  /** The worker's `<prefix>.topic` (e.g. offset.storage.topic). */
  topic: string;
  /** Partitions of the topic when it is created (`<prefix>.partitions`; -1: the broker's num.partitions). */
  partitions: number;
  /** Replication factor when it is created (`<prefix>.replication.factor`; -1: the broker's default.replication.factor). */
  replicationFactor: number;
  /** Further topic configs for creation (Kafka's `<prefix>.*` topic settings); cleanup.policy is always compact. */
  topicConfigs?: Readonly<Record<string, string>>;
  logger?: Logger;
}

export interface KafkaBasedLogOptions extends KafkaBasedLogTopicOptions {
  /** The worker setting that named the topic (e.g. `config.storage.topic`), for error messages. */
  topicConfigName: string;
  /** What the topic holds (e.g. `connector configurations`), for error messages. */
  topicPurpose: string;
  /** Called for every record read, in offset order within a partition. An error thrown is logged and the record skipped. */
  onRecord: (record: KafkaBasedLogRecord) => void;
}

interface EndWaiter {
  ends: Map<number, bigint>;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class KafkaBasedLog {
  readonly topic: string;
  private readonly options: KafkaBasedLogOptions;
  private readonly logger: Logger;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private partitionIds: number[] = [];
  private readonly waiters = new Set<EndWaiter>();
  private poller: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private started = false;

  constructor(options: KafkaBasedLogOptions) {
    if (typeof options.topic !== 'string' || options.topic.trim() === '') throw new ConfigException(`Must specify topic for ${options.topicPurpose}.`);
    this.options = options;
    this.topic = options.topic;
    this.logger = (options.logger ?? silentLogger()).child({ topic: options.topic });
  }

  /** The topic's partition count (known after start()). */
  get partitionCount(): number {
    return this.partitionIds.length;
  }

  /** Creates or checks the topic, reads it to the end (every record passed to onRecord), then keeps following it. */
  async start(): Promise<void> {
    if (this.started) throw new ConnectException(`The log of ${this.topic} is already started`);
    this.started = true;
    this.failure = undefined;
    const { kafka } = this.options;
    try {
      this.admin = kafka.admin();
      await this.admin.connect();
      await this.createOrCheckTopic(this.admin);
      const metadata = await this.admin.fetchTopicMetadata({ topics: [this.topic] });
      this.partitionIds = metadata.topics[0]!.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
      if (this.partitionIds.length === 0) throw new ConnectException(`Could not look up partition metadata for topic ${this.topic}`);

      this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
      await this.producer.connect();

      this.consumer = kafka.consumer({
        autoOffsetReset: 'earliest',
        readUncommitted: true,
        maxWaitTimeInMs: 500,
        logger: this.logger,
        onCrash: (error) => this.fail(error),
      });
      await this.consumer.connect();
      this.consumer.assign([{ topic: this.topic, partitions: this.partitionIds }]);
      await this.consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            try {
              this.options.onRecord({ partition: batch.partition, offset: BigInt(m.offset), key: m.key, value: m.value });
            } catch (e) {
              this.logger.error({ err: (e as Error).message, partition: batch.partition, offset: m.offset }, 'error handling a record; it is skipped');
            }
          }
        },
      });
      await this.readToEnd();
      this.logger.debug({ partitions: this.partitionIds.length }, 'read the log to its end');
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.fail(new ConnectException(`The log of ${this.topic} was stopped`));
    const consumer = this.consumer;
    const producer = this.producer;
    const admin = this.admin;
    this.consumer = undefined;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      consumer?.disconnect().catch((err: Error) => this.logger.warn({ err: err.message }, 'closing the consumer failed')),
      producer?.disconnect().catch((err: Error) => this.logger.warn({ err: err.message }, 'closing the producer failed')),
      admin?.disconnect().catch(() => undefined),
    ]);
  }

  /** Writes one record; resolves with its partition and offset once acknowledged by all in-sync replicas. */
  async send(key: string | Buffer, value: Buffer | null): Promise<{ partition: number; offset: bigint }> {
    const [first] = await this.sendAll([{ key, value }]);
    return first!;
  }

  /** Writes records in order (in one producer call, so that they reach each partition in this order); resolves once all are acknowledged. */
  async sendAll(records: ReadonlyArray<{ key: string | Buffer; value: Buffer | null }>): Promise<Array<{ partition: number; offset: bigint }>> {
    const producer = this.producer;
    if (producer === undefined) throw new ConnectException(`The log of ${this.topic} is not started`);
    if (records.length === 0) return [];
    const metadata = await producer.send({ topic: this.topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value })) });
    // One RecordMetadata per partition written; its baseOffset is the first of this call's records there.
    const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset)]));
    return records.map((r) => {
      const partition = this.partitionOf(r.key, metadata.map((m) => m.partition));
      const offset = next.get(partition) ?? -1n;
      next.set(partition, offset + 1n);
      return { partition, offset };
    });
  }

  /**
   * Resolves once every record written before the call has been read (passed to onRecord).
   * Rejects after `timeoutMs` (when given), or when the log stops or its consumer fails.
   */
  async readToEnd(timeoutMs?: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const admin = this.admin;
    if (admin === undefined || this.consumer === undefined) throw new ConnectException(`The log of ${this.topic} is not started`);
    const offsets = await admin.listTopicOffsets(this.topic, -1);
    const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
    if (this.reachedEnds(ends)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: EndWaiter = { ends, resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ConnectException(`Timed out after ${timeoutMs} ms reading to the end of topic ${this.topic}`));
        }, timeoutMs);
      }
      this.waiters.add(waiter);
      this.schedulePoll();
    });
  }

  private reachedEnds(ends: ReadonlyMap<number, bigint>): boolean {
    const consumer = this.consumer;
    if (consumer === undefined) return false;
    for (const [partition, end] of ends) {
      const position = consumer.position({ topic: this.topic, partition });
      if (position === null || BigInt(position) < end) return false;
    }
    return true;
  }

  /** Checks the waiting readToEnd() calls every few ms (positions also advance over empty fetches, which call no handler). */
  private schedulePoll(): void {
    if (this.poller !== undefined) return;
    this.poller = setTimeout(() => {
      this.poller = undefined;
      for (const w of [...this.waiters]) {
        if (!this.reachedEnds(w.ends)) continue;
        this.waiters.delete(w);
        if (w.timer !== undefined) clearTimeout(w.timer);
        w.resolve();
      }
      if (this.waiters.size > 0) this.schedulePoll();
    }, 10);
  }

  private fail(error: Error): void {
    if (this.started) {
      this.logger.error({ err: error.message }, 'the log consumer failed');
      this.failure = error;
    }
    for (const w of this.waiters) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters.clear();
    if (this.poller !== undefined) clearTimeout(this.poller);
    this.poller = undefined;
  }

  /** The partition the default partitioner chose for a key (looked up from the producer's answer when one partition was written). */
  private partitionOf(key: string | Buffer, written: number[]): number {
    if (written.length === 1) return written[0]!;
    return partitionForKeyBytes(typeof key === 'string' ? Buffer.from(key, 'utf8') : key, this.partitionIds.length);
  }

  private async createOrCheckTopic(admin: Admin): Promise<void> {
    const { partitions, topicConfigs = {}, topicConfigName, topicPurpose } = this.options;
    let replicationFactor = this.options.replicationFactor;
    if (replicationFactor > 0) {
      const brokers = (await admin.describeCluster()).brokers.length;
      if (brokers > 0 && replicationFactor > brokers) {
        this.logger.warn({ replicationFactor, brokers }, `the replication factor of ${topicConfigName.replace(/\.topic$/, '.replication.factor')} (${replicationFactor}) exceeds the ${brokers} broker(s) of the cluster: creating ${this.topic} with replication factor ${brokers}`);
        replicationFactor = brokers;
      }
    }
    const configEntries = Object.entries({ ...topicConfigs, 'cleanup.policy': 'compact' }).map(([name, value]) => ({ name, value }));
    const created = await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: partitions, replicationFactor, configEntries }] });
    if (created) {
      this.logger.info({ partitions, replicationFactor }, `created topic ${this.topic}`);
      return;
    }
    // It existed: its cleanup policy must be exactly compact (Kafka's TopicAdmin.verifyTopicCleanupPolicyOnlyCompact).
    const described = await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: this.topic, configNames: ['cleanup.policy'] }] });
    const entry = described.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy');
    if (entry === undefined || entry.configValue === null) {
      this.logger.info(`Unable to use admin client to verify the cleanup policy of '${this.topic}' topic is 'compact'`);
      return;
    }
    const policies = [...new Set(entry.configValue.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
    if (policies.length !== 1 || policies[0] !== 'compact') {
      const found = policies.join(',');
      throw new ConfigException(
        `Topic '${this.topic}' supplied via the '${topicConfigName}' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of `
          + `${topicPurpose}, but found the topic currently has 'cleanup.policy=${found}'. Continuing would likely result in eventually losing ${topicPurpose} and problems `
          + `restarting this Connect cluster in the future. Change the '${topicConfigName}' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.`,
      );
    }
  }
}

/** The Java client's partition of a keyed record: toPositive(murmur2(key)) % partitions. */
export function partitionForKeyBytes(key: Uint8Array, partitionCount: number): number {
  return partitionForKey(key, partitionCount);
}
