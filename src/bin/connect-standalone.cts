#!/usr/bin/env node
/**
 * connect-standalone worker.properties [connector1.properties ...]: see ./connect-standalone-command.ts.
 * The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['connect-standalone', ...process.argv.slice(2)]);
