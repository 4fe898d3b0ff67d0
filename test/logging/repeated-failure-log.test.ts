import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { RepeatedFailureLog } from '../../src/logging/repeated-failure-log.js';

describe('RepeatedFailureLog', () => {
  it('logs a failure once while it repeats, a different one again, and the recovery with the count', () => {
    const lines: { level: number; msg: string; failedAgain?: number; dir?: string; err?: { message: string } }[] = [];
    const log = new RepeatedFailureLog(pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) }), 'checkpoint high watermarks');
    log.succeeded(); // nothing failed: nothing to say
    const full = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    log.failed(full(), { dir: '/data' });
    log.failed(full());
    log.failed(full());
    log.failed(new Error('EIO: i/o error, write'));
    log.succeeded();
    log.succeeded();
    log.failed(full());
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.err?.message ?? null, l.failedAgain ?? null]),
      [
        [50, 'checkpoint high watermarks failed (the same failure again is not logged until it succeeds)', 'ENOSPC: no space left on device, write', null],
        [50, 'checkpoint high watermarks failed (the same failure again is not logged until it succeeds)', 'EIO: i/o error, write', null],
        [30, 'checkpoint high watermarks succeeded again', null, 0],
        [50, 'checkpoint high watermarks failed (the same failure again is not logged until it succeeds)', 'ENOSPC: no space left on device, write', null],
      ],
    );
    assert.equal(lines[0]!.dir, '/data');
  });

  it('counts the repeats it did not log', () => {
    const lines: { msg: string; failedAgain?: number }[] = [];
    const log = new RepeatedFailureLog(pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) }), 'flush');
    for (let i = 0; i < 5; i++) log.failed(new Error('ENOSPC'));
    log.succeeded();
    assert.equal(lines.length, 2);
    assert.equal(lines[1]!.failedAgain, 4);
  });
});
