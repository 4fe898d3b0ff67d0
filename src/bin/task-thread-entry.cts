/*
 * What a Connect task's thread runs (src/connect/runtime/task-thread.ts): the task thread's main,
 * from the server bundle as the bins run their tools (or from the ES modules when the bundle is
 * missing, stale or turned off with SAMSA_BUNDLE=0).
 */
import { ServerBundle } from './server-bundle.cjs';
import type { SamsaTools } from './server-bundle.cjs';

const bundle = process.env.SAMSA_BUNDLE === '0' ? null : ServerBundle.load();
const tools: Promise<SamsaTools> = bundle === null ? import('./samsa-tools.js') : Promise.resolve(bundle.entry<SamsaTools>());
tools
  .then((t) => t.runConnectTaskThread())
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
