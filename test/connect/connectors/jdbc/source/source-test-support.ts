/**
 * Running a JdbcSourceTask directly through the task API in tests: an in-memory offset store
 * that records each record's committed offset per partition (what the worker does after the
 * producer acknowledged a record), and a poll loop that collects a wanted number of records.
 */
import type { OffsetStorageReader, SourceTaskContext } from '../../../../../src/connect/api/connector.js';
import type { SourceRecord } from '../../../../../src/connect/api/data/connect-record.js';
import type { Struct } from '../../../../../src/connect/api/data/struct.js';
import { canonicalJson } from '../../../../../src/connect/runtime/offset-store.js';
import { JdbcSourceConnector } from '../../../../../src/connect/connectors/jdbc/source/jdbc-source-connector.js';
import { JdbcSourceTask } from '../../../../../src/connect/connectors/jdbc/source/jdbc-source-task.js';
import { silentLogger } from '../../../../../src/logging/logger.js';

/** Offsets by partition, as the worker's offset store keeps them. */
export class MemoryOffsets implements OffsetStorageReader {
  readonly map = new Map<string, Record<string, unknown>>();

  offset(partition: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
    return this.map.get(canonicalJson(partition)) ?? null;
  }

  offsets(partitions: ReadonlyArray<Readonly<Record<string, unknown>>>): Map<Readonly<Record<string, unknown>>, Record<string, unknown> | null> {
    return new Map(partitions.map((p) => [p, this.offset(p)]));
  }

  /** Commits the records' offsets (the last one per partition wins). */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourcePartition !== null && r.sourceOffset !== null) this.map.set(canonicalJson(r.sourcePartition), { ...r.sourceOffset });
    }
  }

  set(partition: Record<string, unknown>, offset: Record<string, unknown>): void {
    this.map.set(canonicalJson(partition), offset);
  }
}

/** The task configuration the connector makes from `props` (one task). */
export async function taskConfigFor(props: Record<string, string>): Promise<Record<string, string>> {
  const connector = new JdbcSourceConnector(silentLogger());
  connector.initialize({ raiseError: () => undefined });
  await connector.start(props);
  try {
    return connector.taskConfigs(1)[0]!;
  } finally {
    await connector.stop();
  }
}

/**
 * A started task for `props`: task settings as they are, or, for connector settings (no
 * `tables`), the configuration the connector makes for one task.
 */
export async function startTask(connectorOrTaskProps: Record<string, string>, offsets = new MemoryOffsets()): Promise<{ task: JdbcSourceTask; offsets: MemoryOffsets }> {
  const props = 'tables' in connectorOrTaskProps ? connectorOrTaskProps : await taskConfigFor(connectorOrTaskProps);
  const task = new JdbcSourceTask(silentLogger());
  const context: SourceTaskContext = { configs: () => props, offsetStorageReader: () => offsets };
  task.initialize(context);
  await task.start(props);
  return { task, offsets };
}

/** Polls until `count` records came (committing their offsets), failing after `timeoutMs`. */
export async function pollRecords(task: JdbcSourceTask, offsets: MemoryOffsets, count: number, timeoutMs = 20_000): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} records; got ${records.length}`);
    const batch = (await task.poll()) ?? [];
    offsets.commit(batch);
    records.push(...batch);
  }
  return records;
}

/** Polls for `ms` and returns whatever came (to show that nothing more comes). */
export async function pollFor(task: JdbcSourceTask, offsets: MemoryOffsets, ms: number): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const batch = (await task.poll()) ?? [];
    offsets.commit(batch);
    records.push(...batch);
  }
  return records;
}

export function field(record: SourceRecord, name: string): unknown {
  return (record.value as Struct).get(name);
}

export function ids(records: readonly SourceRecord[], name = 'id'): number[] {
  return records.map((r) => Number(field(r, name)));
}

export { silentLogger };
