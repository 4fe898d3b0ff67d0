#!/usr/bin/env node
/**
 * kafka-producer-perf-test --topic t --num-records n --record-size bytes --throughput -1 --producer-props bootstrap.servers=host:port ...: see ../cli/kafka-producer-perf-test.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-producer-perf-test', ...process.argv.slice(2)]);
