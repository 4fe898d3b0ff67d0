/**
 * Source offsets in the `offset.storage.topic` (Kafka's KafkaOffsetBackingStore with the
 * OffsetStorageWriter's serialisation), so that Java workers and Samsa workers share them.
 *
 * Key: the JSON array `["<connector>",{<source partition>}]`; value: the source offset as a JSON
 * object (null: a tombstone, the partition's offset removed). Both are JsonConverter output with
 * `schemas.enable=false`, e.g. key `["local-file-source",{"filename":"test.txt"}]`, value
 * `{"position":1234}`. Records go to the partition the Java client's default partitioner picks
 * for the key bytes (murmur2), which is what Samsa's producer does for keyed records.
 *
 * Reading: entries are keyed by the canonical JSON of the key (object keys sorted), as the other
 * offset stores do; Kafka compares the raw key bytes, which is the same unless two writers order
 * a partition's fields differently. Numbers read back as JS numbers (bigint beyond 2^53), as the
 * file store reads them. set() resolves once the records are acknowledged and read back, so get()
 * sees them.
 */
import { silentLogger } from '../../logging/logger.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import { canonicalJson, parseJsonWithBigInts } from '../runtime/offset-store.js';
import type { OffsetBackingStore, OffsetKey, OffsetValue } from '../runtime/offset-store.js';
import { internalConverter } from './internal-converter.js';
import { KafkaBasedLog } from './kafka-based-log.js';
import type { KafkaBasedLogRecord, KafkaBasedLogTopicOptions } from './kafka-based-log.js';

/** offset.storage.topic, offset.storage.partitions (Kafka's default 25), offset.storage.replication.factor and the other `offset.storage.*` settings. */
export type KafkaOffsetBackingStoreOptions = KafkaBasedLogTopicOptions;

export class KafkaOffsetBackingStore implements OffsetBackingStore {
  readonly topic: string;
  private readonly log: KafkaBasedLog;
  private readonly converter = internalConverter();
  private readonly logger: Logger;
  private readonly data = new Map<string, readonly [OffsetKey, OffsetValue]>();

  constructor(options: KafkaOffsetBackingStoreOptions) {
    if (typeof options.topic !== 'string' || options.topic.trim() === '') throw new ConfigException('Offset storage topic must be specified');
    this.topic = options.topic;
    this.logger = options.logger ?? silentLogger();
    this.log = new KafkaBasedLog({
      ...options,
      topicConfigName: 'offset.storage.topic',
      topicPurpose: 'source connector offsets',
      onRecord: (record) => this.read(record),
      logger: this.logger,
    });
  }

  async start(): Promise<void> {
    this.data.clear();
    await this.log.start();
  }

  async stop(): Promise<void> {
    await this.log.stop();
  }

  /** Resolves once every offset written before the call (by any worker) has been read. */
  async refresh(timeoutMs?: number): Promise<void> {
    await this.log.readToEnd(timeoutMs);
  }

  get(key: OffsetKey): OffsetValue | null {
    return this.data.get(canonicalJson(key))?.[1] ?? null;
  }

  connectorOffsets(connector: string): Array<readonly [Readonly<Record<string, unknown>>, OffsetValue]> {
    return [...this.data.values()].filter(([k]) => k[0] === connector).map(([k, v]) => [k[1], v] as const);
  }

  async set(entries: ReadonlyArray<readonly [OffsetKey, OffsetValue | null]>): Promise<void> {
    const records = entries.map(([key, value]) => ({ key: this.serializeKey(key), value: value === null ? null : this.serializeValue(value) }));
    try {
      await this.log.sendAll(records);
      await this.log.readToEnd();
    } catch (e) {
      throw new ConnectException(`Failed to write source offsets to ${this.topic}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The record key bytes Kafka's OffsetStorageWriter writes for a key. */
  serializeKey(key: OffsetKey): Buffer {
    return this.converter.fromConnectData(this.topic, null, null, [key[0], key[1]])!;
  }

  serializeValue(value: OffsetValue): Buffer {
    return this.converter.fromConnectData(this.topic, null, null, value)!;
  }

  private read(record: KafkaBasedLogRecord): void {
    if (record.key === null) {
      this.logger.warn({ partition: record.partition, offset: record.offset }, 'Ignoring an offset record without a key');
      return;
    }
    let key: unknown;
    try {
      key = parseJsonWithBigInts(record.key.toString('utf8'));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Ignoring an offset record whose key is not JSON');
      return;
    }
    // Kafka's OffsetUtils: a two-element list of the connector name and the source partition (an object, or null).
    if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || (key[1] !== null && (typeof key[1] !== 'object' || Array.isArray(key[1])))) {
      this.logger.warn({ key: record.key.toString('utf8') }, 'Ignoring an offset record whose key is not [connector, partition]');
      return;
    }
    const offsetKey = [key[0], (key[1] ?? {}) as Record<string, unknown>] as const;
    const id = canonicalJson(offsetKey);
    if (record.value === null) {
      this.data.delete(id);
      return;
    }
    try {
      const value = parseJsonWithBigInts(record.value.toString('utf8'));
      if (value === null) {
        this.data.delete(id);
        return;
      }
      if (typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
      this.data.set(id, [offsetKey, value as OffsetValue]);
    } catch (e) {
      this.logger.warn({ key: id, err: (e as Error).message }, 'Ignoring an offset record whose value is not a JSON object');
    }
  }
}
