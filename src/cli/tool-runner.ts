/**
 * What every command-line tool shares: Kafka-style `--flag value` parsing (node:util parseArgs),
 * `--help`, `--version`, `--verbose`, and one way to fail: exit status 1 with one clear line on
 * stderr (a stack trace only with --verbose or SAMSA_VERBOSE=1).
 *
 * A tool is written as `defineCliTool({ name, usage, options, run })`; the result is the function
 * that samsa-tools.ts registers and that tests call with their own output sinks.
 */
import { versionLine } from '../common/samsa-version.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { normalizeArgv, type ArgvForms } from './argv.js';

export type Line = (text: string) => void;

/** A tool as registered: runs with `argv`, writes lines to `out` (stdout) and `err` (stderr), resolves to the exit status. */
export type CliTool = (argv: string[], out?: Line, err?: Line) => Promise<number>;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs gives for `O` (plus the common flags). */
export type ToolValues<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof COMMON_OPTIONS; strict: true; allowPositionals: true }>>['values'];

/** A mistake in how the tool was called: reported as `<tool>: <message>` with a pointer to --help. */
export class UsageError extends Error {}

export interface ToolContext {
  out: Line;
  err: Line;
  /** Arguments that are not flags (only when the tool allows them). */
  positionals: string[];
  /** --verbose or SAMSA_VERBOSE=1: stack traces on failure; tools may log more. */
  verbose: boolean;
  /** Tools that run until stopped (console consumer, perf tests) register a handler for Ctrl-C / SIGTERM here. */
  onInterrupt(handler: () => void): void;
}

export interface CliToolDefinition<O extends OptionsConfig> {
  name: string;
  /** The --help text: what the tool does, then one line per flag. */
  usage: string;
  options: O;
  allowPositionals?: boolean;
  /** Kafka's flag forms that need rewriting before parsing (negative values, optional values, argparse lists). */
  argvForms?: ArgvForms;
  /** Put before the message of a failure that is not a usage error (Kafka's tools each have their own wording). Default 'Error: '. */
  failurePrefix?: string;
  run(values: ToolValues<O>, context: ToolContext): Promise<number>;
}

const COMMON_OPTIONS = {
  help: { type: 'boolean' },
  version: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

export function verboseFromEnvironment(): boolean {
  const v = process.env.SAMSA_VERBOSE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

const stdoutLine: Line = (s) => console.log(s);
const stderrLine: Line = (s) => console.error(s);

export function defineCliTool<O extends OptionsConfig>(definition: CliToolDefinition<O>): CliTool {
  return async (argv, out = stdoutLine, err = stderrLine) => {
    const usageFailure = (message: string): number => {
      err(`${definition.name}: ${message.replace(/\s*\n\s*/g, ' ')} (see ${definition.name} --help)`);
      return 1;
    };
    let values: ToolValues<O>;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: definition.argvForms === undefined ? argv : normalizeArgv(argv, definition.argvForms), strict: true, allowPositionals: definition.allowPositionals === true, options: { ...definition.options, ...COMMON_OPTIONS } }) as { values: ToolValues<O>; positionals: string[] });
    } catch (e) {
      return usageFailure((e as Error).message);
    }
    const common = values as { help?: boolean; version?: boolean; verbose?: boolean };
    if (common.help === true) {
      out(`${definition.usage}\n  --help                           this help\n  --version                        print the version and exit\n  --verbose                        stack traces on failure (or SAMSA_VERBOSE=1)`);
      return 0;
    }
    if (common.version === true) {
      out(versionLine());
      return 0;
    }
    const verbose = common.verbose === true || verboseFromEnvironment();
    const interruptHandlers: Array<() => void> = [];
    const onSignal = (): void => {
      for (const h of interruptHandlers) h();
    };
    try {
      return await definition.run(values, {
        out,
        err,
        positionals,
        verbose,
        onInterrupt(handler) {
          if (interruptHandlers.length === 0) {
            process.on('SIGINT', onSignal);
            process.on('SIGTERM', onSignal);
          }
          interruptHandlers.push(handler);
        },
      });
    } catch (e) {
      if (e instanceof UsageError) return usageFailure(e.message);
      const error = e instanceof Error ? e : new Error(String(e));
      err(`${definition.failurePrefix ?? 'Error: '}${error.message}`);
      if (verbose && error.stack !== undefined) err(error.stack);
      return 1;
    } finally {
      if (interruptHandlers.length > 0) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
  };
}

/** The comma-separated brokers of --bootstrap-server (or Kafka's older --broker-list where a tool takes it). */
export function bootstrapServers(values: { 'bootstrap-server'?: string; 'broker-list'?: string }): string[] {
  const list = values['bootstrap-server'] ?? values['broker-list'];
  if (list === undefined) throw new UsageError('Missing required argument "[bootstrap-server]"');
  const brokers = list.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(b))) throw new UsageError(`--bootstrap-server must be host:port[,host:port...], got "${list}"`);
  return brokers;
}

/** A non-negative (or, with `positive`, positive) integer flag value; undefined when the flag is absent. */
export function integerFlag(value: string | undefined, flag: string, { positive = false, min }: { positive?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const lowest = min ?? (positive ? 1 : 0);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)) || Number(value) < lowest) {
    throw new UsageError(`${flag} must be ${lowest === 1 ? 'a positive integer' : lowest === 0 ? 'a non-negative integer' : `an integer ≥ ${lowest}`}, got ${value}`);
  }
  return Number(value);
}

/** `name=value` entries of a repeatable flag (--config, --property, --producer-property, ...), in order; later ones win. */
export function keyValueFlags(entries: readonly string[] | undefined, flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries ?? []) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} must be name=value, got ${e}`);
    out.set(e.slice(0, eq).trim(), e.slice(eq + 1));
  }
  return out;
}

/** Runs `work`, failing with `message` if it takes longer than `ms` (the work itself is not cancelled). */
export async function within<T>(ms: number, message: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
