/**
 * What kafka-producer-perf-test and kafka-consumer-perf-test share: Java's number and date
 * formats for their output, the live progress line (a terminal only) and Kafka's metrics table
 * (client properties are read by client-options.ts).
 */
import type { Line } from './tool-runner.js';

/** Java's `%.Nf` (NaN and Infinity as Java prints them). */
export function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return value.toFixed(digits);
}

/** Java's SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS"), local time (ConsumerPerformance's default --date-format). */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

export const MB = 1024 * 1024;

/**
 * A live progress line, rewritten in place with `\r` on stderr, only when stdout is a terminal (a
 * pipe or file gets Kafka's lines alone). `clear()` before printing a regular line.
 */
export class ProgressLine {
  private shown = false;
  constructor(private readonly enabled = process.stdout.isTTY === true && process.stderr.isTTY === true) {}

  update(text: string): void {
    if (!this.enabled) return;
    process.stderr.write(`\r\x1b[K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.enabled || !this.shown) return;
    process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Kafka's ToolsUtils.printMetrics: a "Metric Name / Value" table, names padded, values to 3 decimals. */
export function printMetrics(out: Line, metrics: ReadonlyMap<string, number>): void {
  const names = [...metrics.keys()].sort();
  const width = Math.max('Metric Name'.length, ...names.map((n) => n.length));
  out('');
  out(`${'Metric Name'.padEnd(width)}   Value`);
  for (const n of names) out(`${n.padEnd(width)} : ${fixed(metrics.get(n)!, 3)}`);
}

/** The brokers from --bootstrap-server, else the properties' bootstrap.servers, as a --bootstrap-server value. */
export function bootstrapFrom(flag: string | undefined, props: ReadonlyMap<string, string>): string | undefined {
  return flag ?? props.get('bootstrap.servers');
}
