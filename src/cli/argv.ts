/**
 * Argument rewriting for Kafka's flag forms that node:util parseArgs does not take as they are;
 * applied to argv before the tool runner parses it.
 */
import type { CliTool } from './tool-runner.js';

/**
 * `--time -2` → `--time=-2` for the given flags (parseArgs refuses a value that starts with a dash
 * as ambiguous; Kafka's tools take negative numbers: --time -1, --throughput -1).
 */
export function attachDashValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (flags.includes(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Kafka's argparse lists (`--producer-props a=b c=d`): every argument after `flag` up to the next
 * one starting with `--` becomes its own `--flag=value`, so the flag can be declared `multiple`
 * (repeating the flag works as well).
 */
export function spreadListFlag(argv: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== flag) {
      out.push(a);
      continue;
    }
    let taken = 0;
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      out.push(`${flag}=${argv[++i]!}`);
      taken++;
    }
    if (taken === 0) out.push(a); // let the parser report the missing value
  }
  return out;
}

/** `tool` with its argv rewritten by `rewrite` first. */
export function withArgv(tool: CliTool, rewrite: (argv: readonly string[]) => string[]): CliTool {
  return (argv, out, err) => tool(rewrite(argv), out, err);
}
