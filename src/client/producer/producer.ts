import { ApiKey } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ProduceResponsePartitionProduceResponse } from '../../protocol/generated/produce.js';
import { isCompressionCodec } from '../../protocol/records/compression.js';
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';
import { KafkaClientError, KafkaClientStateError, KafkaProtocolError } from '../client-errors.js';
import type { Cluster } from '../cluster/cluster.js';
import { isMetadataError } from '../cluster/cluster.js';
import { backoff } from '../connection/backoff.js';
import { withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import { DefaultPartitioner, keyBytes } from './default-partitioner.js';
import type { ICustomPartitioner, Message, PartitionerArgs, ProducerBatch as KafkaJSProducerBatch, ProducerRecord, RecordMetadata } from './producer-types.js';
import { estimateRecordBytes, PartitionQueue, ProducerBatch } from './record-accumulator.js';
import type { BatchResult, BatchSettings } from './record-accumulator.js';

export interface ProducerOptions {
  /** KafkaJS's custom partitioner; default: the Java client's (murmur2, sticky for null keys). */
  createPartitioner?: ICustomPartitioner;
  /** Retries of metadata lookups and InitProducerId (KafkaJS's retry options). */
  retry?: RetryOptions;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  /** Idempotence (enable.idempotence), ON by default as in the Java client (KafkaJS: off). Requires acks=-1. */
  idempotent?: boolean;
  /** Batches in flight per partition (max.in.flight.requests.per.connection), default 5; at most 5 with idempotence. */
  maxInFlightRequests?: number;
  /** Transactions are not implemented yet: setting this throws. */
  transactionalId?: string;
  /**
   * batch.size: a batch is sent once its records reach this many bytes. Default 1000000, librdkafka's
   * default (Java's is 16384): a KafkaJS user's send() of many records stays one batch per partition.
   */
  batchSize?: number;
  /** linger.ms: how long a batch waits for more records before it is sent, default 0 (the records of one send() call still share their batches). */
  lingerMs?: number;
  /** Default codec when a send() names none (CompressionTypes), default None. */
  compression?: number;
  /** delivery.timeout.ms: time from send() until a record's delivery is given up, default 120000. */
  deliveryTimeoutMs?: number;
  /** max.request.size: a record larger than this (serialized, uncompressed) is refused before sending, default 1048576. */
  maxRequestSize?: number;
  /** retry.backoff.ms, default 100; grows exponentially (with jitter) to retry.backoff.max.ms, default 1000. */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
}

interface Idempotence {
  producerId: bigint;
  producerEpoch: number;
}

const utf8 = new TextEncoder();

/** Errors after which a batch is retried. */
function isRetriableDelivery(error: Error): boolean {
  return error instanceof KafkaClientError && error.retriable;
}

/**
 * The producer: KafkaJS's `send` / `sendBatch`, with the Java client's batching, partitioner and
 * idempotence.
 *
 * Records go into per-partition batches (`batchSize`, `lingerMs`). A sender pass, run on the
 * event loop whenever something becomes ready, groups ready batches by leader into one Produce
 * request per broker (one batch per partition per request), keeping up to `maxInFlightRequests`
 * batches in flight per partition. With idempotence each batch carries the producer id, epoch
 * and its base sequence; a batch that fails retriably is sent again with the same sequence once
 * everything in flight for its partition has come back, and the batches after it go again after
 * it, so order is kept. OUT_OF_ORDER_SEQUENCE_NUMBER not explained by an earlier failure and
 * UNKNOWN_PRODUCER_ID bump the epoch (InitProducerId with the current id and epoch, KIP-360)
 * once nothing is in flight, then every partition's sequence restarts at 0.
 */
export class Producer {
  private readonly cluster: Cluster;
  private readonly options: ProducerOptions;
  private readonly idempotent: boolean;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly deliveryTimeoutMs: number;
  private readonly defaultPartitioner: DefaultPartitioner | undefined;
  private readonly customPartitioner: ((args: PartitionerArgs) => number) | undefined;
  private readonly partitions = new Map<string, PartitionQueue>();
  private producer: Idempotence = { producerId: -1n, producerEpoch: -1 };
  private epochBumpNeeded = false;
  private bumping: Promise<void> | undefined;
  private connected = false;
  private flushing = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private inFlightTotal = 0;
  private metadataRefresh: Promise<void> | undefined;
  private appendChain: Promise<void> = Promise.resolve();

  constructor(cluster: Cluster, options: ProducerOptions = {}) {
    if (options.transactionalId !== undefined) throw new KafkaClientStateError('transactional producers are not implemented yet');
    this.cluster = cluster;
    this.options = options;
    this.idempotent = options.idempotent ?? true;
    this.maxInFlight = options.maxInFlightRequests ?? 5;
    if (this.idempotent && this.maxInFlight > 5) throw new KafkaClientStateError('an idempotent producer allows at most 5 in-flight requests per partition');
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new KafkaClientStateError('maxInFlightRequests must be a positive integer');
    this.batchSize = options.batchSize ?? 1_000_000;
    this.lingerMs = options.lingerMs ?? 0;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
    if (options.createPartitioner !== undefined) this.customPartitioner = options.createPartitioner();
    else this.defaultPartitioner = new DefaultPartitioner();
  }

  get isIdempotent(): boolean {
    return this.idempotent;
  }

  /** The producer id and epoch in use (-1 before connect or without idempotence). */
  get producerIdAndEpoch(): { producerId: bigint; producerEpoch: number } {
    return { ...this.producer };
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    if (this.idempotent) await withRetry(() => this.initProducerId(false), this.options.retry);
    this.connected = true;
  }

  /** Sends what is buffered, waits for it, and closes the connections. */
  async disconnect(): Promise<void> {
    if (this.connected) {
      await this.flush().catch(() => undefined);
    }
    this.connected = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.cluster.disconnect();
  }

  /** Sends every buffered batch now (ignoring linger.ms) and resolves once all are settled; this includes the records of send() calls still waiting for metadata. */
  async flush(): Promise<void> {
    // Calls to send() made before this one append their records once their metadata wait (chained in call order) ends.
    await this.appendChain;
    const pending: Promise<unknown>[] = [];
    for (const p of this.partitions.values()) for (const b of [...p.queue, ...p.inFlight, ...p.failed]) pending.push(b.done.catch(() => undefined));
    this.flushing++;
    this.wakeup();
    try {
      await Promise.all(pending);
    } finally {
      this.flushing--;
    }
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }], acks: record.acks, timeout: record.timeout, compression: record.compression });
  }

  async sendBatch(batch: KafkaJSProducerBatch): Promise<RecordMetadata[]> {
    if (!this.connected) throw new KafkaClientStateError('the producer is not connected');
    const acks = batch.acks ?? -1;
    if (acks !== -1 && acks !== 0 && acks !== 1) throw new KafkaClientStateError(`invalid acks ${acks}: -1, 0 or 1`);
    if (this.idempotent && acks !== -1) throw new KafkaClientStateError('an idempotent producer needs acks=-1 (create it with idempotent: false for acks 0 or 1)');
    const codec = batch.compression ?? this.options.compression ?? 0;
    if (!isCompressionCodec(codec)) throw new KafkaClientStateError(`unknown compression codec ${codec}`);
    const settings: BatchSettings = { acks, timeout: batch.timeout ?? 30_000, codec };
    const topicMessages = batch.topicMessages ?? [];
    for (const tm of topicMessages) {
      if (typeof tm.topic !== 'string' || tm.topic === '') throw new KafkaClientStateError('a topic name is required');
      if (!Array.isArray(tm.messages)) throw new KafkaClientStateError(`messages of ${tm.topic} must be an array`);
    }
    const topics = [...new Set(topicMessages.map((t) => t.topic))];
    // Metadata waits are chained in call order, so records are appended in the order of the
    // send() calls (as the Java client's synchronous send does), whatever each call waited for.
    const ready = this.appendChain.then(() => this.ensureTopicMetadata(topics));
    this.appendChain = ready.catch(() => undefined);
    await ready;

    const now = Date.now();
    // One BigInt for every record of this call that has no timestamp of its own.
    const nowTimestamp = BigInt(now);
    /** Per topic-partition: the batch and index of this call's first record there, and every batch used. */
    const firsts = new Map<string, { topic: string; partition: number; batch: ProducerBatch; index: number }>();
    const used = new Set<ProducerBatch>();
    // First every record is converted and checked, so that a refused send appends nothing.
    const maxRequestSize = this.options.maxRequestSize ?? 1_048_576;
    // Per record, in parallel arrays (no object per record): its topic's index in topicMessages,
    // its message, converted record, estimated size and chosen partition.
    const preparedTopic: number[] = [];
    const preparedMessage: Message[] = [];
    const preparedRecord: RecordInput[] = [];
    const preparedBytes: number[] = [];
    const preparedPartition: number[] = [];
    const topicPartitions: PartitionerArgs['partitionMetadata'][] = [];
    for (let t = 0; t < topicMessages.length; t++) {
      const tm = topicMessages[t]!;
      const topicMetadata = this.cluster.metadata.topics.get(tm.topic)!;
      const partitionMetadata = topicMetadata.partitions.map((p) => ({ partitionId: p.partitionId, leader: p.leader }));
      topicPartitions.push(partitionMetadata);
      for (const message of tm.messages) {
        const record = toRecordInput(message, nowTimestamp);
        const bytes = estimateRecordBytes(record);
        if (bytes > maxRequestSize) {
          throw new KafkaProtocolError(ErrorCode.MESSAGE_TOO_LARGE, `a record of about ${bytes} bytes for ${tm.topic} is larger than maxRequestSize (${maxRequestSize})`);
        }
        const partition = this.choosePartition(tm.topic, partitionMetadata, message);
        if (!Number.isInteger(partition) || partition < 0 || partition >= partitionMetadata.length) {
          throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} of ${tm.topic} (${partitionMetadata.length} partitions)`);
        }
        preparedTopic.push(t);
        preparedMessage.push(message);
        preparedRecord.push(record);
        preparedBytes.push(bytes);
        preparedPartition.push(partition);
      }
    }
    // The queue of the previous record's topic-partition: consecutive records usually share one.
    let lastTopic: string | undefined;
    let lastPartition = -1;
    let lastQueue: PartitionQueue | undefined;
    let lastTarget: ProducerBatch | undefined;
    for (let i = 0; i < preparedRecord.length; i++) {
      const topic = topicMessages[preparedTopic[i]!]!.topic;
      const partitionMetadata = topicPartitions[preparedTopic[i]!]!;
      const message = preparedMessage[i]!;
      const bytes = preparedBytes[i]!;
      let partition = preparedPartition[i]!;
      let queue = topic === lastTopic && partition === lastPartition ? lastQueue! : this.queueFor(topic, partition);
      if (this.defaultPartitioner !== undefined && this.defaultPartitioner.isSticky(message) && queue.openBatch?.accepts(settings, bytes, this.batchSize) !== true) {
        // KIP-480: a keyless record that would start a new batch moves the topic's sticky partition.
        partition = this.defaultPartitioner.onNewBatch(topic, partitionMetadata, partition);
        queue = this.queueFor(topic, partition);
      }
      let target = queue.openBatch;
      if (target === undefined || !target.accepts(settings, bytes, this.batchSize)) {
        if (target !== undefined) target.closed = true;
        target = new ProducerBatch(topic, partition, settings, now);
        queue.queue.push(target);
      }
      const index = target.append(preparedRecord[i]!, bytes);
      if (target.sizeBytes >= this.batchSize) target.closed = true;
      if (target !== lastTarget) used.add(target);
      lastTarget = target;
      if (!(topic === lastTopic && partition === lastPartition)) {
        const key = `${topic}\0${partition}`;
        if (!firsts.has(key)) firsts.set(key, { topic, partition, batch: target, index });
      }
      lastTopic = topic;
      lastPartition = partition;
      lastQueue = queue;
    }
    this.wakeup();
    const usedList = [...used];
    const settled = await Promise.allSettled(usedList.map((b) => b.done));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    const out: RecordMetadata[] = [];
    for (const f of firsts.values()) {
      const r = (settled[usedList.indexOf(f.batch)] as PromiseFulfilledResult<BatchResult>).value;
      out.push({
        topicName: f.topic,
        partition: f.partition,
        errorCode: 0,
        baseOffset: (r.baseOffset < 0n ? r.baseOffset : r.baseOffset + BigInt(f.index)).toString(),
        logAppendTime: r.logAppendTime.toString(),
        logStartOffset: r.logStartOffset.toString(),
      });
    }
    return out;
  }

  private choosePartition(topic: string, partitionMetadata: PartitionerArgs['partitionMetadata'], message: Message): number {
    const args = { topic, partitionMetadata, message };
    return this.customPartitioner !== undefined ? this.customPartitioner(args) : this.defaultPartitioner!.partition(args);
  }

  private queueFor(topic: string, partition: number): PartitionQueue {
    const key = `${topic}\0${partition}`;
    let q = this.partitions.get(key);
    if (q === undefined) {
      q = new PartitionQueue(topic, partition);
      this.partitions.set(key, q);
    }
    return q;
  }

  /** Waits until every topic has partitions in the metadata (a just auto-created one needs a second look). */
  private async ensureTopicMetadata(topics: string[]): Promise<void> {
    await withRetry(
      async () => {
        await this.cluster.refreshMetadataIfNecessary(topics);
        for (const t of topics) {
          const m = this.cluster.metadata.topics.get(t);
          const fatal = this.cluster.metadata.topicErrors.get(t);
          // An invalid name or a denied topic: retrying cannot help (the Java producer fails such a send at once).
          if (m === undefined && fatal !== undefined) throw new KafkaProtocolError(fatal, `topic ${t}`);
          if (m === undefined || m.partitions.length === 0) {
            this.cluster.markStale();
            throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${t}`);
          }
        }
      },
      this.options.retry,
    );
  }

  private async initProducerId(bump: boolean): Promise<void> {
    const current = this.producer;
    const response = await this.cluster.requestAny(ApiKey.InitProducerId, (version) => ({
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      // KIP-360 (v3+): presenting the current id and epoch bumps the epoch.
      producerId: bump && version >= 3 ? current.producerId : -1n,
      producerEpoch: bump && version >= 3 ? current.producerEpoch : -1,
    }));
    if (response.errorCode !== 0) throw new KafkaProtocolError(response.errorCode, 'InitProducerId');
    this.producer = { producerId: response.producerId, producerEpoch: response.producerEpoch };
  }

  // ---- the sender ----

  private wakeup(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.runSender();
    });
  }

  private wakeAt(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.runSender();
    }, Math.max(0, at - Date.now()));
  }

  private runSender(): void {
    if (!this.connected && this.flushing === 0) return;
    if (!this.hasPendingBatches()) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    const now = Date.now();
    this.expireBatches(now);
    if (this.epochBumpNeeded) {
      if (this.inFlightTotal === 0 && this.bumping === undefined) this.bumpEpoch();
      return;
    }
    let next = Infinity;
    let needMetadata = false;
    for (;;) {
      const requests = new Map<string, { nodeId: number; settings: BatchSettings; batches: ProducerBatch[] }>();
      for (const q of this.partitions.values()) {
        q.requeueFailed();
        const head = q.queue[0];
        if (head === undefined || q.failed.length > 0 || q.inFlight.length >= this.maxInFlight) continue;
        if (head.retryAt > now) {
          next = Math.min(next, head.retryAt);
          continue;
        }
        const full = head.closed || head.sizeBytes >= this.batchSize || q.queue.length > 1;
        const lingerDue = head.createdAt + this.lingerMs;
        if (!full && this.flushing === 0 && lingerDue > now) {
          next = Math.min(next, lingerDue);
          continue;
        }
        const leader = this.cluster.leaderFor(q.topic, q.partition);
        if (leader === undefined) {
          needMetadata = true;
          continue;
        }
        const key = `${leader}/${head.settings.acks}/${head.settings.timeout}`;
        let request = requests.get(key);
        if (request === undefined) {
          request = { nodeId: leader, settings: head.settings, batches: [] };
          requests.set(key, request);
        }
        q.queue.shift();
        head.closed = true;
        q.inFlight.push(head);
        this.inFlightTotal++;
        request.batches.push(head);
      }
      if (requests.size === 0) break;
      for (const r of requests.values()) void this.sendProduce(r.nodeId, r.settings, r.batches);
    }
    // A stale cache (NOT_LEADER_OR_FOLLOWER, a lost connection, a newer leader epoch) is refreshed
    // in the background while batches wait for their retry backoff.
    if (needMetadata || this.cluster.metadata.stale) this.refreshMetadataSoon();
    if (next < Infinity) this.wakeAt(next);
  }

  private hasPendingBatches(): boolean {
    for (const q of this.partitions.values()) if (!q.isEmpty) return true;
    return false;
  }

  private refreshMetadataSoon(): void {
    if (this.metadataRefresh !== undefined) return;
    this.cluster.markStale();
    this.metadataRefresh = this.cluster
      .refreshMetadata()
      .catch(() => new Promise<void>((r) => setTimeout(r, this.options.retryBackoffMs ?? 100)))
      .finally(() => {
        this.metadataRefresh = undefined;
        this.wakeup();
      });
  }

  /** Fails batches that have waited longer than the delivery timeout (not those in flight). */
  private expireBatches(now: number): void {
    for (const q of this.partitions.values()) {
      for (let i = 0; i < q.queue.length; ) {
        const b = q.queue[i]!;
        if (now - b.createdAt < this.deliveryTimeoutMs) {
          i++;
          this.wakeAt(b.createdAt + this.deliveryTimeoutMs);
          continue;
        }
        q.queue.splice(i, 1);
        // A sent batch that is given up leaves a hole in the sequence: start a new epoch.
        if (this.idempotent && b.attempts > 0) this.epochBumpNeeded = true;
        b.reject(b.lastError ?? new KafkaClientError(`delivery timeout: ${b.records.length} records for ${b.topic}-${b.partition} not sent within ${this.deliveryTimeoutMs} ms`));
      }
      if (q.isEmpty && !this.idempotent) this.partitions.delete(`${q.topic}\0${q.partition}`);
    }
  }

  private stamp(batch: ProducerBatch, queue: PartitionQueue): Uint8Array {
    if (this.idempotent && (batch.producerEpoch !== this.producer.producerEpoch || batch.producerId !== this.producer.producerId || batch.baseSequence < 0)) {
      batch.producerId = this.producer.producerId;
      batch.producerEpoch = this.producer.producerEpoch;
      batch.baseSequence = queue.nextSequence;
      queue.nextSequence = (queue.nextSequence + batch.records.length) & 0x7fffffff;
    }
    const stampKey = `${batch.producerId}/${batch.producerEpoch}/${batch.baseSequence}`;
    if (batch.built === undefined || batch.builtFor !== stampKey) {
      batch.built = buildRecordBatch(batch.records, {
        compression: batch.settings.codec,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
      });
      batch.builtFor = stampKey;
    }
    return batch.built;
  }

  private async sendProduce(nodeId: number, settings: BatchSettings, batches: ProducerBatch[]): Promise<void> {
    const byTopic = new Map<string, Array<{ index: number; records: Uint8Array }>>();
    for (const b of batches) {
      b.attempts++;
      let records: Uint8Array;
      try {
        records = this.stamp(b, this.queueFor(b.topic, b.partition));
      } catch (err) {
        this.complete(b, err as Error, undefined);
        continue;
      }
      let list = byTopic.get(b.topic);
      if (list === undefined) byTopic.set(b.topic, (list = []));
      list.push({ index: b.partition, records });
    }
    const live = batches.filter((b) => !b.settled);
    if (live.length === 0) return;
    const body = {
      transactionalId: null,
      acks: settings.acks,
      timeoutMs: settings.timeout,
      topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
    };
    try {
      const connection = await this.cluster.connectionTo(nodeId);
      if (settings.acks === 0) {
        await connection.request(ApiKey.Produce, body, { expectResponse: false });
        for (const b of live) this.complete(b, undefined, undefined);
        return;
      }
      const response = await connection.request(ApiKey.Produce, body, { timeoutMs: settings.timeout + 30_000 });
      const results = new Map<string, ProduceResponsePartitionProduceResponse>();
      for (const t of response.responses) for (const p of t.partitionResponses) results.set(`${t.name}\0${p.index}`, p);
      for (const b of live) {
        const r = results.get(`${b.topic}\0${b.partition}`);
        if (r === undefined) {
          this.complete(b, new KafkaClientError(`no result for ${b.topic}-${b.partition} in the Produce response`, { retriable: true }), undefined);
          continue;
        }
        if (r.currentLeader !== undefined && r.currentLeader.leaderEpoch >= 0) {
          this.cluster.metadata.observeLeader(b.topic, b.partition, r.currentLeader.leaderId, r.currentLeader.leaderEpoch);
        }
        this.complete(b, r.errorCode === 0 ? undefined : new KafkaProtocolError(r.errorCode, r.errorMessage), r);
      }
    } catch (err) {
      for (const b of live) this.complete(b, err as Error, undefined);
    }
  }

  /** Settles or requeues one batch after its send; `error` undefined is success. */
  private complete(batch: ProducerBatch, error: Error | undefined, result: ProduceResponsePartitionProduceResponse | undefined): void {
    const queue = this.queueFor(batch.topic, batch.partition);
    const i = queue.inFlight.indexOf(batch);
    if (i >= 0) {
      queue.inFlight.splice(i, 1);
      this.inFlightTotal--;
    }
    const code = error instanceof KafkaProtocolError ? error.code : 0;
    if (error === undefined || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      batch.resolve({
        baseOffset: error === undefined ? (result?.baseOffset ?? -1n) : -1n,
        logAppendTime: result?.logAppendTimeMs ?? -1n,
        logStartOffset: result?.logStartOffset ?? -1n,
      });
    } else {
      batch.lastError = error;
      let retry = isRetriableDelivery(error);
      if (this.idempotent) {
        const earlierFailed = queue.failed.some((f) => f.baseSequence < batch.baseSequence) || queue.inFlight.some((f) => f.baseSequence < batch.baseSequence);
        if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
          // After an earlier batch's failure this is expected; otherwise the broker lost our sequence.
          if (!earlierFailed) this.epochBumpNeeded = true;
          retry = true;
        } else if (code === ErrorCode.UNKNOWN_PRODUCER_ID) {
          this.epochBumpNeeded = true;
          retry = true;
        } else if ((code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.PRODUCER_FENCED) && batch.producerEpoch < this.producer.producerEpoch) {
          retry = true; // sent before an epoch bump: goes again with the new epoch
        } else if (!retry && batch.baseSequence >= 0) {
          this.epochBumpNeeded = true; // a hole in the sequence
        }
      }
      if (isMetadataError(error)) this.cluster.markStale();
      if (retry && Date.now() - batch.createdAt < this.deliveryTimeoutMs && this.connected) {
        const delay = backoff(batch.attempts, { initialMs: this.options.retryBackoffMs ?? 100, maxMs: this.options.retryBackoffMaxMs ?? 1000 });
        batch.retryAt = Date.now() + delay;
        queue.failed.push(batch);
        queue.requeueFailed();
        this.wakeAt(batch.retryAt);
      } else {
        batch.reject(error);
      }
    }
    // An idempotent producer keeps the queue: it holds the partition's next sequence number.
    if (queue.isEmpty && !this.idempotent) this.partitions.delete(`${batch.topic}\0${batch.partition}`);
    this.wakeup();
  }

  private bumpEpoch(): void {
    this.bumping = withRetry(() => this.initProducerId(true), this.options.retry)
      .then(() => {
        this.epochBumpNeeded = false;
        for (const q of this.partitions.values()) {
          q.nextSequence = 0;
          for (const b of q.queue) b.baseSequence = -1;
        }
      })
      .catch((err: Error) => {
        // Without a producer id nothing can be sent: fail what is waiting.
        for (const q of this.partitions.values()) for (const b of q.queue.splice(0)) b.reject(err);
        this.epochBumpNeeded = false;
      })
      .finally(() => {
        this.bumping = undefined;
        this.wakeup();
      });
  }
}

function toBytes(v: Buffer | Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

/** The headers of records that have none (never modified: the batch builder only reads them). */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

function toRecordInput(message: Message, now: bigint): RecordInput {
  let headers: RecordHeader[] | readonly RecordHeader[] = NO_HEADERS;
  if (message.headers !== undefined) {
    for (const key in message.headers) {
      if (!Object.hasOwn(message.headers, key)) continue;
      const value = message.headers[key];
      if (value === undefined) continue;
      const list: RecordHeader[] = headers === NO_HEADERS ? [] : (headers as RecordHeader[]);
      if (Array.isArray(value)) for (const v of value) list.push({ key, value: toBytes(v) });
      else list.push({ key, value: toBytes(value) });
      headers = list;
    }
  }
  const ts = message.timestamp === undefined ? now : BigInt(message.timestamp);
  return {
    key: keyBytes(message.key),
    value: message.value === null || message.value === undefined ? null : toBytes(message.value),
    headers,
    timestamp: ts,
  };
}
