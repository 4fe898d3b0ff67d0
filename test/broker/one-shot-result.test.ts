import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OneShotResult } from '../../src/broker/one-shot-result.js';

describe('OneShotResult', () => {
  it('runs the continuation synchronously when settled after then(), and at once when settled before', () => {
    const seen: string[] = [];
    const a = new OneShotResult<number>();
    const next = a.then((v) => {
      seen.push(`a ${v}`);
      return v + 1;
    });
    assert.equal(seen.length, 0);
    a.resolve(1);
    assert.deepEqual([...seen], ['a 1'], 'ran during resolve()');
    next.then((v) => seen.push(`next ${v}`));
    assert.deepEqual(seen, ['a 1', 'next 2'], 'an already settled result runs its consumer inside then()');
  });

  it('chains through three continuations in one turn, as a waiting fetch does', () => {
    const source = new OneShotResult<number[]>();
    const out: unknown[] = [];
    source
      .then((r) => ({ response: r.length }))
      .then((response) => ({ kind: 'response', response }))
      .then(
        (outcome) => out.push(outcome),
        (err: unknown) => out.push(['error', err]),
      );
    source.resolve([1, 2, 3]);
    assert.deepEqual(out, [{ kind: 'response', response: { response: 3 } }]);
  });

  it('passes a rejection to the error continuation, also past a step without one', () => {
    const a = new OneShotResult<number>();
    const errors: unknown[] = [];
    a.then((v) => v * 2).then(
      () => errors.push('value'),
      (err: unknown) => errors.push(err),
    );
    const boom = new Error('read failed');
    a.reject(boom);
    assert.deepEqual(errors, [boom]);
  });

  it('a continuation that throws rejects the next result; an error continuation may recover', () => {
    const a = new OneShotResult<number>();
    const seen: unknown[] = [];
    a.then(() => {
      throw new Error('encode failed');
    })
      .then(null, (err: unknown) => `recovered from ${(err as Error).message}`)
      .then((v) => seen.push(v));
    a.resolve(7);
    assert.deepEqual(seen, ['recovered from encode failed']);
  });

  it('adopts a thenable returned by a continuation', async () => {
    const a = new OneShotResult<number>();
    const done = new Promise<number>((resolve) => {
      a.then((v) => Promise.resolve(v * 10)).then(resolve);
    });
    a.resolve(4);
    assert.equal(await done, 40);
  });

  it('works with await and Promise.all (each consumes it once)', async () => {
    const a = new OneShotResult<string>();
    const b = new OneShotResult<string>();
    setImmediate(() => {
      a.resolve('x');
      b.reject(new Error('y'));
    });
    assert.equal(await a, 'x');
    await assert.rejects(Promise.all([b]), /y/);
  });

  it('settles once (later resolve/reject are ignored) and refuses a second consumer', () => {
    const a = new OneShotResult<number>();
    a.resolve(1);
    a.resolve(2);
    a.reject(new Error('late'));
    const seen: number[] = [];
    a.then((v) => seen.push(v));
    assert.deepEqual(seen, [1]);
    assert.throws(() => a.then(() => undefined), /called twice/);
  });
});
