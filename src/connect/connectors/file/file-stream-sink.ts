/**
 * FileStreamSinkConnector / FileStreamSinkTask (Kafka's org.apache.kafka.connect.file): writes
 * each record's value followed by a newline to `file` (appending), or to stdout when `file` is
 * absent. Values print as Kafka's `println(value)` would for the common cases: strings as they
 * are, null as `null`, other values with `String(value)` (bytes as UTF-8 text).
 *
 * Writes happen in `put()` (a write per MB of text); `flush()` syncs the file to disk, and the
 * worker commits the consumer offsets only after it.
 *
 * Settings: `file` (optional), `topics` or `topics.regex` (read by the worker).
 */
import { Buffer } from 'node:buffer';
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

/** Size of the buffer put() encodes values into (larger values get a larger one). */
const WRITE_BUFFER_BYTES = 1024 * 1024;

export class FileStreamSinkTask extends SinkTask {
  private filename: string | null = null;
  private fd: number | null = null;
  private buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);

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
    // Each value is encoded straight into a reused buffer, written whenever it is full and at the end.
    let buf = this.buffer;
    let at = 0;
    for (const r of records) {
      const text = printValue(r.value);
      const most = text.length * 3 + 1; // UTF-8 needs at most 3 bytes per UTF-16 unit
      if (at + most > buf.length) {
        if (at > 0) this.write(buf, at);
        at = 0;
        if (most > buf.length) buf = this.buffer = Buffer.allocUnsafe(most);
      }
      at += buf.write(text, at, 'utf8');
      buf[at++] = 0x0a;
    }
    if (at > 0) this.write(buf, at);
  }

  /** Writes the first `length` bytes of `buf` (to the file, or a copy to stdout). */
  private write(buf: Buffer, length: number): void {
    if (this.fd === null) {
      process.stdout.write(Buffer.from(buf.subarray(0, length)));
      return;
    }
    let written = 0;
    while (written < length) written += writeSync(this.fd, buf, written, length - written);
  }

  override flush(_offsets: SinkOffsets): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  stop(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
