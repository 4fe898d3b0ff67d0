import { writeSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Structured logging for every subsystem: one JSON object per line on stdout, in pino's layout
 * (`{"level":30,"time":...,"pid":...,"hostname":...,"name":"samsa",...bindings,...fields,"msg":...}`,
 * levels trace=10 ... fatal=60), so pino tooling such as pino-pretty reads it. Log with context:
 * `logger.child({ topic, partition })`, `logger.warn({ clientId, err }, 'msg')`.
 *
 * Written here rather than taken from pino because loading pino (and its worker-thread transport
 * machinery) was about a tenth of the broker's start-up time and a few MB of its idle memory; this
 * does what the broker uses: levels, child bindings, `err` serialization, synchronous writes.
 * A disabled level costs one comparison; `child()` serializes its bindings only when a line is
 * written.
 */
export interface Logger {
  /** trace | debug | info | warn | error | fatal | silent */
  readonly level: string;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: string): boolean;
}

export interface LogFn {
  (fields: object, msg?: string): void;
  (msg: string): void;
}

export interface LoggerOptions {
  /** 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; default from SAMSA_LOG_LEVEL or 'info'. */
  level?: string;
  name?: string;
  /** Where lines go (each ends with a newline); default: written synchronously to stdout. */
  write?: (line: string) => void;
}

const LEVELS: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

function levelValue(level: string): number {
  const v = LEVELS[level];
  if (v === undefined) throw new Error(`unknown log level ${JSON.stringify(level)}; levels: ${Object.keys(LEVELS).join(', ')}`);
  return v;
}

/** stdout may be a non-blocking pipe (once anything used process.stdout): retry on EAGAIN rather than drop the line. */
function writeStdout(line: string): void {
  let buf: Buffer | null = null;
  let off = 0;
  for (let attempts = 0; ; attempts++) {
    try {
      if (buf === null) {
        const n = writeSync(1, line);
        if (n === Buffer.byteLength(line)) return;
        buf = Buffer.from(line);
        off = n;
      } else {
        off += writeSync(1, buf, off);
        if (off >= buf.length) return;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || attempts > 10_000) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** pino's `err` serializer: type, message, stack and the error's own fields (code, errno...), with its cause. */
function serializeError(err: Error, seen: WeakSet<object>): Record<string, unknown> {
  seen.add(err);
  const out: Record<string, unknown> = { type: err.constructor?.name ?? 'Error', message: err.message, stack: err.stack };
  for (const [k, v] of Object.entries(err)) if (!(k in out)) out[k] = v;
  if (err.cause !== undefined && !('cause' in out)) out.cause = err.cause;
  return out;
}

/** JSON of a plain object's fields without its braces ('' when empty), never throwing: bigint as a string, cycles as "[Circular]". */
function fieldsJson(fields: object): string {
  const seen = new WeakSet<object>();
  let json: string;
  try {
    json = JSON.stringify(fields, function (this: Record<string, unknown>, key: string, value: unknown): unknown {
      if (typeof value === 'bigint') return value.toString();
      // Buffers would print as {"type":"Buffer","data":[...]} (toJSON runs first): the length says enough.
      const original = this[key];
      if (original instanceof Uint8Array) return `<${original.length} bytes>`;
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[Circular]';
        if (value instanceof Error) return serializeError(value, seen);
        seen.add(value);
      }
      return value;
    });
  } catch (err) {
    json = JSON.stringify({ logSerializationError: String(err) });
  }
  return json.length <= 2 ? '' : `,${json.slice(1, -1)}`;
}

let base: string | undefined;
function baseFields(): string {
  base ??= `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return base;
}

class JsonLogger implements Logger {
  private bindingsJson: string | undefined;

  constructor(
    readonly level: string,
    private readonly threshold: number,
    private readonly write: (line: string) => void,
    private readonly parent: JsonLogger | null,
    private readonly bindings: Record<string, unknown> | null,
  ) {}

  private prefix(): string {
    this.bindingsJson ??= (this.parent === null ? baseFields() : this.parent.prefix()) + (this.bindings === null ? '' : fieldsJson(this.bindings));
    return this.bindingsJson;
  }

  private line(value: number, a: object | string, msg: string | undefined): void {
    let fields = '';
    let text = msg;
    if (typeof a === 'string') text = a;
    else if (a instanceof Error) {
      fields = fieldsJson({ err: a });
      text ??= a.message;
    } else fields = fieldsJson(a);
    const m = text === undefined ? '' : `,"msg":${JSON.stringify(text)}`;
    this.write(`{"level":${value},"time":${Date.now()}${this.prefix()}${fields}${m}}\n`);
  }

  trace(a: object | string, msg?: string): void {
    if (this.threshold <= 10) this.line(10, a, msg);
  }
  debug(a: object | string, msg?: string): void {
    if (this.threshold <= 20) this.line(20, a, msg);
  }
  info(a: object | string, msg?: string): void {
    if (this.threshold <= 30) this.line(30, a, msg);
  }
  warn(a: object | string, msg?: string): void {
    if (this.threshold <= 40) this.line(40, a, msg);
  }
  error(a: object | string, msg?: string): void {
    if (this.threshold <= 50) this.line(50, a, msg);
  }
  fatal(a: object | string, msg?: string): void {
    if (this.threshold <= 60) this.line(60, a, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    if (this.threshold === Infinity) return this;
    return new JsonLogger(this.level, this.threshold, this.write, this, bindings);
  }

  isLevelEnabled(level: string): boolean {
    const v = LEVELS[level];
    return v !== undefined && v !== Infinity && v >= this.threshold;
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.SAMSA_LOG_LEVEL ?? 'info';
  const threshold = levelValue(level);
  const name = options.name ?? 'samsa';
  // pid, hostname and name are serialized with the first line written.
  return new JsonLogger(level, threshold, options.write ?? writeStdout, null, { name });
}

/** A logger that drops everything: the default for embedded use in tests. */
export function silentLogger(): Logger {
  return new JsonLogger('silent', Infinity, () => {}, null, null);
}
