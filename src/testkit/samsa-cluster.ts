/**
 * A Samsa cluster for tests: a real ZooKeeper (standalone, or an existing ensemble) and N brokers,
 * each with its own log dir, on loopback ports — started in this process with `startBroker`, or
 * (`processes: true`) as separate `kafka-server-start` processes that a test can SIGKILL or
 * SIGSTOP. Brokers can be stopped (a clean shutdown: SIGTERM for a process) and started again on
 * the same log dir and port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../broker/broker.js';
import type { Broker } from '../broker/broker.js';
import type { Logger } from '../logging/logger.js';
import { ApiKey } from '../protocol/generated/api-table.js';
import { BrokerProcess, freePort } from './broker-process.js';
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
  /** Run every broker as a separate process. Default false (in this process). */
  processes?: boolean;
}

interface Slot {
  nodeId: number;
  port: number;
  logDir: string;
  broker: Broker | null;
  process: BrokerProcess | null;
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
    for (let i = 1; i <= (options.brokers ?? 3); i++) slots.push({ nodeId: i, port: await freePort(), logDir: join(root, `broker-${i}`), broker: null, process: null });
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

  /** The running in-process broker `nodeId` (throws when it is stopped or a process). */
  broker(nodeId: number): Broker {
    const b = this.slot(nodeId).broker;
    if (b === null) throw new Error(`broker ${nodeId} is not running in this process`);
    return b;
  }

  /** The process of broker `nodeId` (with `processes: true`; throws otherwise). */
  process(nodeId: number): BrokerProcess {
    const p = this.slot(nodeId).process;
    if (p === null) throw new Error(`broker ${nodeId} has no process`);
    return p;
  }

  isRunning(nodeId: number): boolean {
    const s = this.slot(nodeId);
    return s.broker !== null || (s.process?.running ?? false);
  }

  portOf(nodeId: number): number {
    return this.slot(nodeId).port;
  }

  logDirOf(nodeId: number): string {
    return this.slot(nodeId).logDir;
  }

  /** `host:port,...` of the running brokers. */
  get bootstrap(): string {
    return this.slots.filter((s) => this.isRunning(s.nodeId)).map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  /** `host:port,...` of every broker, running or not (what a client is configured with). */
  get allBootstrap(): string {
    return this.slots.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async startBroker(nodeId: number, extra: Record<string, string> = {}): Promise<void> {
    const slot = this.slot(nodeId);
    if (this.isRunning(nodeId)) return;
    // Short controlled-shutdown back-off: a test cluster stopping its last brokers has partitions
    // with nowhere to go, and Kafka's 5 s between retries would only slow the tests down.
    const properties = { 'zookeeper.connect': this.connect, 'zookeeper.session.timeout.ms': '6000', 'controlled.shutdown.retry.backoff.ms': '100', ...this.options.properties, ...extra };
    if (this.options.processes === true) {
      slot.process = await BrokerProcess.start({ port: slot.port, logDir: slot.logDir, overrides: { 'broker.id': String(nodeId), ...properties } });
      return;
    }
    slot.broker = await startBroker({
      host: '127.0.0.1',
      port: slot.port,
      logDirs: [slot.logDir],
      nodeId,
      properties,
      ...(this.options.logger === undefined ? {} : { logger: this.options.logger(nodeId) }),
    });
  }

  /** A clean shutdown of broker `nodeId` (SIGTERM for a process, waiting for its exit). */
  async stopBroker(nodeId: number): Promise<void> {
    const slot = this.slot(nodeId);
    const b = slot.broker;
    slot.broker = null;
    await b?.close();
    if (slot.process?.running === true) {
      slot.process.kill('SIGTERM');
      await slot.process.waitForExit(30_000);
    }
  }

  /** SIGKILL of broker process `nodeId`. */
  async killBroker(nodeId: number): Promise<void> {
    const p = this.process(nodeId);
    p.kill('SIGKILL');
    await p.waitForExit(10_000);
  }

  /** A connection to broker `nodeId` (the caller closes it). */
  client(nodeId: number): Promise<KafkaTestClient> {
    return KafkaTestClient.connect('127.0.0.1', this.portOf(nodeId));
  }

  /** Waits until broker `via` (default the first running one) lists exactly the brokers `ids` and a controller. */
  async waitForBrokers(ids: readonly number[], via?: number): Promise<void> {
    const id = via ?? this.slots.find((s) => this.isRunning(s.nodeId))!.nodeId;
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
        if (s.process?.running === true) {
          s.process.kill('SIGCONT');
          s.process.kill('SIGKILL');
          await s.process.waitForExit(10_000);
        }
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
