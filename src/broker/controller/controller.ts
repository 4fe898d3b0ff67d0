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
import { encodeTopicAssignment, ZNODES } from '../metadata/zookeeper/kafka-znodes.js';
import type { TopicAssignment } from '../metadata/zookeeper/kafka-znodes.js';
import { readPartitionState, readTopic, readTopicNames, writePartitionStates } from '../metadata/zookeeper/topic-znodes.js';
import type { PartitionStateWrite } from '../metadata/zookeeper/topic-znodes.js';
import { ZooKeeperError } from '../metadata/zookeeper/zookeeper-client.js';
import type { ZooKeeperClient, ZooKeeperOp } from '../metadata/zookeeper/zookeeper-client.js';
import { afterBrokerFailure, afterBrokerStartup, controlledShutdown, initialLeadership, NO_LEADER, preferredLeader } from './partition-leadership.js';
import type { Leadership, LeadershipChange } from './partition-leadership.js';

/** A request only the controller serves reached a broker that is not (or no longer) the controller: Kafka's NOT_CONTROLLER. */
export class NotControllerError extends Error {
  constructor(readonly controllerId: number | null) {
    super(`this broker is not the controller (the controller is ${controllerId ?? 'not known'})`);
    this.name = 'NotControllerError';
  }
}

export interface ControllerOptions {
  zk: ZooKeeperClient;
  lease: ControllerLease;
  /** unclean.leader.election.enable for a topic (its override, else the broker's setting). */
  uncleanLeaderElection?: (topic: string, configs: Record<string, string>) => boolean;
  /**
   * auto.leader.rebalance.enable: every `intervalMs` (leader.imbalance.check.interval.seconds),
   * a broker leading fewer than (100 - `imbalancePercentage`)% of the partitions it is the
   * preferred leader of gets their leadership back. Null: off.
   */
  autoLeaderRebalance?: { intervalMs: number; imbalancePercentage: number } | null;
  logger: Logger;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** ElectLeaders' election types. */
export type ElectionType = 'preferred' | 'unclean';

/** The outcome of one partition's election, with Kafka's error names. */
export type ElectionResult =
  | { error: null }
  | { error: 'ELECTION_NOT_NEEDED' | 'PREFERRED_LEADER_NOT_AVAILABLE' | 'ELIGIBLE_LEADERS_NOT_AVAILABLE' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string };

/** One partition of AlterPartitionReassignments: the target replicas, or null to cancel. */
export interface ReassignmentRequest extends TopicPartitionRef {
  replicas: number[] | null;
}

export type ReassignmentResult =
  | { error: null }
  | { error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'INVALID_REPLICA_ASSIGNMENT' | 'NO_REASSIGNMENT_IN_PROGRESS'; message: string };

/** A partition being reassigned, as ListPartitionReassignments reports it. */
export interface OngoingReassignment extends TopicPartitionRef {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** What a partition's read state gives a leadership decision. */
interface PartitionView {
  topic: string;
  partition: number;
  replicas: readonly number[];
  current: Leadership;
  zkVersion: number;
  configs: Record<string, string>;
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
  /** Brokers in controlled shutdown: not chosen as leaders until their registration goes away. */
  private readonly shuttingDown = new Set<number>();
  private rebalanceTimer: NodeJS.Timeout | null = null;
  /** One stable callback for every watch (the client registers a function once per path). */
  private readonly onChange = (): void => {
    void this.enqueue('change', () => this.reconcile());
  };

  constructor(private readonly opts: ControllerOptions) {}

  /** Reads everything and reconciles; later changes arrive through watches. */
  start(): Promise<void> {
    const rebalance = this.opts.autoLeaderRebalance;
    if (rebalance != null) {
      this.rebalanceTimer = setInterval(() => void this.enqueue('auto-leader-rebalance', () => this.rebalanceLeaders()), rebalance.intervalMs);
      this.rebalanceTimer.unref();
    }
    return this.enqueue('startup', () => this.reconcile());
  }

  /** Stops handling events (resigned or fenced). Events already queued are dropped. */
  stop(): void {
    this.stopped = true;
    if (this.rebalanceTimer !== null) clearInterval(this.rebalanceTimer);
    this.rebalanceTimer = null;
  }

  /**
   * ControlledShutdown from broker `brokerId`: it leaves every ISR, and leadership of the
   * partitions it leads moves to another live ISR member. Returns the partitions with more than
   * one replica that it still leads (no other replica in sync): the broker retries, or stops and
   * leaves them offline.
   */
  async controlledShutdown(brokerId: number): Promise<TopicPartitionRef[]> {
    let remaining: TopicPartitionRef[] = [];
    await this.enqueue('controlled-shutdown', async () => {
      const live = new Set(await registeredBrokerIds(this.opts.zk));
      if (!live.has(brokerId)) return;
      this.shuttingDown.add(brokerId);
      for (const b of this.shuttingDown) live.delete(b);
      const views = await this.readPartitions(null);
      await this.apply(views, (v) => controlledShutdown(v.replicas, v.current, brokerId, live));
      // As Kafka counts them: a partition with a single replica has nowhere to go and does not hold the shutdown up.
      remaining = (await this.readPartitions(null)).filter((v) => v.current.leader === brokerId && v.replicas.length > 1).map((v) => ({ topic: v.topic, partition: v.partition }));
      this.opts.logger.info({ brokerId, remaining: remaining.length }, 'controlled shutdown: leadership moved');
    });
    if (this.stopped) throw new NotControllerError(null);
    return remaining;
  }

  /** ElectLeaders: a preferred or unclean election for the given partitions (null: all). */
  async electLeaders(type: ElectionType, partitions: TopicPartitionRef[] | null): Promise<Map<string, ElectionResult>> {
    const results = new Map<string, ElectionResult>();
    await this.enqueue('elect-leaders', async () => {
      const live = await this.liveBrokers();
      const views = await this.readPartitions(partitions === null ? null : new Set(partitions.map((p) => p.topic)));
      const byKey = new Map(views.map((v) => [`${v.topic}-${v.partition}`, v]));
      const wanted = partitions ?? views.map((v) => ({ topic: v.topic, partition: v.partition }));
      const chosen: PartitionView[] = [];
      for (const { topic, partition } of wanted) {
        const key = `${topic}-${partition}`;
        const v = byKey.get(key);
        if (v === undefined) {
          results.set(key, { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The partition ${key} does not exist.` });
          continue;
        }
        const change = this.election(type, v, live);
        if (change.changed) {
          chosen.push(v);
          results.set(key, { error: null });
        } else if (type === 'preferred' && v.current.leader === v.replicas[0]) {
          results.set(key, { error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for topic partition ${key}` });
        } else if (type === 'unclean' && v.current.leader !== NO_LEADER && live.has(v.current.leader)) {
          results.set(key, { error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for topic partition ${key}` });
        } else if (type === 'preferred') {
          results.set(key, { error: 'PREFERRED_LEADER_NOT_AVAILABLE', message: `Failed to elect leader for partition ${key} under strategy PreferredReplicaPartitionLeaderElectionStrategy` });
        } else {
          results.set(key, { error: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', message: `Failed to elect leader for partition ${key} under strategy UncleanPartitionLeaderElectionStrategy` });
        }
      }
      await this.apply(chosen, (v) => this.election(type, v, live));
    });
    if (this.stopped) throw new NotControllerError(null);
    return results;
  }

  private election(type: ElectionType, v: PartitionView, live: ReadonlySet<number>): LeadershipChange {
    if (type === 'preferred') return preferredLeader(v.replicas, v.current, live);
    if (v.current.leader !== NO_LEADER && live.has(v.current.leader)) return { changed: false };
    return afterBrokerFailure(v.replicas, v.current, live, true);
  }

  /** auto.leader.rebalance.enable: preferred elections for the brokers whose imbalance exceeds the allowed percentage. */
  private async rebalanceLeaders(): Promise<void> {
    const threshold = this.opts.autoLeaderRebalance?.imbalancePercentage ?? 10;
    const live = await this.liveBrokers();
    const views = await this.readPartitions(null);
    const byPreferred = new Map<number, PartitionView[]>();
    for (const v of views) {
      const preferred = v.replicas[0];
      if (preferred === undefined || !live.has(preferred)) continue;
      const list = byPreferred.get(preferred) ?? [];
      list.push(v);
      byPreferred.set(preferred, list);
    }
    const chosen: PartitionView[] = [];
    for (const [broker, list] of byPreferred) {
      const notLed = list.filter((v) => v.current.leader !== broker);
      if (notLed.length === 0 || (notLed.length * 100) / list.length <= threshold) continue;
      this.opts.logger.info({ broker, imbalancePercent: Math.round((notLed.length * 100) / list.length) }, 'leader imbalance above leader.imbalance.per.broker.percentage: preferred leader election');
      chosen.push(...notLed);
    }
    await this.apply(chosen, (v) => preferredLeader(v.replicas, v.current, live));
  }

  /** Registered brokers that are not in controlled shutdown (and forgets shutdowns of brokers that are gone). */
  private async liveBrokers(watch?: () => void): Promise<Set<number>> {
    const live = new Set(await registeredBrokerIds(this.opts.zk, watch));
    for (const b of this.shuttingDown) {
      if (!live.has(b)) this.shuttingDown.delete(b);
      else live.delete(b);
    }
    return live;
  }

  /** Every partition state of the given topics (null: all topics not being deleted). */
  private async readPartitions(topics: ReadonlySet<string> | null): Promise<PartitionView[]> {
    const { zk } = this.opts;
    const deletions = new Set((await zk.getChildren('/admin/delete_topics')) ?? []);
    const out: PartitionView[] = [];
    for (const name of await readTopicNames(zk)) {
      if (deletions.has(name) || (topics !== null && !topics.has(name))) continue;
      const topic = await readTopic(zk, name);
      if (topic === null) continue;
      for (let p = 0; p < topic.assignment.partitions.length; p++) {
        const node = await readPartitionState(zk, name, p);
        if (node === null) continue;
        out.push({ topic: name, partition: p, replicas: topic.assignment.partitions[p]!, current: { leader: node.state.leader, leaderEpoch: node.state.leaderEpoch, isr: node.state.isr }, zkVersion: node.zkVersion, configs: topic.configs });
      }
    }
    return out;
  }

  /** Writes the changed states `decide` returns, in one fenced multi. */
  private async apply(views: readonly PartitionView[], decide: (v: PartitionView) => LeadershipChange): Promise<void> {
    const writes: PartitionStateWrite[] = [];
    for (const v of views) {
      const change = decide(v);
      if (change.changed) writes.push({ topic: v.topic, partition: v.partition, state: change.next, expectedZkVersion: v.zkVersion });
    }
    if (writes.length === 0) return;
    await writePartitionStates(this.opts.zk, this.opts.lease, writes);
    this.stats_.partitionStateWrites += writes.length;
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
    const live = await this.liveBrokers(this.onChange);
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
    await this.completeReassignments(deletions);
  }

  /**
   * AlterPartitionReassignments (KIP-455, as ZooKeeper-mode Kafka runs it): the assignment becomes
   * target + original replicas with the added and removed ones recorded, and the leader epoch is
   * bumped so the new replicas start following. Once every target replica is in the ISR the
   * reassignment completes (see completeReassignments). `replicas: null` cancels one in progress.
   */
  async reassignPartitions(requests: readonly ReassignmentRequest[]): Promise<Map<string, ReassignmentResult>> {
    const results = new Map<string, ReassignmentResult>();
    await this.enqueue('reassign-partitions', async () => {
      const { zk, lease } = this.opts;
      const registered = new Set(await registeredBrokerIds(zk));
      const live = await this.liveBrokers();
      const byTopic = new Map<string, ReassignmentRequest[]>();
      for (const r of requests) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
      for (const [name, list] of byTopic) {
        const node = await zk.getData(ZNODES.topic(name));
        const topic = node === null ? null : await readTopic(zk, name);
        if (node === null || topic === null) {
          for (const r of list) results.set(`${name}-${r.partition}`, { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `Topic ${name} does not exist.` });
          continue;
        }
        const assignment: TopicAssignment = { ...topic.assignment, partitions: topic.assignment.partitions.map((r) => [...r]), addingReplicas: { ...topic.assignment.addingReplicas }, removingReplicas: { ...topic.assignment.removingReplicas } };
        const stateWrites: PartitionStateWrite[] = [];
        for (const r of list) {
          const key = `${name}-${r.partition}`;
          const current = assignment.partitions[r.partition];
          const stateNode = current === undefined ? null : await readPartitionState(zk, name, r.partition);
          if (current === undefined || stateNode === null) {
            results.set(key, { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `Partition ${key} does not exist.` });
            continue;
          }
          const adding = assignment.addingReplicas![r.partition] ?? [];
          const inProgress = adding.length > 0 || (assignment.removingReplicas![r.partition] ?? []).length > 0;
          const original = current.filter((b) => !adding.includes(b));
          const state = stateNode.state;
          if (r.replicas === null) {
            if (!inProgress) {
              results.set(key, { error: 'NO_REASSIGNMENT_IN_PROGRESS', message: `No reassignment is in progress for ${key}.` });
              continue;
            }
            // Cancel: back to the original replicas.
            assignment.partitions[r.partition] = original;
            delete assignment.addingReplicas![r.partition];
            delete assignment.removingReplicas![r.partition];
            const isr = state.isr.filter((b) => original.includes(b));
            const leader = original.includes(state.leader) && live.has(state.leader) ? state.leader : (original.find((b) => live.has(b) && isr.includes(b)) ?? NO_LEADER);
            stateWrites.push({ topic: name, partition: r.partition, state: { leader, leaderEpoch: state.leaderEpoch + 1, isr: isr.length > 0 ? isr : state.isr }, expectedZkVersion: stateNode.zkVersion });
            results.set(key, { error: null });
            continue;
          }
          const target = r.replicas;
          const problem =
            target.length === 0 ? 'The replica list is empty.'
            : new Set(target).size !== target.length ? `Duplicate replicas in ${JSON.stringify(target)}.`
            : target.some((b) => !registered.has(b)) ? `Unknown broker in ${JSON.stringify(target)}: the brokers are ${[...registered].join(', ')}.`
            : null;
          if (problem !== null) {
            results.set(key, { error: 'INVALID_REPLICA_ASSIGNMENT', message: problem });
            continue;
          }
          results.set(key, { error: null });
          if (!inProgress && target.join() === current.join()) continue;
          assignment.partitions[r.partition] = [...target, ...original.filter((b) => !target.includes(b))];
          assignment.addingReplicas![r.partition] = target.filter((b) => !original.includes(b));
          assignment.removingReplicas![r.partition] = original.filter((b) => !target.includes(b));
          stateWrites.push({ topic: name, partition: r.partition, state: { leader: state.leader, leaderEpoch: state.leaderEpoch + 1, isr: state.isr }, expectedZkVersion: stateNode.zkVersion });
        }
        if (stateWrites.length === 0) continue;
        await writePartitionStates(zk, lease, stateWrites, [{ op: 'setData', path: ZNODES.topic(name), data: encodeTopicAssignment(assignment), version: node.version }]);
        this.stats_.partitionStateWrites += stateWrites.length;
        this.opts.logger.info({ topic: name, partitions: stateWrites.map((w) => w.partition) }, 'partition reassignment started');
      }
      await this.completeReassignments(new Set());
    });
    if (this.stopped) throw new NotControllerError(null);
    return results;
  }

  /** ListPartitionReassignments: the partitions being reassigned (of `topics`, or all). */
  async listReassignments(topics: ReadonlySet<string> | null): Promise<OngoingReassignment[]> {
    const out: OngoingReassignment[] = [];
    for (const name of await readTopicNames(this.opts.zk)) {
      if (topics !== null && !topics.has(name)) continue;
      const topic = await readTopic(this.opts.zk, name);
      if (topic === null) continue;
      topic.assignment.partitions.forEach((replicas, p) => {
        const addingReplicas = topic.assignment.addingReplicas?.[p] ?? [];
        const removingReplicas = topic.assignment.removingReplicas?.[p] ?? [];
        if (addingReplicas.length > 0 || removingReplicas.length > 0) out.push({ topic: name, partition: p, replicas, addingReplicas, removingReplicas });
      });
    }
    return out;
  }

  /**
   * Finishes the reassignments whose target replicas are all in the ISR: the assignment becomes the
   * target, the ISR loses the removed replicas, and leadership moves into the target set when the
   * leader is being removed (leader epoch bumped). Partitions still catching up are watched, so an
   * ISR change written by their leader brings the controller back here.
   */
  private async completeReassignments(skip: ReadonlySet<string>): Promise<void> {
    const { zk, lease } = this.opts;
    let live: Set<number> | null = null;
    for (const name of await readTopicNames(zk)) {
      if (skip.has(name)) continue;
      const node = await zk.getData(ZNODES.topic(name));
      const topic = node === null ? null : await readTopic(zk, name);
      if (node === null || topic === null) continue;
      const a = topic.assignment;
      const pending = new Set([...Object.keys(a.addingReplicas ?? {}), ...Object.keys(a.removingReplicas ?? {})].map(Number));
      if (pending.size === 0) continue;
      live ??= await this.liveBrokers();
      const assignment: TopicAssignment = { ...a, partitions: a.partitions.map((r) => [...r]), addingReplicas: { ...a.addingReplicas }, removingReplicas: { ...a.removingReplicas } };
      const writes: PartitionStateWrite[] = [];
      for (const p of pending) {
        const removing = a.removingReplicas?.[p] ?? [];
        const target = a.partitions[p]!.filter((b) => !removing.includes(b));
        const stateNode = await readPartitionState(zk, name, p, this.onChange);
        if (stateNode === null) continue;
        const state = stateNode.state;
        if (!target.every((b) => state.isr.includes(b))) continue;
        const isr = state.isr.filter((b) => target.includes(b));
        const leader = target.includes(state.leader) && live.has(state.leader) ? state.leader : (target.find((b) => live!.has(b) && isr.includes(b)) ?? NO_LEADER);
        if (leader === NO_LEADER) continue;
        assignment.partitions[p] = target;
        delete assignment.addingReplicas![p];
        delete assignment.removingReplicas![p];
        writes.push({ topic: name, partition: p, state: { leader, leaderEpoch: state.leaderEpoch + 1, isr }, expectedZkVersion: stateNode.zkVersion });
      }
      if (writes.length === 0) continue;
      await writePartitionStates(zk, lease, writes, [{ op: 'setData', path: ZNODES.topic(name), data: encodeTopicAssignment(assignment), version: node.version }]);
      this.stats_.partitionStateWrites += writes.length;
      this.opts.logger.info({ topic: name, partitions: writes.map((w) => w.partition) }, 'partition reassignment completed');
    }
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
