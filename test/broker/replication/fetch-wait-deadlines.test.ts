import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FetchWaitDeadlines } from '../../../src/broker/replication/fetch-wait-deadlines.js';
import type { DeadlineQueue, DeadlineWait } from '../../../src/broker/replication/fetch-wait-deadlines.js';

class Wait implements DeadlineWait {
  deadline = 0;
  deadlineQueue: DeadlineQueue | null = null;
  prevByDeadline: DeadlineWait | null = null;
  nextByDeadline: DeadlineWait | null = null;
  constructor(
    readonly name: string,
    private readonly onExpire: (w: Wait) => void,
  ) {}
  expire(): void {
    this.onExpire(this);
  }
}

/** Timers keeping the event loop alive now. */
const refedTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('FetchWaitDeadlines', () => {
  it('expires waits in deadline order, whatever order their different max waits joined in', async () => {
    const deadlines = new FetchWaitDeadlines();
    const expired: string[] = [];
    await new Promise<void>((resolve) => {
      const onExpire = (w: Wait): void => {
        assert.equal(w.deadlineQueue, null, 'a wait has left the queue when it expires');
        expired.push(w.name);
        if (expired.length === 5) resolve();
      };
      deadlines.add(new Wait('a60', onExpire), 60);
      deadlines.add(new Wait('b10', onExpire), 10);
      deadlines.add(new Wait('c40', onExpire), 40);
      deadlines.add(new Wait('d10', onExpire), 10);
      deadlines.add(new Wait('e60', onExpire), 60);
      assert.equal(deadlines.size, 5);
    });
    assert.deepEqual(expired, ['b10', 'd10', 'c40', 'a60', 'e60']);
    assert.equal(deadlines.size, 0);
  });

  it('never expires a wait that left (first, middle and last of a queue), and expires the others', async () => {
    const deadlines = new FetchWaitDeadlines();
    const expired: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const onExpire = (w: Wait): void => {
      expired.push(w.name);
      if (w.name === 'last') done();
    };
    const waits = ['w0', 'w1', 'w2', 'w3', 'w4'].map((n) => new Wait(n, onExpire));
    for (const w of waits) deadlines.add(w, 20);
    deadlines.remove(waits[0]!);
    deadlines.remove(waits[2]!);
    deadlines.remove(waits[4]!);
    deadlines.remove(waits[4]!); // twice: nothing
    assert.equal(deadlines.size, 2);
    deadlines.add(new Wait('last', onExpire), 40);
    await finished;
    assert.deepEqual(expired, ['w1', 'w3', 'last']);
    // A wait that left may join again.
    const again = new Promise<string>((resolve) => deadlines.add(new Wait('again', (w) => resolve(w.name)), 5));
    assert.equal(await again, 'again');
  });

  it('refuses a wait that is already queued', () => {
    const deadlines = new FetchWaitDeadlines();
    const w = new Wait('w', () => assert.fail('must not expire'));
    deadlines.add(w, 1000);
    assert.throws(() => deadlines.add(w, 1000), /already queued/);
    deadlines.remove(w);
  });

  it('keeps the process alive only while a wait is queued', () => {
    const before = refedTimers();
    const deadlines = new FetchWaitDeadlines();
    const a = new Wait('a', () => assert.fail('must not expire'));
    const b = new Wait('b', () => assert.fail('must not expire'));
    deadlines.add(a, 60_000);
    assert.equal(refedTimers(), before + 1);
    deadlines.add(b, 30_000); // an earlier deadline: the one timer is re-armed, not a second one
    assert.equal(refedTimers(), before + 1);
    deadlines.remove(a);
    assert.equal(refedTimers(), before + 1);
    deadlines.remove(b);
    assert.equal(refedTimers(), before, 'the armed timer no longer holds the event loop');
    deadlines.add(a, 60_000);
    assert.equal(refedTimers(), before + 1);
    deadlines.remove(a);
    assert.equal(refedTimers(), before);
  });
});
