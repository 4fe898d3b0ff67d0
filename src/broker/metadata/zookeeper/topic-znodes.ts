/**
 * Topics and partition states in ZooKeeper, in Kafka's znodes (see kafka-znodes.ts): the writes a
 * topic creation makes, the controller's fenced partition-state writes, the leader's conditional
 * ISR update, and the reads (with one-shot watches) a broker's metadata cache is built from.
 * Failures that Kafka reports to clients come back as values; ZooKeeper failures throw.
 */
import type { ControllerLease } from './controller-election.js';
import {
  decodePartitionState,
  decodeTopicAssignment,
  decodeTopicConfig,
  encodePartitionState,
  encodeTopicAssignment,
  encodeTopicConfig,
  ZNODES,
} from './kafka-znodes.js';
import type { PartitionLeadership, TopicAssignment } from './kafka-znodes.js';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient, ZooKeeperOp, ZooKeeperWatchEvent } from './zookeeper-client.js';

export type TopicWriteResult = { ok: true } | { ok: false; error: 'TOPIC_ALREADY_EXISTS' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string };

/**
 * Creates a topic as Kafka's admin path does: its config and its replica assignment in one multi,
 * so a broker never sees an assignment without the topic's configs. Partition states (leaders)
 * are the controller's to write afterwards.
 */
export async function createTopicZnodes(zk: ZooKeeperClient, name: string, assignment: TopicAssignment, configs: Record<string, string>): Promise<TopicWriteResult> {
  if ((await zk.exists(ZNODES.deleteTopic(name))) !== null) {
    return { ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `Topic '${name}' is marked for deletion.` };
  }
  await zk.ensurePath('/config/topics');
  await zk.ensurePath(ZNODES.brokerTopics);
  try {
    await zk.multi([
      { op: 'create', path: ZNODES.topicConfig(name), data: encodeTopicConfig(configs) },
      { op: 'create', path: ZNODES.topic(name), data: encodeTopicAssignment(assignment) },
    ]);
    return { ok: true };
  } catch (err) {
    if (err instanceof ZooKeeperError && err.code === 'NODE_EXISTS') return { ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `Topic '${name}' already exists.` };
    throw err;
  }
}

/** Marks a topic for deletion (/admin/delete_topics/<topic>); the controller removes it. */
export async function markTopicForDeletion(zk: ZooKeeperClient, name: string): Promise<TopicWriteResult> {
  if ((await zk.exists(ZNODES.topic(name))) === null) return { ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `Topic '${name}' does not exist.` };
  await zk.ensurePath('/admin/delete_topics');
  try {
    await zk.create(ZNODES.deleteTopic(name));
  } catch (err) {
    if (!(err instanceof ZooKeeperError && err.code === 'NODE_EXISTS')) throw err;
  }
  return { ok: true };
}

/** Topic names under /brokers/topics, sorted; `watch` fires once when topics come or go. */
export async function readTopicNames(zk: ZooKeeperClient, watch?: (e: ZooKeeperWatchEvent) => void): Promise<string[]> {
  // A child watch can only be set on a node that exists.
  if (watch !== undefined) await zk.ensurePath(ZNODES.brokerTopics);
  return (await zk.getChildren(ZNODES.brokerTopics, watch)) ?? [];
}

/** A topic's assignment and configs, or null when it does not exist. Throws on znodes that are not Kafka's JSON. */
export async function readTopic(zk: ZooKeeperClient, name: string, watch?: (e: ZooKeeperWatchEvent) => void): Promise<{ assignment: TopicAssignment; configs: Record<string, string> } | null> {
  const node = await zk.getData(ZNODES.topic(name), watch);
  if (node === null) return null;
  const assignment = decodeTopicAssignment(node.data);
  if (assignment === null) throw new Error(`${ZNODES.topic(name)} does not hold a replica assignment: ${node.data.toString('utf8').slice(0, 200)}`);
  const config = await zk.getData(ZNODES.topicConfig(name));
  const configs = config === null ? {} : decodeTopicConfig(config.data);
  if (configs === null) throw new Error(`${ZNODES.topicConfig(name)} does not hold topic configs`);
  return { assignment, configs };
}

export interface PartitionStateNode {
  state: PartitionLeadership;
  /** The zkVersion of the state znode: conditional updates name it. */
  zkVersion: number;
}

export async function readPartitionState(zk: ZooKeeperClient, topic: string, partition: number, watch?: (e: ZooKeeperWatchEvent) => void): Promise<PartitionStateNode | null> {
  const node = await zk.getData(ZNODES.partitionState(topic, partition), watch);
  if (node === null) return null;
  const state = decodePartitionState(node.data);
  if (state === null) throw new Error(`${ZNODES.partitionState(topic, partition)} does not hold a partition state`);
  return { state, zkVersion: node.version };
}

/** One partition state the controller writes: a new one, or a change of the one at `expectedZkVersion`. */
export interface PartitionStateWrite {
  topic: string;
  partition: number;
  state: Omit<PartitionLeadership, 'controllerEpoch'>;
  /** null: the state znode does not exist yet (a new partition). */
  expectedZkVersion: number | null;
}

/**
 * The controller's partition-state writes, in one multi fenced by its lease: if another broker
 * has become controller since (the epoch's zkVersion moved), ZooKeeper refuses all of them
 * (BAD_VERSION). `alongside` operations (a topic's assignment during a reassignment) go into the
 * same multi. Returns each state znode's new zkVersion.
 */
export async function writePartitionStates(zk: ZooKeeperClient, lease: ControllerLease, writes: readonly PartitionStateWrite[], alongside: readonly ZooKeeperOp[] = []): Promise<number[]> {
  const ops: ZooKeeperOp[] = [{ op: 'check', path: ZNODES.controllerEpoch, version: lease.epochZkVersion }, ...alongside];
  const parents = new Set<string>();
  for (const w of writes) {
    const data = encodePartitionState({ ...w.state, controllerEpoch: lease.epoch });
    if (w.expectedZkVersion === null) {
      // The parents are created in the same transaction (skipped when they already exist).
      for (const parent of [ZNODES.topicPartitions(w.topic), ZNODES.partition(w.topic, w.partition)]) {
        if (parents.has(parent) || (await zk.exists(parent)) !== null) continue;
        parents.add(parent);
        ops.push({ op: 'create', path: parent });
      }
      ops.push({ op: 'create', path: ZNODES.partitionState(w.topic, w.partition), data });
    } else {
      ops.push({ op: 'setData', path: ZNODES.partitionState(w.topic, w.partition), data, version: w.expectedZkVersion });
    }
  }
  await zk.multi(ops);
  return writes.map((w) => (w.expectedZkVersion === null ? 0 : w.expectedZkVersion + 1));
}

/**
 * The leader's ISR change (Kafka's ZooKeeper-mode AlterIsr path): a conditional update of the
 * state znode at `expectedZkVersion`, keeping leader, leader epoch and controller epoch. Returns
 * the new zkVersion, or null when the state changed underneath (the controller moved leadership):
 * the leader then re-reads it.
 */
export async function updateIsr(zk: ZooKeeperClient, topic: string, partition: number, current: PartitionStateNode, isr: number[]): Promise<number | null> {
  try {
    return await zk.setData(ZNODES.partitionState(topic, partition), encodePartitionState({ ...current.state, isr }), current.zkVersion);
  } catch (err) {
    if (err instanceof ZooKeeperError && err.code === 'BAD_VERSION') return null;
    throw err;
  }
}
