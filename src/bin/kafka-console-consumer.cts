#!/usr/bin/env node
/**
 * kafka-console-consumer --bootstrap-server host:port --topic t [options]: see
 * ../cli/kafka-console-consumer.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-console-consumer', ...process.argv.slice(2)]);
