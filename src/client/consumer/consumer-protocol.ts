import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../protocol/generated/consumer-protocol-assignment.js';
import type { ConsumerProtocolAssignment } from '../../protocol/generated/consumer-protocol-assignment.js';
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../../protocol/generated/consumer-protocol-subscription.js';
import type { ConsumerProtocolSubscription } from '../../protocol/generated/consumer-protocol-subscription.js';
import { ProtocolReader } from '../../protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../../protocol/primitives/protocol-writer.js';

/**
 * The "consumer" protocol type's member metadata and assignments as the Java client writes them:
 * an int16 version, then ConsumerProtocolSubscription / ConsumerProtocolAssignment at that version.
 * A newer version than we know is read as the highest we know (its new fields come last).
 */
const SUBSCRIPTION_VERSION = 1;
const ASSIGNMENT_VERSION = 1;
const MAX_KNOWN_VERSION = 3;

/** Subscription v1: the topics and (for the cooperative protocol) the partitions owned now. */
export function encodeSubscription(topics: string[], ownedPartitions: Array<{ topic: string; partitions: number[] }> = [], userData: Uint8Array | null = null): Uint8Array {
  const w = new ProtocolWriter();
  w.int16(SUBSCRIPTION_VERSION);
  encodeConsumerProtocolSubscription(w, { topics: [...topics].sort(), userData, ownedPartitions }, SUBSCRIPTION_VERSION);
  return w.toBytes();
}

export function decodeSubscription(bytes: Uint8Array): ConsumerProtocolSubscription {
  const r = new ProtocolReader(bytes);
  const version = r.int16('Version');
  return decodeConsumerProtocolSubscription(r, Math.min(Math.max(version, 0), MAX_KNOWN_VERSION));
}

/** Encodes topic -> partitions as a ConsumerProtocolAssignment. */
export function encodeAssignment(assignment: ReadonlyMap<string, number[]>, userData: Uint8Array | null = null): Uint8Array {
  const w = new ProtocolWriter();
  w.int16(ASSIGNMENT_VERSION);
  const assignedPartitions = [...assignment].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) }));
  encodeConsumerProtocolAssignment(w, { assignedPartitions, userData }, ASSIGNMENT_VERSION);
  return w.toBytes();
}

export function decodeAssignment(bytes: Uint8Array): ConsumerProtocolAssignment {
  if (bytes.length === 0) return { assignedPartitions: [], userData: null };
  const r = new ProtocolReader(bytes);
  const version = r.int16('Version');
  return decodeConsumerProtocolAssignment(r, Math.min(Math.max(version, 0), MAX_KNOWN_VERSION));
}
