import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { silentClientLogger } from '../../src/logging/client-logger.js';
import type { ClientLogger } from '../../src/logging/client-logger.js';

describe('ClientLogger', () => {
  it('silentClientLogger takes every call shape the client makes and drops it', () => {
    const logger = silentClientLogger();
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      assert.equal(logger[level]({ topic: 't', partition: 0 }, 'message'), undefined);
      assert.equal(logger[level]('message'), undefined);
    }
    const child = logger.child({ groupId: 'g' });
    assert.equal(typeof child.warn, 'function');
    assert.equal(child.child({ more: 1 }).error({ err: new Error('x') }, 'failed'), undefined);
  });

  it('is what a pino logger is: an application\'s logger gets the client\'s lines with their context', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = { write: (line: string): void => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    // Assigning a pino logger to ClientLogger is the type check; the calls below are the client's shapes.
    const logger: ClientLogger = pino({ level: 'debug' }, sink);
    logger.child({ groupId: 'g1', protocolType: 'consumer' }).warn({ topic: 'orders', partition: 3 }, 'fetch failed');
    logger.debug('connected');
    assert.equal(lines.length, 2);
    assert.deepEqual(
      { groupId: lines[0]!.groupId, protocolType: lines[0]!.protocolType, topic: lines[0]!.topic, partition: lines[0]!.partition, msg: lines[0]!.msg, level: lines[0]!.level },
      { groupId: 'g1', protocolType: 'consumer', topic: 'orders', partition: 3, msg: 'fetch failed', level: 40 },
    );
    assert.equal(lines[1]!.msg, 'connected');
    assert.equal(lines[1]!.level, 20);
  });
});
