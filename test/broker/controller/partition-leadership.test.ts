import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterBrokerFailure, afterBrokerStartup, controlledShutdown, initialLeadership, NO_LEADER, preferredLeader } from '../../../src/broker/controller/partition-leadership.js';

const live = (...ids: number[]): Set<number> => new Set(ids);
const replicas = [1, 2, 3];

describe('partition leadership (the controller’s rules)', () => {
  it('gives a new partition its first live replica as leader and the live replicas as ISR', () => {
    assert.deepEqual(initialLeadership(replicas, live(1, 2, 3)), { leader: 1, leaderEpoch: 0, isr: [1, 2, 3] });
    assert.deepEqual(initialLeadership(replicas, live(2, 3)), { leader: 2, leaderEpoch: 0, isr: [2, 3] });
    assert.equal(initialLeadership(replicas, live()).leader, NO_LEADER);
  });

  it('shrinks the ISR when a follower dies and elects from the ISR when the leader dies', () => {
    const start = { leader: 1, leaderEpoch: 3, isr: [1, 2, 3] };
    assert.deepEqual(afterBrokerFailure(replicas, start, live(1, 2), false), { changed: true, unclean: false, next: { leader: 1, leaderEpoch: 4, isr: [1, 2] } });
    assert.deepEqual(afterBrokerFailure(replicas, start, live(2, 3), false), { changed: true, unclean: false, next: { leader: 2, leaderEpoch: 4, isr: [2, 3] } });
    assert.deepEqual(afterBrokerFailure(replicas, start, live(1, 2, 3), false), { changed: false });
    // A live replica outside the ISR is not eligible.
    assert.deepEqual(afterBrokerFailure(replicas, { leader: 1, leaderEpoch: 0, isr: [1, 3] }, live(2, 3), false), { changed: true, unclean: false, next: { leader: 3, leaderEpoch: 1, isr: [3] } });
  });

  it('takes a partition offline when no ISR member is alive, keeping its last ISR member, unless unclean election is enabled', () => {
    const onlyLeader = { leader: 1, leaderEpoch: 5, isr: [1] };
    assert.deepEqual(afterBrokerFailure(replicas, onlyLeader, live(2, 3), false), { changed: true, unclean: false, next: { leader: NO_LEADER, leaderEpoch: 6, isr: [1] } });
    assert.deepEqual(afterBrokerFailure(replicas, onlyLeader, live(2, 3), true), { changed: true, unclean: true, next: { leader: 2, leaderEpoch: 6, isr: [2] } });
    const offline = { leader: NO_LEADER, leaderEpoch: 6, isr: [1] };
    assert.deepEqual(afterBrokerStartup(replicas, offline, live(2, 3), false), { changed: false }, 'a non-ISR replica coming back changes nothing');
    assert.deepEqual(afterBrokerStartup(replicas, offline, live(1, 2, 3), false), { changed: true, unclean: false, next: { leader: 1, leaderEpoch: 7, isr: [1] } });
  });

  it('moves leadership back to the preferred replica only when it is alive and in the ISR', () => {
    assert.deepEqual(preferredLeader(replicas, { leader: 2, leaderEpoch: 1, isr: [2, 3, 1] }, live(1, 2, 3)), { changed: true, unclean: false, next: { leader: 1, leaderEpoch: 2, isr: [2, 3, 1] } });
    assert.deepEqual(preferredLeader(replicas, { leader: 2, leaderEpoch: 1, isr: [2, 3] }, live(1, 2, 3)), { changed: false });
    assert.deepEqual(preferredLeader(replicas, { leader: 1, leaderEpoch: 1, isr: [1, 2] }, live(1, 2)), { changed: false });
  });

  it('moves leadership away from a broker shutting down and takes it out of the ISR', () => {
    const s = { leader: 1, leaderEpoch: 0, isr: [1, 2, 3] };
    assert.deepEqual(controlledShutdown(replicas, s, 1, live(1, 2, 3)), { changed: true, unclean: false, next: { leader: 2, leaderEpoch: 1, isr: [2, 3] } });
    assert.deepEqual(controlledShutdown(replicas, s, 3, live(1, 2, 3)), { changed: true, unclean: false, next: { leader: 1, leaderEpoch: 1, isr: [1, 2] } });
    assert.deepEqual(controlledShutdown(replicas, { leader: 1, leaderEpoch: 0, isr: [1] }, 1, live(1, 2, 3)), { changed: false }, 'the sole ISR member keeps leading');
  });
});
