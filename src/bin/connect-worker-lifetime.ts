/**
 * What connect-standalone and connect-distributed share once their arguments are checked: start
 * the worker with the `connect` logger, run it until Ctrl-C / SIGTERM (an interrupt during start-up
 * stops it as soon as it has started), then stop it, logging each step.
 */
import { createLogger, type Logger } from '../logging/logger.js';

/** The REST URL to announce and the fields logged with it, for a started worker. */
export interface StartedWorker {
  url: string;
  context: Record<string, unknown>;
}

/** Resolves 0 (the exit code) once the worker `start` returned has been stopped after an interrupt. */
export async function runConnectWorkerUntilInterrupted<W extends { stop(): Promise<void> }>(
  onInterrupt: (handler: () => void) => void,
  start: (logger: Logger) => Promise<W>,
  describe: (worker: W) => StartedWorker,
): Promise<number> {
  let interrupted = false;
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  onInterrupt(() => {
    interrupted = true;
    wake();
  });
  const logger = createLogger({ name: 'connect' });
  const worker = await start(logger);
  const { url, context } = describe(worker);
  logger.info(context, `Kafka Connect started; REST API at ${url}`);
  if (!interrupted) await stopRequested;
  logger.info('Kafka Connect stopping');
  await worker.stop();
  logger.info('Kafka Connect stopped');
  return 0;
}
