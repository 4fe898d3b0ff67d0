/**
 * The controller's work while this broker holds the controller lease (see
 * metadata/zookeeper/controller-election.ts): it keeps every partition's leader and ISR in
 * ZooKeeper in step with the registered brokers and the topics.
 *
 * One serial queue of events (Kafka's controller event manager): startup, broker set changed,
 * topics or assignments changed, topic deletions requested. Every event is handled by reading the
 * current state from ZooKeeper (with watches that enqueue the next event) and reconciling it:
 * partitions without a state get their first leader, partitions whose leader or ISR members left
 * get a new leader from the ISR (or go offline), offline partitions come back when an ISR member
 * returns, and topics marked for deletion lose their znodes. Writes go through
 * `writePartitionStates` fenced by the lease: once another broker is controller, ZooKeeper
 * refuses them and this controller stops.
 */
import type { Logger } from '../../logging/logger.js';
import { registeredBrokerIds } from '../metadata/zookeeper/broker-registration.js';
import type { ControllerLease } from '../metadata/zookeeper/controller-election.js';
import { ZNODES } from '../metadata/zookeeper/kafka-znodes.js';
import { readPartitionState, readTopic, readTopicNames, writePartitionStates } from '../metadata/zookeeper/topic-znodes.js';
import type { PartitionStateWrite } from '../metadata/zookeeper/topic-znodes.js';
import { ZooKeeperError } from '../metadata/zookeeper/zookeeper-client.js';
import type { ZooKeeperClient, ZooKeeperOp } from '../metadata/zookeeper/zookeeper-client.js';
import { afterBrokerFailure, afterBrokerStartup, initialLeadership } from './partition-leadership.js';
import type { Leadership } from './partition-leadership.js';

export interface ControllerOptions {
  zk: ZooKeeperClient;
  lease: ControllerLease;
  /** unclean.leader.election.enable for a topic (its override, else the broker's setting). */
  uncleanLeaderElection?: (topic: string, configs: Record<string, string>) => boolean;
  logger: Logger;
}

/** Counters for tests and logs. */
export interface ControllerStats {
  events: number;
  partitionStateWrites: number;
  topicsDeleted: number;
}

export class Controller {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private pending = 0;
  private readonly stats_: ControllerStats = { events: 0, partitionStateWrites: 0, topicsDeleted: 0 };
  private idleWaiters: (() => void)[] = [];
  /** One stable callback for every watch (the client registers a function once per path). */
  private readonly onChange = (): void => {
    void this.enqueue('change', () => this.reconcile());
  };

  constructor(private readonly opts: ControllerOptions) {}

  /** Reads everything and reconciles; later changes arrive through watches. */
  start(): Promise<void> {
    return this.enqueue('startup', () => this.reconcile());
  }

  /** Stops handling events (resigned or fenced). Events already queued are dropped. */
  stop(): void {
    this.stopped = true;
  }

  get isActive(): boolean {
    return !this.stopped;
  }

  stats(): ControllerStats {
    return { ...this.stats_ };
  }

  /** Resolves when no event is queued or running (tests). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(name: string, handler: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      this.stats_.events++;
      try {
        await handler();
      } catch (err) {
        if (err instanceof ZooKeeperError && err.code === 'BAD_VERSION' && err.path === ZNODES.controllerEpoch) {
          this.opts.logger.warn({ epoch: this.opts.lease.epoch }, 'controller fenced: another broker holds a newer controller epoch; stopping');
          this.stop();
          return;
        }
        // A ZooKeeper hiccup: the next watch (or the new controller) retries from the current state.
        this.opts.logger.error({ err, event: name }, 'controller event failed');
      }
    };
    this.queue = this.queue.then(run).finally(() => {
      this.pending--;
      if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
    return this.queue;
  }

  /** One pass over the whole cluster state: deletions first, then every partition's leadership. */
  private async reconcile(): Promise<void> {
    const { zk } = this.opts;
    const live = new Set(await registeredBrokerIds(zk, this.onChange));
    await zk.ensurePath('/admin/delete_topics');
    const deletions = new Set((await zk.getChildren('/admin/delete_topics', this.onChange)) ?? []);
    const writes: PartitionStateWrite[] = [];
    for (const name of await readTopicNames(zk, this.onChange)) {
      if (deletions.has(name)) continue;
      const topic = await readTopic(zk, name, this.onChange);
      if (topic === null) continue;
      const unclean = this.opts.uncleanLeaderElection?.(name, topic.configs) ?? false;
      for (let p = 0; p < topic.assignment.partitions.length; p++) {
        const replicas = topic.assignment.partitions[p]!;
        const node = await readPartitionState(zk, name, p);
        if (node === null) {
          writes.push({ topic: name, partition: p, state: initialLeadership(replicas, live), expectedZkVersion: null });
          continue;
        }
        const current: Leadership = { leader: node.state.leader, leaderEpoch: node.state.leaderEpoch, isr: node.state.isr };
        const change = current.leader === -1 ? afterBrokerStartup(replicas, current, live, unclean) : afterBrokerFailure(replicas, current, live, unclean);
        if (!change.changed) continue;
        if (change.unclean) this.opts.logger.warn({ topic: name, partition: p, leader: change.next.leader }, 'unclean leader election: records acknowledged by the old ISR may be lost');
        if (change.next.leader === -1) this.opts.logger.warn({ topic: name, partition: p, isr: change.next.isr }, 'partition offline: no live replica in its ISR');
        writes.push({ topic: name, partition: p, state: change.next, expectedZkVersion: node.zkVersion });
      }
    }
    if (writes.length > 0) {
      await writePartitionStates(zk, this.opts.lease, writes);
      this.stats_.partitionStateWrites += writes.length;
    }
    for (const name of deletions) await this.deleteTopic(name);
  }

  /** Removes a topic marked for deletion: its partition states, assignment, config and the mark, in one fenced multi. */
  private async deleteTopic(name: string): Promise<void> {
    const { zk, lease } = this.opts;
    const ops: ZooKeeperOp[] = [{ op: 'check', path: ZNODES.controllerEpoch, version: lease.epochZkVersion }];
    const partitions = (await zk.getChildren(ZNODES.topicPartitions(name))) ?? [];
    for (const p of partitions) {
      const partition = Number(p);
      if ((await zk.exists(ZNODES.partitionState(name, partition))) !== null) ops.push({ op: 'delete', path: ZNODES.partitionState(name, partition) });
      ops.push({ op: 'delete', path: ZNODES.partition(name, partition) });
    }
    if (partitions.length > 0 || (await zk.exists(ZNODES.topicPartitions(name))) !== null) ops.push({ op: 'delete', path: ZNODES.topicPartitions(name) });
    if ((await zk.exists(ZNODES.topic(name))) !== null) ops.push({ op: 'delete', path: ZNODES.topic(name) });
    if ((await zk.exists(ZNODES.topicConfig(name))) !== null) ops.push({ op: 'delete', path: ZNODES.topicConfig(name) });
    ops.push({ op: 'delete', path: ZNODES.deleteTopic(name) });
    await zk.multi(ops);
    this.stats_.topicsDeleted++;
    this.opts.logger.info({ topic: name }, 'topic deleted');
  }
}
