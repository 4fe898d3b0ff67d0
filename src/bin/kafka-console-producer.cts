#!/usr/bin/env node
/**
 * kafka-console-producer --bootstrap-server host:port --topic t [options] < lines: see
 * ../cli/kafka-console-producer.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-console-producer', ...process.argv.slice(2)]);
