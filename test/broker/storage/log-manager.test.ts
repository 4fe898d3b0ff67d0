import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import { LogManager, parseTopicPartitionDirName, type LogManagerOptions } from '../../../src/broker/storage/log-manager.js';
import { batch, config, logger, tempDir } from './storage-test-helpers.js';

function openManager(logDirs: string[], clock = new ManualClock(1_000_000), extra: Partial<LogManagerOptions> = {}): LogManager {
  return LogManager.open({ logDirs, nodeId: 1, defaultConfig: config(), clock, scheduler: clock, logger, ...extra });
}

describe('LogManager', () => {
  test('writes meta.properties and refuses a directory of another node or cluster', () => {
    const dir = tempDir();
    const m = openManager([dir], undefined, { clusterId: 'MkU3OEVBNTcwNTJENDM2Qg' });
    assert.equal(m.clusterId, 'MkU3OEVBNTcwNTJENDM2Qg');
    m.close();
    const props = readFileSync(join(dir, 'meta.properties'), 'utf8');
    assert.match(props, /^version=1$/m);
    assert.match(props, /^node\.id=1$/m);
    assert.match(props, /^cluster\.id=MkU3OEVBNTcwNTJENDM2Qg$/m);
    assert.match(props, /^directory\.id=[A-Za-z0-9_-]{22}$/m);
    const again = openManager([dir]);
    assert.equal(again.clusterId, 'MkU3OEVBNTcwNTJENDM2Qg');
    again.close();
    assert.throws(() => LogManager.open({ logDirs: [dir], nodeId: 2, defaultConfig: config(), clock: new ManualClock(), scheduler: new ManualClock(), logger }), /belongs to node 1/);
    assert.throws(() => openManager([dir], undefined, { clusterId: 'AAAAAAAAAAAAAAAAAAAAAQ' }), /belongs to cluster/);
    // A generated cluster id when none is configured or stored.
    const freshDir = tempDir();
    const fresh = openManager([freshDir]);
    assert.match(fresh.clusterId, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    // An empty dir gets its (empty) checkpoint files at shutdown, not at start-up.
    assert.equal(existsSync(join(freshDir, 'recovery-point-offset-checkpoint')), false);
    fresh.close();
    assert.equal(readFileSync(join(freshDir, 'recovery-point-offset-checkpoint'), 'utf8'), '0\n0\n');
  });

  test('create, reopen after a clean close, checkpoints and the clean-shutdown marker', () => {
    const dirs = [tempDir(), tempDir()];
    const m = openManager(dirs);
    const a = m.createLog('orders', 0, config(), 'AAAAAAAAAAAAAAAAAAAAAQ');
    const b = m.createLog('orders', 1, config());
    assert.equal(m.createLog('orders', 0, config()), a);
    assert.notEqual(m.logDirOf('orders', 0), m.logDirOf('orders', 1));
    for (let i = 0; i < 5; i++) a.appendAsLeader(batch({ count: 2 }), 0);
    b.appendAsLeader(batch({ count: 4 }), 0);
    a.deleteRecordsBefore(3);
    m.checkpointHighWatermarks(new Map([['orders-0', 10], ['orders-1', 4], ['gone-0', 7]]));
    assert.deepEqual(m.loadHighWatermarks(), new Map([['orders-0', 10], ['orders-1', 4]]));
    m.close();
    const dirA = m.logDirOf('orders', 0)!;
    assert.ok(existsSync(join(dirA, '.kafka_cleanshutdown')));
    assert.equal(readFileSync(join(dirA, 'recovery-point-offset-checkpoint'), 'utf8'), '0\n1\norders 0 10\n');
    assert.equal(readFileSync(join(dirA, 'log-start-offset-checkpoint'), 'utf8'), '0\n1\norders 0 3\n');
    assert.throws(() => m.createLog('x', 0, config()), /closed/);

    const again = openManager(dirs);
    assert.equal(existsSync(join(dirA, '.kafka_cleanshutdown')), false, 'the marker is consumed at startup');
    const a2 = again.getLog('orders', 0)!;
    assert.equal(a2.logEndOffset, 10);
    assert.equal(a2.logStartOffset, 3);
    assert.equal(a2.topicId, 'AAAAAAAAAAAAAAAAAAAAAQ');
    assert.equal(again.getLog('orders', 1)!.logEndOffset, 4);
    assert.equal(again.allLogs().length, 2);
    assert.deepEqual(again.loadHighWatermarks(), new Map([['orders-0', 10], ['orders-1', 4]]));
    again.close();
  });

  test('deleteLog renames the directory to -delete and removes it in the background', async () => {
    const dir = tempDir();
    const m = openManager([dir]);
    const log = m.createLog('my-topic', 3, config());
    log.appendAsLeader(batch(), 0);
    m.deleteLog('my-topic', 3);
    assert.equal(m.getLog('my-topic', 3), undefined);
    // Renamed at once (the removal itself may or may not have finished yet).
    assert.equal(existsSync(join(dir, 'my-topic-3')), false);
    assert.ok(readdirSync(dir).every((n) => !n.startsWith('my-topic') || /^my-topic-3\.[0-9a-f]{32}-delete$/.test(n)));
    await m.awaitDeletions();
    assert.equal(readdirSync(dir).some((n) => n.startsWith('my-topic')), false);
    // A re-created topic starts empty.
    assert.equal(m.createLog('my-topic', 3, config()).logEndOffset, 0);
    m.close();
    // Leftover -delete directories are removed at startup; unrelated directories are ignored.
    mkdirSync(join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete'));
    mkdirSync(join(dir, 'not a partition'));
    const again = openManager([dir]);
    await again.awaitDeletions();
    assert.equal(existsSync(join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete')), false);
    assert.deepEqual(again.allLogs().map((l) => `${l.topic}-${l.partition}`), ['my-topic-3']);
    again.close();
  });

  test('an unclean stop recovers from the checkpointed recovery point', () => {
    const dir = tempDir();
    const clock = new ManualClock(1_000_000);
    const m = openManager([dir], clock, { flushCheckpointIntervalMs: 1000, flushSchedulerIntervalMs: 100 });
    const log = m.createLog('t', 0, config({ segmentBytes: 2000 }));
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch({ valueSize: 100 }), 0);
    clock.advance(1000); // flusher fsyncs rolled segments; checkpoint task writes recovery points
    const rp = log.recoveryPoint;
    assert.ok(rp > 0 && rp === log.segmentBaseOffsets().at(-1));
    assert.equal(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'), `0\n1\nt 0 ${rp}\n`);
    // Crash: no close. Garbage at the end of the active segment.
    const active = readdirSync(join(dir, 't-0')).filter((n) => n.endsWith('.log')).sort().at(-1)!;
    writeFileSync(join(dir, 't-0', active), Buffer.alloc(100, 7), { flag: 'a' });
    const again = openManager([dir]);
    const l2 = again.getLog('t', 0)!;
    assert.equal(l2.logEndOffset, 20);
    assert.equal(l2.recoveryPoint, 20);
    again.close();
    log.closeHandles();
  });

  test('periodic retention, flush.ms and producer-id expiration run on the scheduler', () => {
    const dir = tempDir();
    const clock = new ManualClock(1_000_000);
    const m = openManager([dir], clock, { retentionCheckIntervalMs: 5000, producerIdExpirationMs: 60_000, producerIdExpirationCheckIntervalMs: 10_000 });
    const log = m.createLog('t', 0, config({ segmentBytes: 1000, retentionMs: 20_000, flushMs: 2000 }));
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch({ valueSize: 150, ts: 1_000_000 }), 0);
    log.appendAsLeader(batch({ producerId: 5n, producerEpoch: 0, baseSequence: 0, ts: 1_000_000 }), 0);
    const segments = log.numberOfSegments;
    assert.ok(segments > 2);
    clock.advance(2000);
    assert.equal(log.recoveryPoint, log.logEndOffset, 'flush.ms flushed everything');
    let hw = 4;
    m.highWatermarkProvider = () => hw;
    clock.advance(25_000);
    assert.ok(log.logStartOffset <= 4 && log.numberOfSegments < segments);
    hw = log.logEndOffset;
    clock.advance(5000);
    assert.equal(log.logStartOffset, log.logEndOffset);
    assert.equal(log.activeProducers().size, 1);
    clock.advance(60_000);
    assert.equal(log.activeProducers().size, 0);
    m.close();
  });

  test('directory names', () => {
    assert.deepEqual(parseTopicPartitionDirName('a-b-c-12'), { topic: 'a-b-c', partition: 12 });
    assert.equal(parseTopicPartitionDirName('abc'), null);
    assert.equal(parseTopicPartitionDirName('abc-'), null);
    assert.equal(parseTopicPartitionDirName('a b-1'), null);
  });
});
