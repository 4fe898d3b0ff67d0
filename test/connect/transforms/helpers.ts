import { SinkRecord, SourceRecord } from '../../../src/connect/api/data/connect-record.js';
import type { Schema } from '../../../src/connect/api/data/schema.js';
import type { Transformation } from '../../../src/connect/api/transformation.js';

export function sink(init: { topic?: string; keySchema?: Schema | null; key?: unknown; valueSchema?: Schema | null; value?: unknown; timestamp?: number | null; partition?: number; offset?: bigint }): SinkRecord {
  return new SinkRecord({
    topic: init.topic ?? 'test', kafkaPartition: init.partition ?? 0, kafkaOffset: init.offset ?? 0n,
    keySchema: init.keySchema ?? null, key: init.key ?? null, valueSchema: init.valueSchema ?? null, value: init.value ?? null,
    timestamp: init.timestamp ?? null,
  });
}

export function source(init: { topic?: string; keySchema?: Schema | null; key?: unknown; valueSchema?: Schema | null; value?: unknown; timestamp?: number | null; partition?: number | null }): SourceRecord {
  return new SourceRecord({
    topic: init.topic ?? 'test', kafkaPartition: init.partition === undefined ? 0 : init.partition,
    keySchema: init.keySchema ?? null, key: init.key ?? null, valueSchema: init.valueSchema ?? null, value: init.value ?? null,
    timestamp: init.timestamp ?? null, sourcePartition: { file: 'f' }, sourceOffset: { pos: 1 },
  });
}

export function configured<T extends Transformation<any>>(t: T, props: Record<string, string>): T {
  t.configure(props);
  return t;
}

export const map = (entries: Record<string, unknown>): Map<string, unknown> => new Map(Object.entries(entries));
