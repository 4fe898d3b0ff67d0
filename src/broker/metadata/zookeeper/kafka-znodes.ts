/**
 * Kafka's ZooKeeper layout and the JSON it stores there (ZooKeeper-mode Kafka, which Samsa's
 * cluster mode follows so that the znodes read as Kafka operators know them):
 *
 *   /cluster/id                         {"version":"1","id":"<cluster id>"}
 *   /controller                         {"version":1,"brokerid":<id>,"timestamp":"<ms>"}  (ephemeral)
 *   /controller_epoch                   <epoch>  (a decimal number; its zkVersion fences controllers)
 *   /brokers/ids/<id>                   broker registration, version 5 below  (ephemeral)
 *   /brokers/topics/<topic>             replica assignment (later)
 *   /brokers/topics/<t>/partitions/<p>/state   leader, leader epoch, ISR (later)
 *
 * Paths are relative to the chroot of `zookeeper.connect`. Decoders return null for JSON that is
 * not what they expect rather than throwing: a znode written by something else is reported, not
 * trusted.
 */
import type { BrokerEndpoint, BrokerRegistration } from '../metadata-store.js';

export const ZNODES = {
  clusterId: '/cluster/id',
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  brokerIds: '/brokers/ids',
  brokerTopics: '/brokers/topics',
  brokerId: (id: number): string => `/brokers/ids/${id}`,
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
