/**
 * Connect's group protocol bytes against fixtures derived by hand from Kafka's schemas
 * (ConnectProtocol.CONFIG_STATE_V0 / ASSIGNMENT_V0 and IncrementalCooperativeConnectProtocol
 * ALLOCATION_V1 / ASSIGNMENT_V1) and Kafka's types: INT16/INT32/INT64 big-endian, STRING = INT16
 * length + UTF-8 bytes, ARRAY = INT32 count + elements, NULLABLE_BYTES = INT32 length (-1 null) +
 * bytes. Each fixture is written field by field below, with the field it encodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AssignmentError,
  compatibilityOfProtocol,
  ConnectProtocolError,
  CONNECT_PROTOCOL_NAMES,
  decodeAssignment,
  decodeWorkerState,
  emptyAssignment,
  encodeAssignment,
  encodeWorkerState,
} from '../../../../src/connect/runtime/distributed/connect-protocol.js';
import type { ConnectAssignment } from '../../../../src/connect/runtime/distributed/connect-protocol.js';

/** Hex fields (spaces ignored) and ASCII strings, concatenated. */
function bytes(...parts: Array<string | { ascii: string }>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\s+/g, ''), 'hex') : Buffer.from(p.ascii, 'ascii'))));
}

const URL = 'http://w1:8083'; // 14 bytes = 0x000e as an INT16 length

describe('worker state (JoinGroup metadata)', () => {
  it('v0 (protocol default): version, url, config offset', () => {
    const expected = bytes(
      '0000', // version INT16 0
      '000e', { ascii: URL }, // url STRING
      '0000 0000 0000 0005', // config-offset INT64 5
    );
    const encoded = encodeWorkerState({ url: URL, configOffset: 5n, assignment: null }, 0);
    assert.deepEqual(Buffer.from(encoded), expected);
    assert.deepEqual(decodeWorkerState(expected), { url: URL, configOffset: 5n, assignment: null });
  });

  it('v1 (compatible) without an assignment: a null allocation', () => {
    const expected = bytes(
      '0001', // version INT16 1
      '000e', { ascii: URL }, // url
      '0000 0000 0000 002a', // config-offset 42
      'ffff ffff', // allocation NULLABLE_BYTES null
    );
    assert.deepEqual(Buffer.from(encodeWorkerState({ url: URL, configOffset: 42n, assignment: null }, 1)), expected);
    assert.deepEqual(decodeWorkerState(expected), { url: URL, configOffset: 42n, assignment: null });
  });

  it('v2 (sessioned) carries the current assignment, encoded as a v2 assignment', () => {
    const current: ConnectAssignment = emptyAssignment({ version: 2, leader: 'm1', leaderUrl: URL, configOffset: 7n, connectors: ['c1'], tasks: [{ connector: 'c1', task: 0 }] });
    const allocation = bytes(
      '0002', // version 2
      '0000', // error NONE
      '0002', { ascii: 'm1' }, // leader
      '000e', { ascii: URL }, // leader-url
      '0000 0000 0000 0007', // config-offset 7
      '0000 0001', // assignment: 1 connector entry
      '0002', { ascii: 'c1' }, '0000 0002', 'ffff ffff', '0000 0000', // c1: [-1 (the connector), 0]
      '0000 0000', // revoked: empty array
      '0000 0000', // delay 0
    );
    const expected = bytes('0002', '000e', { ascii: URL }, '0000 0000 0000 0007', '0000 003c', allocation.toString('hex'));
    assert.equal(allocation.length, 0x3c);
    assert.deepEqual(Buffer.from(encodeWorkerState({ url: URL, configOffset: 7n, assignment: current }, 2)), expected);
    const decoded = decodeWorkerState(expected);
    assert.equal(decoded.url, URL);
    assert.deepEqual(decoded.assignment, current);
  });

  it('a v0 reader reads newer metadata by its v0 fields (Kafka: versions >= 0 parse as v0)', () => {
    const v1 = encodeWorkerState({ url: URL, configOffset: 3n, assignment: null }, 1);
    assert.deepEqual(decodeWorkerState(v1), { url: URL, configOffset: 3n, assignment: null });
    // a hypothetical v3 with the v1 layout
    const v3 = Buffer.from(v1);
    v3.writeInt16BE(3, 0);
    assert.equal(decodeWorkerState(v3).configOffset, 3n);
  });

  it('rejects negative versions and truncated bytes', () => {
    assert.throws(() => decodeWorkerState(bytes('ffff', '0000', '0000 0000 0000 0000')), (e: Error) => e instanceof ConnectProtocolError && /Unsupported subscription version: -1/.test(e.message));
    assert.throws(() => decodeWorkerState(bytes('0000', '000e', { ascii: 'http://' })), ConnectProtocolError);
  });
});

describe('assignment (SyncGroup)', () => {
  it('v0: error, leader, leader url, offset, connectors with -1 then tasks grouped by connector', () => {
    const expected = bytes(
      '0000', // version 0
      '0000', // error NONE
      '0002', { ascii: 'm1' }, // leader
      '000e', { ascii: URL }, // leader-url
      '0000 0000 0000 0005', // config-offset 5
      '0000 0002', // 2 connector entries
      '0002', { ascii: 'c1' }, '0000 0002', 'ffff ffff', '0000 0000', // c1: connector, task 0
      '0002', { ascii: 'c2' }, '0000 0001', '0000 0001', // c2: task 1
    );
    const a: ConnectAssignment = { version: 0, error: 0, leader: 'm1', leaderUrl: URL, configOffset: 5n, connectors: ['c1'], tasks: [{ connector: 'c1', task: 0 }, { connector: 'c2', task: 1 }], revokedConnectors: [], revokedTasks: [], delay: 0 };
    assert.deepEqual(Buffer.from(encodeAssignment(a)), expected);
    assert.deepEqual(decodeAssignment(expected), a);
  });

  it('v1: revoked entries and the scheduled delay follow', () => {
    const expected = bytes(
      '0001', // version 1
      '0000', // error
      '0002', { ascii: 'm2' }, // leader
      '000e', { ascii: URL }, // leader-url
      '0000 0000 0000 000a', // config-offset 10
      '0000 0000', // assignment: none
      '0000 0001', // revoked: 1 entry
      '0002', { ascii: 'c3' }, '0000 0002', 'ffff ffff', '0000 0002', // c3: connector, task 2
      '0000 03e8', // delay 1000
    );
    const a: ConnectAssignment = { version: 1, error: 0, leader: 'm2', leaderUrl: URL, configOffset: 10n, connectors: [], tasks: [], revokedConnectors: ['c3'], revokedTasks: [{ connector: 'c3', task: 2 }], delay: 1000 };
    assert.deepEqual(Buffer.from(encodeAssignment(a)), expected);
    assert.deepEqual(decodeAssignment(expected), a);
  });

  it('CONFIG_MISMATCH is error 1', () => {
    const a = emptyAssignment({ version: 0, error: AssignmentError.CONFIG_MISMATCH, leader: 'm1', leaderUrl: URL, configOffset: 9n });
    const encoded = Buffer.from(encodeAssignment(a));
    assert.deepEqual(encoded.subarray(0, 4), bytes('0000', '0001'));
    assert.equal(decodeAssignment(encoded).error, 1);
  });

  it('v1 bytes without the trailing fields and null arrays read as empty (Kafka tolerates missing fields)', () => {
    const truncated = bytes('0001', '0000', '0002', { ascii: 'm1' }, '0000', '0000 0000 0000 0001', 'ffff ffff');
    const a = decodeAssignment(truncated);
    assert.deepEqual([a.connectors, a.tasks, a.revokedConnectors, a.revokedTasks, a.delay, a.leaderUrl], [[], [], [], [], 0, '']);
  });

  it('protocol names are Kafka’s', () => {
    assert.deepEqual(CONNECT_PROTOCOL_NAMES, { eager: 'default', compatible: 'compatible', sessioned: 'sessioned' });
    assert.equal(compatibilityOfProtocol('default'), 'eager');
    assert.throws(() => compatibilityOfProtocol('range'), /Not found Connect protocol compatibility mode for protocol: range/);
  });
});
