/**
 * The external C clients: librdkafka's `rdkafka_performance` (built from Debian's librdkafka
 * source package by build-rdkafka-performance.sh) for produce and consume, and kcat (for both
 * when rdkafka_performance has not been built; kcat's consume figure is printed either way).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './processes.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where build-rdkafka-performance.sh puts the tool (node_modules is not committed). */
export const RDKAFKA_PERFORMANCE_DEFAULT = join(REPO_ROOT, 'node_modules', '.cache', 'samsa-bench', 'rdkafka_performance');

export function findRdkafkaPerformance(): string | null {
  const fromEnv = process.env.RDKAFKA_PERFORMANCE;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : null;
  return existsSync(RDKAFKA_PERFORMANCE_DEFAULT) ? RDKAFKA_PERFORMANCE_DEFAULT : null;
}

export async function kcatVersion(): Promise<string | null> {
  try {
    const r = await runCommand('kcat', ['-V'], 5000);
    // `kcat -V`: "... Version 1.7.1 (JSON, ..., librdkafka 2.0.2 builtin.features=...)".
    const m = /\bVersion ([^\s]+)/.exec(r.stdout + r.stderr);
    const lib = /librdkafka (?:version )?([0-9][^\s]*)/.exec(r.stdout + r.stderr);
    return r.code === 0 ? `kcat ${m?.[1] ?? '?'} (librdkafka ${lib?.[1] ?? '?'})` : null;
  } catch {
    return null;
  }
}

export interface ThroughputResult {
  records: number;
  /** Record value bytes. */
  bytes: number;
  ms: number;
  /** rdkafka_performance -C only: the tool's own figure, from its first message to its last. */
  firstToLastMs?: number;
}

/**
 * `rdkafka_performance -P`: `records` messages of `valueBytes` bytes to one partition, acks=1 (or `acks`),
 * librdkafka's defaults otherwise (linger.ms=5, batch.size=1000000, 5 requests in flight), or with
 * `config` (`key=value` strings, each passed as `-X key=value`).
 * The figures are the tool's own: from its first produce call to the last delivery report.
 */
export async function rdkafkaPerformanceProduce(bin: string, bootstrap: string, topic: string, records: number, valueBytes: number, timeoutMs: number, acks = 1, config: readonly string[] = []): Promise<ThroughputResult> {
  const extra = config.flatMap((kv) => ['-X', kv]);
  const r = await runCommand(bin, ['-P', '-t', topic, '-p', '0', '-b', bootstrap, '-s', String(valueBytes), '-c', String(records), '-a', String(acks), '-q', ...extra], timeoutMs);
  const lines = r.stdout.split('\n').filter((l) => l.includes('messages produced'));
  const last = lines[lines.length - 1] ?? '';
  const m = /(\d+) messages produced \((\d+) bytes\), (\d+) delivered \(offset -?\d+, (\d+) failed\) in (\d+)ms/.exec(last);
  if (r.code !== 0 || m === null) throw new Error(`rdkafka_performance failed (${r.signal ?? r.code}): ${(r.stdout + r.stderr).slice(-1500)}`);
  const delivered = Number(m[3]);
  const failed = Number(m[4]);
  if (delivered !== records || failed !== 0) throw new Error(`rdkafka_performance delivered ${delivered} of ${records} (${failed} failed): ${last}`);
  return { records: delivered, bytes: delivered * valueBytes, ms: Number(m[5]) };
}

/**
 * `rdkafka_performance -C`: reads one partition from the beginning until `records` messages have
 * arrived, with librdkafka's default fetch sizes (1 MiB per partition per fetch), counting them
 * without printing. Timed from spawn to exit, like kcat (the tool's own figure starts at its first
 * message and would leave out connecting and the first fetch).
 */
export async function rdkafkaPerformanceConsume(bin: string, bootstrap: string, topic: string, records: number, valueBytes: number, timeoutMs: number): Promise<ThroughputResult> {
  const r = await runCommand(bin, ['-C', '-t', topic, '-p', '0', '-b', bootstrap, '-o', 'beginning', '-c', String(records), '-q'], timeoutMs);
  const m = /% (\d+) messages \((\d+) bytes\) consumed in (\d+)ms/.exec(r.stdout);
  if (r.code !== 0 || m === null) throw new Error(`rdkafka_performance -C failed (${r.signal ?? r.code}): ${(r.stdout + r.stderr).slice(-1500)}`);
  const consumed = Number(m[1]);
  if (consumed !== records) throw new Error(`rdkafka_performance -C consumed ${consumed} of ${records} messages`);
  return { records: consumed, bytes: consumed * valueBytes, ms: r.ms, firstToLastMs: Number(m[3]) };
}

/** A file of `records` lines of `valueBytes` printable bytes each (plus '\n'), for `kcat -P -l`. */
export function writeKcatInput(file: string, records: number, valueBytes: number): void {
  const line = Buffer.alloc(valueBytes + 1, 'k');
  line[valueBytes] = 0x0a;
  const chunkLines = 1024;
  const chunk = Buffer.concat(Array.from({ length: chunkLines }, () => line));
  const parts: Buffer[] = [];
  for (let i = 0; i < Math.floor(records / chunkLines); i++) parts.push(chunk);
  parts.push(chunk.subarray(0, (records % chunkLines) * (valueBytes + 1)));
  writeFileSync(file, Buffer.concat(parts));
}

/** Fallback produce client: `kcat -P -l FILE` (one record per line), acks=1, linger.ms=5; timed from spawn to exit. */
export async function kcatProduce(bootstrap: string, topic: string, file: string, records: number, valueBytes: number, timeoutMs: number): Promise<ThroughputResult> {
  const r = await runCommand('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'acks=1', '-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-l', file], timeoutMs);
  if (r.code !== 0) throw new Error(`kcat -P failed (${r.signal ?? r.code}): ${r.stderr.slice(-1500)}`);
  return { records, bytes: records * valueBytes, ms: r.ms };
}

/**
 * `kcat -C -o beginning -e` of one partition with stdout to /dev/null, librdkafka's default fetch
 * sizes (1 MiB per partition per fetch); timed from spawn to exit. `records` is what the partition
 * holds (kcat exits at its end).
 */
export async function kcatConsume(bootstrap: string, topic: string, records: number, valueBytes: number, timeoutMs: number): Promise<ThroughputResult> {
  const r = await runCommand('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q'], timeoutMs, { discardStdout: true });
  if (r.code !== 0) throw new Error(`kcat -C failed (${r.signal ?? r.code}): ${r.stderr.slice(-1500)}`);
  return { records, bytes: records * valueBytes, ms: r.ms };
}
