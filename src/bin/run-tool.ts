import { ServerBundle } from './server-bundle.js';

type SamsaTools = typeof import('./samsa-tools.js');

/**
 * Runs `samsa <tool> [args]` and exits with its status: from the server bundle that
 * `npm run build` makes (one or two files, V8 code cache), or from the ES modules when there is
 * no up-to-date bundle or SAMSA_BUNDLE=0 asks for them (readable stack traces when debugging).
 */
export function runTool(argv: string[]): void {
  const bundle = process.env.SAMSA_BUNDLE === '0' ? null : ServerBundle.load();
  const tools: Promise<SamsaTools> = bundle === null ? import('./samsa-tools.js') : Promise.resolve(bundle.entry<SamsaTools>());
  tools
    .then((t) => t.samsa(argv))
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
}
