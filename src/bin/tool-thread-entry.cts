/*
 * What a tool's thread runs (see tool-thread.cts): signals the process forwards reach the tool,
 * then the tool runs as in a bin and ends the thread with its exit code.
 */
import { workerData } from 'node:worker_threads';
import { runTool } from './server-bundle.cjs';
import { receiveForwardedSignals } from './tool-thread.cjs';

receiveForwardedSignals();
runTool((workerData as { argv: string[] }).argv);
