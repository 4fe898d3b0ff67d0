#!/usr/bin/env node
/** samsa <tool> [args...]: the umbrella command (see samsa-tools.ts). The installed bin (CommonJS, as kafka-server-start.cts). */
import { runTool } from './server-bundle.cjs';

runTool(process.argv.slice(2));
