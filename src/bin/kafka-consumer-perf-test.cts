#!/usr/bin/env node
/**
 * kafka-consumer-perf-test --bootstrap-server host:port --topic t --messages n ...: see ../cli/kafka-consumer-perf-test.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-consumer-perf-test', ...process.argv.slice(2)]);
