#!/usr/bin/env node
/** samsa <tool> [args...]: the umbrella command (see samsa-tools.ts). */
import { runTool } from './server-bundle.js';

runTool(process.argv.slice(2));
