/**
 * A Samsa cluster for tests: a real ZooKeeper (standalone, or an existing ensemble) and N brokers
 * started in this process with `startBroker`, each with its own log dir, on loopback ports. Brokers
 * can be stopped (a clean shutdown: its ZooKeeper session ends) and started again on the same log
 * dir and port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../broker/broker.js';
import type { Broker } from '../broker/broker.js';
import type { Logger } from '../logging/logger.js';
import { ApiKey } from '../protocol/generated/api-table.js';
import { freePort } from './broker-process.js';
import { KafkaTestClient } from './kafka-test-client.js';
import { pollUntil } from './poll-until.js';
import { ZooKeeperCluster } from './zookeeper-server.js';

export interface SamsaClusterOptions {
  /** Number of brokers, ids 1..N. Default 3. */
  brokers?: number;
  /** Brokers outside this object (e.g. processes) expected in the cluster too: `start` waits for them. */
  otherBrokers?: number[];
  /** An ensemble to use (left running by `close()`); default a new standalone server. */
  zookeeper?: ZooKeeperCluster;
  /** The chroot under which the cluster keeps its znodes. Default a unique one. */
  chroot?: string;
  /** server.properties entries for every broker. */
  properties?: Record<string, string>;
  logger?: (nodeId: number) => Logger;
}

interface Slot {
  nodeId: number;
  port: number;
  logDir: string;
  broker: Broker | null;
}

let clusters = 0;

export class SamsaCluster {
  private constructor(
    readonly zookeeper: ZooKeeperCluster,
    private readonly ownsZooKeeper: boolean,
    readonly connect: string,
    private readonly slots: Slot[],
    private readonly root: string,
    private readonly options: SamsaClusterOptions,
  ) {}

  static async start(options: SamsaClusterOptions = {}): Promise<SamsaCluster> {
    const zookeeper = options.zookeeper ?? (await ZooKeeperCluster.start());
    const root = mkdtempSync(join(tmpdir(), 'samsa-cluster-'));
    const chroot = options.chroot ?? `/samsa-${process.pid}-${++clusters}`;
    const slots: Slot[] = [];
    for (let i = 1; i <= (options.brokers ?? 3); i++) slots.push({ nodeId: i, port: await freePort(), logDir: join(root, `broker-${i}`), broker: null });
    const cluster = new SamsaCluster(zookeeper, options.zookeeper === undefined, `${zookeeper.connectString}${chroot}`, slots, root, options);
    try {
      await Promise.all(slots.map((s) => cluster.startBroker(s.nodeId)));
      await cluster.waitForBrokers([...cluster.nodeIds, ...(options.otherBrokers ?? [])]);
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** Brokers' ids, in order. */
  get nodeIds(): number[] {
    return this.slots.map((s) => s.nodeId);
  }

  /** The running broker `nodeId` (throws when it is stopped). */
  broker(nodeId: number): Broker {
    const b = this.slot(nodeId).broker;
    if (b === null) throw new Error(`broker ${nodeId} is not running`);
    return b;
  }

  isRunning(nodeId: number): boolean {
    return this.slot(nodeId).broker !== null;
  }

  portOf(nodeId: number): number {
    return this.slot(nodeId).port;
  }

  logDirOf(nodeId: number): string {
    return this.slot(nodeId).logDir;
  }

  /** `host:port,...` of the running brokers. */
  get bootstrap(): string {
    return this.slots.filter((s) => s.broker !== null).map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async startBroker(nodeId: number, extra: Record<string, string> = {}): Promise<Broker> {
    const slot = this.slot(nodeId);
    if (slot.broker !== null) return slot.broker;
    slot.broker = await startBroker({
      host: '127.0.0.1',
      port: slot.port,
      logDirs: [slot.logDir],
      nodeId,
      properties: { 'zookeeper.connect': this.connect, 'zookeeper.session.timeout.ms': '6000', ...this.options.properties, ...extra },
      ...(this.options.logger === undefined ? {} : { logger: this.options.logger(nodeId) }),
    });
    return slot.broker;
  }

  /** A clean shutdown of broker `nodeId`. */
  async stopBroker(nodeId: number): Promise<void> {
    const slot = this.slot(nodeId);
    const b = slot.broker;
    slot.broker = null;
    await b?.close();
  }

  /** A connection to broker `nodeId` (the caller closes it). */
  client(nodeId: number): Promise<KafkaTestClient> {
    return KafkaTestClient.connect('127.0.0.1', this.portOf(nodeId));
  }

  /** Waits until broker `via` (default the first running one) lists exactly the brokers `ids` and a controller. */
  async waitForBrokers(ids: readonly number[], via?: number): Promise<void> {
    const id = via ?? this.slots.find((s) => s.broker !== null)!.nodeId;
    const want = [...ids].sort((a, b) => a - b).join(',');
    const client = await this.client(id);
    try {
      await pollUntil(
        `brokers [${want}] registered and a controller elected`,
        () => client.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
        (md) => md.brokers.map((b) => b.nodeId).sort((a, b) => a - b).join(',') === want && (md.controllerId ?? -1) >= 0,
        { timeoutMs: 20_000 },
      );
    } finally {
      client.close();
    }
  }

  /** The controller's id as broker `via` sees it. */
  async controllerId(via: number): Promise<number> {
    const client = await this.client(via);
    try {
      return (await client.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).controllerId ?? -1;
    } finally {
      client.close();
    }
  }

  async close(): Promise<void> {
    for (const s of this.slots) {
      const b = s.broker;
      s.broker = null;
      try {
        await b?.close();
      } catch {
        // Closing the rest matters more than one broker's shutdown error.
      }
    }
    if (this.ownsZooKeeper) await this.zookeeper.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  private slot(nodeId: number): Slot {
    const s = this.slots.find((x) => x.nodeId === nodeId);
    if (s === undefined) throw new Error(`no broker ${nodeId} in this cluster`);
    return s;
  }
}
