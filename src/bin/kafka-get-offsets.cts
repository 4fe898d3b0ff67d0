#!/usr/bin/env node
/**
 * kafka-get-offsets --bootstrap-server host:port [--topic regex] [--partitions ids] [--time -1|-2|-3|ms]: see ../cli/kafka-get-offsets.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-get-offsets', ...process.argv.slice(2)]);
