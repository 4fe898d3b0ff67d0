/**
 * Kafka's flag forms that node:util parseArgs does not take as they are, rewritten before
 * parsing. Tools declare them in their definition (tool-runner.ts `argvForms`).
 */

export interface ArgvForms {
  /** Flags whose value may be a negative number (`--time -1`, `--shift-by -5`): parseArgs refuses a value starting with a dash. */
  negativeValues?: readonly string[];
  /** Flags whose value may be left out, each with the value it then has (`--compression-codec` alone means gzip). */
  optionalValues?: Readonly<Record<string, string>>;
  /** argparse-style lists (`--producer-props a=b c=d`): every following argument up to the next `--flag` is a value. */
  lists?: readonly string[];
}

/** `argv` with the declared forms made explicit (`--flag=value`); everything after `--` is left alone. */
export function normalizeArgv(argv: readonly string[], forms: ArgvForms): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (forms.lists?.includes(a) === true) {
      let taken = 0;
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
        out.push(`${a}=${argv[++i]!}`);
        taken++;
      }
      if (taken === 0) out.push(a); // the parser reports the missing value
    } else if (forms.optionalValues?.[a] !== undefined && (next === undefined || next.startsWith('--'))) {
      out.push(`${a}=${forms.optionalValues[a]}`);
    } else if ((forms.negativeValues?.includes(a) === true || forms.optionalValues?.[a] !== undefined) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
