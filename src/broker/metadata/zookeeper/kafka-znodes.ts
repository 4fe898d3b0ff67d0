/**
 * Kafka's ZooKeeper layout and the JSON it stores there (ZooKeeper-mode Kafka, which Samsa's
 * cluster mode follows so that the znodes read as Kafka operators know them):
 *
 *   /cluster/id                         {"version":"1","id":"<cluster id>"}
 *   /controller                         {"version":1,"brokerid":<id>,"timestamp":"<ms>"}  (ephemeral)
 *   /controller_epoch                   <epoch>  (a decimal number; its zkVersion fences controllers)
 *   /brokers/ids/<id>                   broker registration, version 5 below  (ephemeral)
 *   /brokers/topics/<topic>             {"version":3,"topic_id":"..","partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{}}
 *   /brokers/topics/<t>/partitions/<p>/state   {"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}
 *   /config/topics/<topic>              {"version":1,"config":{"cleanup.policy":"compact"}}
 *   /admin/delete_topics/<topic>        (empty) a deletion the controller carries out
 *
 * Paths are relative to the chroot of `zookeeper.connect`. Decoders return null for JSON that is
 * not what they expect rather than throwing: a znode written by something else is reported, not
 * trusted.
 */
import { Buffer } from 'node:buffer';
import type { BrokerEndpoint, BrokerRegistration } from '../metadata-store.js';

export const ZNODES = {
  clusterId: '/cluster/id',
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  brokerIds: '/brokers/ids',
  brokerTopics: '/brokers/topics',
  brokerId: (id: number): string => `/brokers/ids/${id}`,
  topic: (topic: string): string => `/brokers/topics/${topic}`,
  topicPartitions: (topic: string): string => `/brokers/topics/${topic}/partitions`,
  partition: (topic: string, partition: number): string => `/brokers/topics/${topic}/partitions/${partition}`,
  partitionState: (topic: string, partition: number): string => `/brokers/topics/${topic}/partitions/${partition}/state`,
  topicConfig: (topic: string): string => `/config/topics/${topic}`,
  deleteTopic: (topic: string): string => `/admin/delete_topics/${topic}`,
} as const;

/** The persistent parents Kafka creates at startup. */
export const PERSISTENT_PATHS = ['/brokers/ids', '/brokers/topics', '/brokers/seqid', '/config/topics', '/config/brokers', '/config/changes', '/admin/delete_topics', '/isr_change_notification', '/cluster'];

function parse(data: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(data.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function encodeClusterId(id: string): Buffer {
  return Buffer.from(JSON.stringify({ version: '1', id }));
}

export function decodeClusterId(data: Buffer): string | null {
  const v = parse(data);
  return v !== null && typeof v.id === 'string' && v.id !== '' ? v.id : null;
}

export function encodeController(brokerId: number, timestamp: number): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, brokerid: brokerId, timestamp: String(timestamp) }));
}

export function decodeController(data: Buffer): number | null {
  const v = parse(data);
  return v !== null && Number.isInteger(v.brokerid) ? (v.brokerid as number) : null;
}

export function encodeControllerEpoch(epoch: number): Buffer {
  return Buffer.from(String(epoch));
}

export function decodeControllerEpoch(data: Buffer): number | null {
  const text = data.toString('utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/**
 * Version 5 of the broker registration: every endpoint as `LISTENER://host:port`, the listener
 * to security protocol map, the rack, and the legacy `host`/`port` of a PLAINTEXT listener
 * (null/-1 without one), as Kafka writes it.
 */
export function encodeBrokerRegistration(registration: BrokerRegistration, timestamp: number): Buffer {
  const plaintext = registration.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const protocolMap: Record<string, string> = {};
  for (const e of registration.endpoints) protocolMap[e.listenerName] = e.securityProtocol;
  return Buffer.from(
    JSON.stringify({
      features: {},
      listener_security_protocol_map: protocolMap,
      endpoints: registration.endpoints.map((e) => `${e.listenerName}://${formatHost(e.host)}:${e.port}`),
      rack: registration.rack,
      jmx_port: -1,
      port: plaintext?.port ?? -1,
      host: plaintext?.host ?? null,
      version: 5,
      timestamp: String(timestamp),
    }),
  );
}

export function decodeBrokerRegistration(nodeId: number, data: Buffer): BrokerRegistration | null {
  const v = parse(data);
  if (v === null || !Array.isArray(v.endpoints)) return null;
  const protocols = (typeof v.listener_security_protocol_map === 'object' && v.listener_security_protocol_map !== null ? v.listener_security_protocol_map : {}) as Record<string, unknown>;
  const endpoints: BrokerEndpoint[] = [];
  for (const text of v.endpoints) {
    const m = typeof text === 'string' ? /^([^:]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text) : null;
    if (m === null) return null;
    const listenerName = m[1]!;
    const protocol = protocols[listenerName];
    endpoints.push({ listenerName, host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]), securityProtocol: typeof protocol === 'string' ? protocol : listenerName });
  }
  return { nodeId, endpoints, rack: typeof v.rack === 'string' ? v.rack : null };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A topic's replica assignment as stored in /brokers/topics/<topic>. */
export interface TopicAssignment {
  topicId: string;
  /** Replicas per partition, index = partition id (during a reassignment: target then original replicas). */
  partitions: number[][];
  /** Partitions being reassigned (KIP-455): the replicas being added, by partition id. */
  addingReplicas?: Record<number, number[]>;
  /** Partitions being reassigned: the replicas to be removed once the new ones are in sync. */
  removingReplicas?: Record<number, number[]>;
}

function replicaMap(m: Record<number, number[]> | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [p, r] of Object.entries(m ?? {})) if (r.length > 0) out[p] = r;
  return out;
}

export function encodeTopicAssignment(a: TopicAssignment): Buffer {
  const partitions: Record<string, number[]> = {};
  a.partitions.forEach((replicas, p) => (partitions[String(p)] = replicas));
  return Buffer.from(JSON.stringify({ version: 3, topic_id: a.topicId, partitions, adding_replicas: replicaMap(a.addingReplicas), removing_replicas: replicaMap(a.removingReplicas) }));
}

/** `{"<partition>": [ids]}` as a map, or null when it is something else; absent → {}. */
function decodeReplicaMap(v: unknown): Record<number, number[]> | null {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Record<number, number[]> = {};
  for (const [key, replicas] of Object.entries(v as Record<string, unknown>)) {
    if (!/^\d+$/.test(key) || !Array.isArray(replicas) || !replicas.every((r) => Number.isInteger(r))) return null;
    out[Number(key)] = replicas as number[];
  }
  return out;
}

export function decodeTopicAssignment(data: Buffer): TopicAssignment | null {
  const v = parse(data);
  if (v === null || typeof v.partitions !== 'object' || v.partitions === null || typeof v.topic_id !== 'string') return null;
  const entries = Object.entries(v.partitions as Record<string, unknown>);
  const partitions: number[][] = [];
  for (const [key, replicas] of entries) {
    const p = Number(key);
    if (!/^\d+$/.test(key) || !Array.isArray(replicas) || !replicas.every((r) => Number.isInteger(r))) return null;
    partitions[p] = replicas as number[];
  }
  if (partitions.length !== entries.length) return null; // partition ids must be 0..n-1
  const addingReplicas = decodeReplicaMap(v.adding_replicas);
  const removingReplicas = decodeReplicaMap(v.removing_replicas);
  if (addingReplicas === null || removingReplicas === null) return null;
  return { topicId: v.topic_id, partitions, addingReplicas, removingReplicas };
}

/** A partition's leadership as stored in .../partitions/<p>/state (written by the controller, ISR by the leader). */
export interface PartitionLeadership {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  controllerEpoch: number;
}

export function encodePartitionState(s: PartitionLeadership): Buffer {
  return Buffer.from(JSON.stringify({ controller_epoch: s.controllerEpoch, leader: s.leader, version: 1, leader_epoch: s.leaderEpoch, isr: s.isr }));
}

export function decodePartitionState(data: Buffer): PartitionLeadership | null {
  const v = parse(data);
  if (v === null || !Number.isInteger(v.leader) || !Number.isInteger(v.leader_epoch) || !Array.isArray(v.isr) || !v.isr.every((r) => Number.isInteger(r))) return null;
  return { leader: v.leader as number, leaderEpoch: v.leader_epoch as number, isr: v.isr as number[], controllerEpoch: Number.isInteger(v.controller_epoch) ? (v.controller_epoch as number) : -1 };
}

export function encodeTopicConfig(configs: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, config: configs }));
}

export function decodeTopicConfig(data: Buffer): Record<string, string> | null {
  const v = parse(data);
  if (v === null || typeof v.config !== 'object' || v.config === null) return null;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v.config as Record<string, unknown>)) {
    if (typeof val !== 'string') return null;
    out[k] = val;
  }
  return out;
}
