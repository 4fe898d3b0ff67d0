/**
 * FileStreamSinkConnector / FileStreamSinkTask (Kafka's org.apache.kafka.connect.file): writes
 * each record's value followed by a newline to `file` (appending), or to stdout when `file` is
 * absent. Values print as Kafka's `println(value)` would for the common cases: strings as they
 * are, null as `null`, other values with `String(value)` (bytes as UTF-8 text).
 *
 * Writes happen in `put()` (one write per batch); `flush()` syncs the file to disk, and the
 * worker commits the consumer offsets only after it.
 *
 * Settings: `file` (optional), `topics` or `topics.regex` (read by the worker).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { ConfigDef } from '../../api/config-def.js';
import { SinkConnector, SinkTask, type ConnectorProps, type SinkOffsets, type Task } from '../../api/connector.js';
import type { SinkRecord } from '../../api/data/connect-record.js';
import { ConnectException } from '../../api/errors.js';
import { FILE_CONFIG, FILE_CONNECTOR_VERSION } from './file-stream-source.js';

const SINK_CONFIG_DEF = new ConfigDef().define(FILE_CONFIG, 'STRING', { defaultValue: null, importance: 'HIGH', documentation: 'Destination filename. If not specified, the standard output will be used' });

export class FileStreamSinkConnector extends SinkConnector {
  private props: Record<string, string> = {};

  version(): string {
    return FILE_CONNECTOR_VERSION;
  }
  start(props: ConnectorProps): void {
    SINK_CONFIG_DEF.parse(props);
    this.props = { ...props };
  }
  taskClass(): new () => Task {
    return FileStreamSinkTask;
  }
  taskConfigs(maxTasks: number): Array<Record<string, string>> {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...this.props }));
  }
  stop(): void {}
  config(): ConfigDef {
    return SINK_CONFIG_DEF;
  }
}

/** How a record value is printed (Java's String.valueOf for the values Connect produces). */
export function printValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return String(value);
}

export class FileStreamSinkTask extends SinkTask {
  private filename: string | null = null;
  private fd: number | null = null;

  version(): string {
    return FILE_CONNECTOR_VERSION;
  }

  start(props: ConnectorProps): void {
    const config = SINK_CONFIG_DEF.parse(props);
    this.filename = (config[FILE_CONFIG] as string | null) || null;
    if (this.filename !== null) {
      try {
        this.fd = openSync(this.filename, 'a');
      } catch (e) {
        throw new ConnectException(`Couldn't find or create file '${this.filename}' for FileStreamSinkTask`, { cause: e });
      }
    }
  }

  put(records: SinkRecord[]): void {
    if (records.length === 0) return;
    let text = '';
    for (const r of records) text += `${printValue(r.value)}\n`;
    const bytes = Buffer.from(text, 'utf8');
    if (this.fd === null) {
      process.stdout.write(bytes);
      return;
    }
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
  }

  override flush(_offsets: SinkOffsets): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  stop(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
