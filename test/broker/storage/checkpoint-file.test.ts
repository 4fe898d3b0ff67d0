import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CheckpointFormatError, offsetCheckpointFile } from '../../../src/broker/storage/checkpoint-file.js';
import { tempDir } from './storage-test-helpers.js';

describe('CheckpointFile', () => {
  test('writes the Kafka text format atomically and reads it back', () => {
    const dir = tempDir();
    const path = join(dir, 'recovery-point-offset-checkpoint');
    const file = offsetCheckpointFile(path);
    file.write([
      { topic: 'orders', partition: 0, offset: 1532 },
      { topic: 'orders', partition: 1, offset: 1498 },
    ]);
    assert.equal(readFileSync(path, 'utf8'), '0\n2\norders 0 1532\norders 1 1498\n');
    assert.equal(existsSync(`${path}.tmp`), false);
    assert.deepEqual(file.read(), [
      { topic: 'orders', partition: 0, offset: 1532 },
      { topic: 'orders', partition: 1, offset: 1498 },
    ]);
  });

  test('a missing or empty file has no entries; any run of whitespace separates fields', () => {
    const dir = tempDir();
    const path = join(dir, 'cp');
    assert.deepEqual(offsetCheckpointFile(path).read(), []);
    writeFileSync(path, '');
    assert.deepEqual(offsetCheckpointFile(path).read(), []);
    writeFileSync(path, '0\n1\na-b  3\t7\n');
    assert.deepEqual(offsetCheckpointFile(path).read(), [{ topic: 'a-b', partition: 3, offset: 7 }]);
  });

  test('rejects a wrong version, a wrong count and bad lines', () => {
    const dir = tempDir();
    const path = join(dir, 'cp');
    for (const text of ['1\n0\n', '0\n2\nt 0 1\n', '0\n1\nt x 1\n', '0\n1\nt 0\n', '0\n']) {
      writeFileSync(path, text);
      assert.throws(() => offsetCheckpointFile(path).read(), CheckpointFormatError, JSON.stringify(text));
    }
  });
});
