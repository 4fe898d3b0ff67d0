/**
 * FileStreamSourceConnector / FileStreamSourceTask (Kafka's org.apache.kafka.connect.file):
 * reads a text file (or stdin when `file` is absent) line by line and emits each line as a
 * STRING value to `topic`. One task. Each record carries source partition `{ filename }` and
 * offset `{ position }` — the byte position just after the line's newline — so a restarted task
 * resumes where the committed offsets say. Lines appended while it runs are picked up; a line is
 * emitted only once its newline was written. `\n`, `\r\n` and `\r` end lines (Kafka's rule; a
 * lone `\r` at the end of what was read waits for the next byte).
 *
 * Settings: `file` (optional), `topic` (required, non-empty), `batch.size` (max records per
 * poll, default 2000).
 */
import { Buffer } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigDef, NonEmptyString, NonNullValidator, Range, CompositeValidator } from '../../api/config-def.js';
import { SourceConnector, SourceTask, type ConnectorProps, type Task } from '../../api/connector.js';
import { SourceRecord } from '../../api/data/connect-record.js';
import { Schema } from '../../api/data/schema.js';
import { ConnectException } from '../../api/errors.js';

export const FILE_CONNECTOR_VERSION = '1.0.0';

export const FILE_CONFIG = 'file';
export const TOPIC_CONFIG = 'topic';
export const TASK_BATCH_SIZE_CONFIG = 'batch.size';
export const DEFAULT_TASK_BATCH_SIZE = 2000;
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

const SOURCE_CONFIG_DEF = new ConfigDef()
  .define(FILE_CONFIG, 'STRING', { defaultValue: null, importance: 'HIGH', documentation: 'Source filename. If not specified, the standard input will be used' })
  .define(TOPIC_CONFIG, 'STRING', { validator: CompositeValidator.of(new NonNullValidator(), new NonEmptyString()), importance: 'HIGH', documentation: 'The topic to publish data to' })
  .define(TASK_BATCH_SIZE_CONFIG, 'INT', { defaultValue: DEFAULT_TASK_BATCH_SIZE, validator: Range.atLeast(1), importance: 'LOW', documentation: 'The maximum number of records the source task can read from the file each time it is polled' });

export class FileStreamSourceConnector extends SourceConnector {
  private props: Record<string, string> = {};

  version(): string {
    return FILE_CONNECTOR_VERSION;
  }
  start(props: ConnectorProps): void {
    SOURCE_CONFIG_DEF.parse(props);
    this.props = { ...props };
  }
  taskClass(): new () => Task {
    return FileStreamSourceTask;
  }
  /** Only one task: a file is read by one reader. */
  taskConfigs(_maxTasks: number): Array<Record<string, string>> {
    return [{ ...this.props }];
  }
  stop(): void {}
  config(): ConfigDef {
    return SOURCE_CONFIG_DEF;
  }
}

/** Bytes read at a time: about 2,500 lines of 100 bytes, so a poll can fill the default batch. */
const READ_CHUNK = 256 * 1024;
/** How long poll() waits for more data before returning null (Kafka waits a second). */
const IDLE_WAIT_MS = 1000;

export class FileStreamSourceTask extends SourceTask {
  private filename: string | null = null;
  private topic = '';
  private batchSize = DEFAULT_TASK_BATCH_SIZE;
  private handle: FileHandle | null = null;
  /** Byte position of the first byte of `pending` in the file (= the offset of the next line). */
  private streamOffset = 0;
  /** Bytes read but not yet emitted (an incomplete line, or lines beyond a batch). */
  private pending: Buffer = Buffer.alloc(0);
  private stopped = false;
  private wake: (() => void) | null = null;
  private stdinChunks: Buffer[] = [];
  private stdinEnded = false;
  private onStdin: ((chunk: Buffer) => void) | null = null;
  /** `{ filename }`, one object for every record (the worker works out its offset key once per object and batch). */
  private sourcePartition: Readonly<Record<string, unknown>> = {};

  version(): string {
    return FILE_CONNECTOR_VERSION;
  }

  start(props: ConnectorProps): void {
    const config = SOURCE_CONFIG_DEF.parse(props);
    this.filename = (config[FILE_CONFIG] as string | null) || null;
    this.topic = config[TOPIC_CONFIG] as string;
    this.batchSize = config[TASK_BATCH_SIZE_CONFIG] as number;
    this.sourcePartition = Object.freeze({ [FILENAME_FIELD]: this.filename });
    this.stopped = false;
    if (this.filename === null) {
      this.onStdin = (chunk) => {
        this.stdinChunks.push(chunk);
        this.wake?.();
      };
      process.stdin.on('data', this.onStdin);
      process.stdin.on('end', () => {
        this.stdinEnded = true;
        this.wake?.();
      });
    }
  }

  private async openFile(): Promise<boolean> {
    if (this.handle !== null) return true;
    try {
      this.handle = await open(this.filename!, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // Kafka waits for the file to appear
      throw new ConnectException(`Couldn't open file ${this.filename}: ${(e as Error).message}`, { cause: e });
    }
    const stored = this.context?.offsetStorageReader().offset({ [FILENAME_FIELD]: this.filename });
    const position = stored?.[POSITION_FIELD];
    if (position !== undefined && position !== null) {
      const n = typeof position === 'bigint' ? Number(position) : Number(position);
      if (!Number.isSafeInteger(n) || n < 0) throw new ConnectException(`Offset position is the incorrect type: ${String(position)}`);
      this.streamOffset = n;
    } else {
      this.streamOffset = 0;
    }
    this.pending = Buffer.alloc(0);
    return true;
  }

  /** Reads more bytes into `pending`; false when nothing new was available. */
  private async readMore(): Promise<boolean> {
    if (this.filename === null) {
      if (this.stdinChunks.length === 0) return false;
      this.pending = Buffer.concat([this.pending, ...this.stdinChunks]);
      this.stdinChunks = [];
      return true;
    }
    if (!(await this.openFile())) return false;
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await this.handle!.read(buffer, 0, READ_CHUNK, this.streamOffset + this.pending.length);
    if (bytesRead === 0) return false;
    this.pending = this.pending.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([this.pending, buffer.subarray(0, bytesRead)]);
    return true;
  }

  /**
   * Takes complete lines from `pending`, up to the batch size. The records share one source
   * partition object and the batch's timestamp.
   */
  private extractLines(): SourceRecord[] {
    const records: SourceRecord[] = [];
    const buf = this.pending;
    const length = buf.length;
    const partition = this.filename === null ? null : this.sourcePartition;
    const timestamp = Date.now();
    let start = 0;
    // The next \n and \r at or after `start` (-1: none in what was read).
    let lf = buf.indexOf(0x0a);
    let cr = buf.indexOf(0x0d);
    while (records.length < this.batchSize) {
      if (lf !== -1 && lf < start) lf = buf.indexOf(0x0a, start);
      if (cr !== -1 && cr < start) cr = buf.indexOf(0x0d, start);
      let lineEnd: number;
      let end: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        lineEnd = lf;
        end = lf + 1;
      } else {
        if (cr + 1 >= length) break; // is the next byte \n? wait and see
        lineEnd = cr;
        end = buf[cr + 1] === 0x0a ? cr + 2 : cr + 1;
      }
      records.push(
        new SourceRecord({
          sourcePartition: partition,
          sourceOffset: partition === null ? null : { [POSITION_FIELD]: this.streamOffset + end },
          topic: this.topic,
          kafkaPartition: null,
          valueSchema: Schema.STRING_SCHEMA,
          value: buf.toString('utf8', start, lineEnd),
          timestamp,
        }),
      );
      start = end;
    }
    if (start > 0) {
      this.streamOffset += start;
      this.pending = this.pending.subarray(start);
    }
    return records;
  }

  async poll(): Promise<SourceRecord[] | null> {
    while (!this.stopped) {
      let records = this.extractLines();
      if (records.length > 0) return records;
      if (await this.readMore()) {
        records = this.extractLines();
        if (records.length > 0) return records;
        continue; // read something but no complete line yet: read on
      }
      if (this.filename === null && this.stdinEnded) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_WAIT_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      return null;
    }
    return null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.onStdin !== null) process.stdin.off('data', this.onStdin);
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
