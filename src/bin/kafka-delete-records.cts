#!/usr/bin/env node
/**
 * kafka-delete-records --bootstrap-server host:port --offset-json-file file.json: see ../cli/kafka-delete-records.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-delete-records', ...process.argv.slice(2)]);
