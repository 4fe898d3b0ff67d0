import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../src/broker/clock.js';
import { LogManager } from '../../../src/broker/storage/log-manager.js';
import { decodeRecordBatches, type RecordBatchHeader } from '../../../src/protocol/records/index.js';
import { batch, config, logger, runAndKillAfterAcks, tempDir } from './storage-test-helpers.js';

const writer = join(dirname(fileURLToPath(import.meta.url)), 'crash-writer.js');

/** Runs the writer until it has acknowledged `acks` appends, kills it with SIGKILL, returns the last acknowledged offset. */
function runAndKill(dir: string, epoch: number, acks: number): Promise<number> {
  return runAndKillAfterAcks(writer, [dir, String(epoch)], /^ack (\d+) (\d+)$/, acks, -1);
}

test('SIGKILL during appends loses nothing that was acknowledged; producer state comes back', { timeout: 20_000 }, async () => {
  const dir = tempDir('samsa-crash-');
  // Two runs on the same directory, the second one under a bumped producer epoch.
  for (const [epoch, acks] of [[0, 600], [1, 1200]] as const) {
    const acknowledged = await runAndKill(dir, epoch, acks);
    const m = LogManager.open({ logDirs: [dir], nodeId: 1, defaultConfig: config(), clock: new ManualClock(Date.now()), scheduler: new ManualClock(), logger });
    const log = m.getLog('crash', 0)!;
    assert.ok(log.logEndOffset > acknowledged, `log end ${log.logEndOffset} lost acknowledged offset ${acknowledged}`);
    assert.ok(log.numberOfSegments > 1);
    // Every offset is there once, in order, in valid batches.
    let next = 0;
    let lastBatch: RecordBatchHeader | undefined;
    while (next < log.logEndOffset) {
      const r = log.read(next, 1 << 20, log.logEndOffset, true);
      assert.ok(r.ok && r.records.length > 0);
      for (const b of decodeRecordBatches(r.records)) {
        lastBatch = b.header;
        for (const rec of b.records) {
          if (rec.offset < BigInt(next)) continue;
          assert.equal(rec.offset, BigInt(next));
          next++;
        }
      }
    }
    // A retry of the last batch in the log is recognized as a duplicate; a gap is refused.
    assert.equal(lastBatch!.producerEpoch, epoch);
    const retry = log.appendAsLeader(batch({ count: lastBatch!.recordsCount, producerId: 77n, producerEpoch: epoch, baseSequence: lastBatch!.baseSequence }), 0);
    assert.ok(retry.ok && retry.duplicate && retry.firstOffset === Number(lastBatch!.baseOffset), JSON.stringify(retry));
    const gap = log.appendAsLeader(batch({ producerId: 77n, producerEpoch: epoch, baseSequence: lastBatch!.baseSequence + 1000 }), 0);
    assert.equal(!gap.ok && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    m.close();
  }
});
