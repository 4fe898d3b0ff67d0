#!/usr/bin/env node
/**
 * connect-distributed worker.properties: see ./connect-distributed-command.ts.
 * The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['connect-distributed', ...process.argv.slice(2)]);
