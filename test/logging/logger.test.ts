import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { createLogger, silentLogger } from '../../src/logging/logger.js';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (l) => lines.push(l) });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('logger', () => {
  it("writes pino's JSON-lines layout: level, time, pid, hostname, name, bindings, fields, msg", () => {
    const { logger, lines, parsed } = capture('info');
    const before = Date.now();
    logger.child({ component: 'network' }).child({ port: 9092 }).info({ connections: 2 }, 'listening');
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('}\n'));
    assert.match(lines[0]!, new RegExp(`^\\{"level":30,"time":\\d+,"pid":${process.pid},"hostname":`));
    const [line] = parsed();
    assert.deepStrictEqual({ ...line, time: 0 }, { level: 30, time: 0, pid: process.pid, hostname: hostname(), name: 'samsa', component: 'network', port: 9092, connections: 2, msg: 'listening' });
    assert.ok((line!.time as number) >= before);
  });

  it('drops lines below its level; levels are trace 10 ... fatal 60', () => {
    const { logger, parsed } = capture('warn');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    assert.deepStrictEqual(parsed().map((l) => [l.level, l.msg]), [[40, 'w'], [50, 'e'], [60, 'f']]);
    assert.equal(logger.isLevelEnabled('warn'), true);
    assert.equal(logger.isLevelEnabled('info'), false);
    assert.throws(() => createLogger({ level: 'verbose' }), /unknown log level/);
  });

  it('serializes errors (under err, or given alone), bigints, buffers and cycles without throwing', () => {
    const { logger, parsed } = capture();
    const err = Object.assign(new RangeError('bad offset'), { code: 'E_OFFSET' });
    logger.error({ err, offset: 5n, data: Buffer.alloc(3) }, 'append failed');
    logger.error(new Error('alone'));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.info({ cyclic });
    const [first, second, third] = parsed();
    const e = first!.err as Record<string, unknown>;
    assert.equal(e.type, 'RangeError');
    assert.equal(e.message, 'bad offset');
    assert.equal(e.code, 'E_OFFSET');
    assert.match(String(e.stack), /bad offset/);
    assert.equal(first!.offset, '5');
    assert.equal(first!.data, '<3 bytes>');
    assert.equal(second!.msg, 'alone');
    assert.equal((second!.err as Record<string, unknown>).message, 'alone');
    assert.deepStrictEqual(third!.cyclic, { a: 1, self: '[Circular]' });
  });

  it('silent loggers write nothing and cost nothing per child', () => {
    const s = silentLogger();
    assert.equal(s.child({ a: 1 }), s);
    s.error('nothing');
    assert.equal(s.isLevelEnabled('fatal'), false);
    const { logger, lines } = capture('silent');
    logger.fatal('nothing');
    assert.equal(lines.length, 0);
  });
});
