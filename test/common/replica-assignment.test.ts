import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignReplicas, rackAlternated } from '../../src/common/replica-assignment.js';
import type { AssignableBroker } from '../../src/common/replica-assignment.js';

const plain = (ids: number[]): AssignableBroker[] => ids.map((id) => ({ id, rack: null }));

function assigned(brokers: AssignableBroker[], partitions: number, rf: number, extra: object = {}): number[][] {
  const r = assignReplicas(brokers, { partitions, replicationFactor: rf, startIndex: 0, replicaShift: 0, ...extra });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.assignment;
}

describe('assignReplicas (Kafka’s replica placement)', () => {
  it('matches Kafka’s documented layout for 10 partitions x 3 replicas on 5 brokers', () => {
    // Per broker: first replicas p0-p4 / p5-p9; second replicas p4 p0 p1 p2 p3 / p8 p9 p5 p6 p7;
    // third replicas p3 p4 p0 p1 p2 / p7 p8 p9 p5 p6.
    const a = assigned(plain([0, 1, 2, 3, 4]), 10, 3);
    assert.deepEqual(a, [
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
      [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it('spreads leaders evenly and never puts two replicas of a partition on one broker', () => {
    for (let start = 0; start < 4; start++) {
      for (let shift = 0; shift < 4; shift++) {
        const a = assigned(plain([11, 12, 13, 14]), 12, 3, { startIndex: start, replicaShift: shift });
        const leaders = new Map<number, number>();
        for (const replicas of a) {
          assert.equal(new Set(replicas).size, 3);
          leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
        }
        assert.deepEqual([...leaders.values()], [3, 3, 3, 3]);
      }
    }
  });

  it('continues the pattern for partitions added to an existing topic', () => {
    const all = assigned(plain([1, 2, 3]), 6, 2);
    const added = assigned(plain([1, 2, 3]), 3, 2, { firstPartitionId: 3 });
    assert.deepEqual(added, all.slice(3));
  });

  it('places replicas on different racks when brokers have racks', () => {
    const brokers: AssignableBroker[] = [
      { id: 0, rack: 'a' }, { id: 1, rack: 'a' }, { id: 2, rack: 'b' }, { id: 3, rack: 'b' }, { id: 4, rack: 'c' }, { id: 5, rack: 'c' },
    ];
    assert.deepEqual(rackAlternated(brokers), [0, 2, 4, 1, 3, 5]);
    const rack = new Map(brokers.map((b) => [b.id, b.rack]));
    for (let start = 0; start < 6; start++) {
      const a = assigned(brokers, 12, 3, { startIndex: start, replicaShift: start });
      for (const replicas of a) {
        assert.equal(new Set(replicas).size, 3);
        assert.equal(new Set(replicas.map((id) => rack.get(id))).size, 3, `replicas ${replicas} span every rack`);
      }
    }
    // Two racks, three replicas: both racks hold one, the third goes to the emptier rack's other broker.
    const two = assigned([{ id: 1, rack: 'x' }, { id: 2, rack: 'x' }, { id: 3, rack: 'y' }, { id: 4, rack: 'y' }], 4, 3);
    for (const replicas of two) assert.equal(new Set(replicas.map((id) => (id <= 2 ? 'x' : 'y'))).size, 2);
  });

  it('refuses what Kafka refuses', () => {
    assert.deepEqual(assignReplicas(plain([1, 2]), { partitions: 1, replicationFactor: 3 }), {
      ok: false, error: 'INVALID_REPLICATION_FACTOR', message: 'Replication factor: 3 larger than available brokers: 2.',
    });
    assert.equal((assignReplicas(plain([1]), { partitions: 0, replicationFactor: 1 }) as { error: string }).error, 'INVALID_PARTITIONS');
    assert.equal((assignReplicas([{ id: 1, rack: 'a' }, { id: 2, rack: null }], { partitions: 1, replicationFactor: 1 }) as { error: string }).error, 'INVALID_REPLICA_ASSIGNMENT');
  });
});
