import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../../protocol/generated/internal/group-metadata-key.js';
import { decodeGroupMetadataValue, encodeGroupMetadataValue } from '../../protocol/generated/internal/group-metadata-value.js';
import type { GroupMetadataValue } from '../../protocol/generated/internal/group-metadata-value.js';
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../../protocol/generated/internal/offset-commit-key.js';
import { decodeOffsetCommitValue, encodeOffsetCommitValue } from '../../protocol/generated/internal/offset-commit-value.js';
import { ProtocolReader } from '../../protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../../protocol/primitives/protocol-writer.js';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

/** A committed offset as the coordinator keeps it (Kafka's OffsetAndMetadata). */
export interface CommittedOffset {
  offset: bigint;
  /** -1 when not given. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only for commits that asked for their own retention (OffsetCommit v1-v4); null otherwise. */
  expireTimestamp: number | null;
}

/**
 * The records of __consumer_offsets that classic groups use: an offset commit (record type 1; 0 is
 * read too) and a group's metadata (record type 2). A null value is a tombstone.
 */
export type GroupRecord =
  | { kind: 'offsetCommit'; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: 'groupMetadata'; group: string; value: GroupMetadataValue | null };

/** Written versions, as Kafka 3.x writes them (MetadataVersion.offsetCommitValueVersion / groupMetadataValueVersion). */
export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const GROUP_METADATA_VALUE_VERSION = 3;

function finish(w: ProtocolWriter): Uint8Array {
  return new Uint8Array(w.toBytes());
}

/** The record's key and value bytes (key = int16 record type + key struct; value = int16 version + value struct). */
export function encodeGroupRecord(record: GroupRecord): { key: Uint8Array; value: Uint8Array | null } {
  const k = new ProtocolWriter(64);
  if (record.kind === 'offsetCommit') {
    k.int16(OFFSET_COMMIT_KEY_VERSION);
    encodeOffsetCommitKey(k, { group: record.group, topic: record.topic, partition: record.partition }, OFFSET_COMMIT_KEY_VERSION);
    if (record.value === null) return { key: finish(k), value: null };
    const c = record.value;
    // Version 1 carries the expire timestamp; version 3 (leader epoch) is used otherwise.
    const version = c.expireTimestamp !== null ? 1 : 3;
    const v = new ProtocolWriter(64);
    v.int16(version);
    encodeOffsetCommitValue(
      v,
      { offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, commitTimestamp: BigInt(c.commitTimestamp), expireTimestamp: BigInt(c.expireTimestamp ?? -1) },
      version,
    );
    return { key: finish(k), value: finish(v) };
  }
  k.int16(GROUP_METADATA_KEY_VERSION);
  encodeGroupMetadataKey(k, { group: record.group }, GROUP_METADATA_KEY_VERSION);
  if (record.value === null) return { key: finish(k), value: null };
  const v = new ProtocolWriter(256);
  v.int16(GROUP_METADATA_VALUE_VERSION);
  encodeGroupMetadataValue(v, record.value, GROUP_METADATA_VALUE_VERSION);
  return { key: finish(k), value: finish(v) };
}

/**
 * Decodes a record of __consumer_offsets; null for record types classic groups do not use
 * (KIP-848 consumer groups, share groups) and for records without a key.
 */
export function decodeGroupRecord(key: Uint8Array | null, value: Uint8Array | null): GroupRecord | null {
  if (key === null || key.length < 2) return null;
  const kr = new ProtocolReader(key);
  const type = kr.int16('recordType');
  if (type === 0 || type === 1) {
    const k = decodeOffsetCommitKey(kr, type);
    if (value === null) return { kind: 'offsetCommit', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new ProtocolReader(value);
    const version = vr.int16('version');
    const v = decodeOffsetCommitValue(vr, version);
    const expire = v.expireTimestamp ?? -1n;
    return {
      kind: 'offsetCommit',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch ?? -1,
        metadata: v.metadata,
        commitTimestamp: Number(v.commitTimestamp),
        expireTimestamp: version === 1 && expire >= 0n ? Number(expire) : null,
      },
    };
  }
  if (type === 2) {
    const k = decodeGroupMetadataKey(kr, type);
    if (value === null) return { kind: 'groupMetadata', group: k.group, value: null };
    const vr = new ProtocolReader(value);
    const version = vr.int16('version');
    return { kind: 'groupMetadata', group: k.group, value: decodeGroupMetadataValue(vr, version) };
  }
  return null;
}
