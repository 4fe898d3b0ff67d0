/** Shared helpers of the storage tests: temporary directories and record batches. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch, type RecordBatchBuilderOptions } from '../../../src/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/broker/storage/log-config.js';
import { spawn } from 'node:child_process';

export const logger = silentLogger();

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under os.tmpdir(), removed when the test file ends. */
export function tempDir(prefix = 'samsa-storage-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export interface BatchSpec extends RecordBatchBuilderOptions {
  /** Number of records (default 1). */
  count?: number;
  /** Bytes of each value (default 10). */
  valueSize?: number;
  /** Timestamp of the records (default 1000). */
  ts?: number;
}

/** A batch of `count` records with distinct values, as a producer would send it (base offset 0). */
export function batch(spec: BatchSpec = {}): Uint8Array {
  const count = spec.count ?? 1;
  const valueSize = spec.valueSize ?? 10;
  const ts = BigInt(spec.ts ?? 1000);
  const records = [];
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(valueSize, 97 + (i % 26));
    value.write(String(i), 0);
    records.push({ key: Buffer.from(`k${i}`), value, timestamp: ts });
  }
  return buildRecordBatch(records, { baseOffset: 0n, ...spec });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

/**
 * Runs the node script `script` with `args`; it prints one line per acknowledged write, matching
 * `ack` (the first capture group is the number acknowledged). After `acks` such lines it is killed
 * with SIGKILL. Resolves with the number of the last acknowledged line (`initial` if none); rejects
 * if the script exits by itself.
 */
export function runAndKillAfterAcks(script: string, args: string[], ack: RegExp, acks: number, initial: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let last = initial;
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const m = ack.exec(line);
        if (m === null || seen >= acks) continue;
        last = Number(m[1]);
        if (++seen === acks) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
  });
}
