/**
 * LoggerLevels: log4j level names over pino loggers, namespaces applied to registered loggers by
 * prefix, `root`, levels remembered for loggers that register later, Kafka's not-found message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoggerLevels, log4jLevel, pinoLevel } from '../../../src/connect/rest/logger-levels.js';
import { quietInfoLogger } from './rest-test-support.js';

describe('LoggerLevels', () => {
  it('maps log4j levels to pino and back', () => {
    assert.deepEqual(['TRACE', 'debug', 'Info', 'WARN', 'ERROR', 'FATAL', 'OFF', 'ALL'].map(pinoLevel), ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent', 'trace']);
    assert.equal(pinoLevel('VERBOSE'), null);
    assert.deepEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map(log4jLevel), ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF']);
  });

  it('sets a namespace on every registered logger under it, and only those', () => {
    const root = quietInfoLogger();
    const levels = new LoggerLevels(root);
    const worker = root.child({});
    const task = root.child({});
    const client = root.child({});
    levels.register('connect.runtime.Worker', worker);
    levels.register('connect.runtime.WorkerSourceTask', task);
    levels.register('clients.Producer', client);
    assert.deepEqual(levels.setLevel('connect.runtime', 'DEBUG'), ['connect.runtime', 'connect.runtime.Worker', 'connect.runtime.WorkerSourceTask']);
    assert.equal(worker.level, 'debug');
    assert.equal(task.level, 'debug');
    assert.equal(client.level, 'info');
    assert.equal(root.level, 'info');
    const entry = levels.level('connect.runtime.Worker');
    assert.equal(entry.level, 'DEBUG');
    assert.equal(typeof entry.last_modified, 'number');
    assert.deepEqual(levels.level('clients.Producer'), { level: 'INFO' });
    assert.deepEqual(Object.keys(levels.all()), ['root', 'clients.Producer', 'connect.runtime', 'connect.runtime.Worker', 'connect.runtime.WorkerSourceTask']);
  });

  it('a logger registered later takes the most specific namespace set before', () => {
    const root = quietInfoLogger();
    const levels = new LoggerLevels(root);
    levels.setLevel('connect', 'WARN');
    levels.setLevel('connect.runtime', 'TRACE');
    const late = root.child({});
    levels.register('connect.runtime.Worker', late);
    assert.equal(late.level, 'trace');
    const other = root.child({});
    levels.register('connect.file.Source', other);
    assert.equal(other.level, 'warn');
  });

  it('root sets the root logger and every registered one', () => {
    const root = quietInfoLogger();
    const levels = new LoggerLevels(root);
    const a = root.child({});
    levels.register('a.b', a);
    levels.setLevel('a', 'DEBUG');
    assert.deepEqual(levels.setLevel('root', 'ERROR'), ['a.b', 'root']);
    assert.equal(root.level, 'error');
    assert.equal(a.level, 'error');
    assert.equal(levels.level('root').level, 'ERROR');
    // The namespace set before is replaced by root's level, as log4j's root applies to every logger:
    // a logger registered later under it keeps the level it was made with.
    const late = root.child({});
    late.level = 'info';
    levels.register('a.c', late);
    assert.equal(late.level, 'info');
    assert.deepEqual(Object.keys(levels.all()), ['root', 'a.b', 'a.c']);
  });

  it('an unknown logger or level is refused with Kafka\'s messages', () => {
    const levels = new LoggerLevels(quietInfoLogger());
    assert.throws(() => levels.level('x.y'), { name: 'NotFoundException', message: 'Logger x.y not found.' });
    assert.throws(() => levels.setLevel('x', 'LOUD'), { message: "invalid log level 'LOUD'." });
  });
});
