/**
 * connect-standalone (Kafka's ConnectStandalone): runs a Kafka Connect worker in standalone mode.
 * It lives in bin/ (like kafka-server-start-command.ts) because cli/ may not import connect/.
 *
 *   connect-standalone config/connect-standalone.properties config/connect-file-source.properties config/connect-file-sink.properties
 *
 * Serves Kafka Connect's REST API on `listeners` (default http://:8083), so connectors can also be
 * created, inspected and managed over HTTP. Runs until Ctrl-C / SIGTERM: then the REST server
 * closes, tasks stop, offsets are committed and it exits 0. Bad properties: exit 1 with a message
 * naming the file and the key. See src/connect/README.md.
 */
import { startStandalone } from '../connect/runtime/standalone.js';
import { taskThreadsFromEnvironment } from '../connect/runtime/worker-setup.js';
import { defineCliTool, UsageError } from '../cli/tool-runner.js';
import { runConnectWorkerUntilInterrupted } from './connect-worker-lifetime.js';

const USAGE = `Runs a Kafka Connect worker in standalone mode: the connectors of the given connector properties files
(and any created through the REST API), source offsets in offset.storage.file.filename.
Usage: connect-standalone [--verbose] worker.properties [connector1.properties connector2.properties ...]
  worker.properties                the worker configuration: bootstrap.servers, key.converter, value.converter,
                                   offset.storage.file.filename, offset.flush.interval.ms;
                                   listeners (the REST API, default http://:8083; rest.advertised.host.name,
                                   rest.advertised.port), plugin.path (directories of plugin packages: npm
                                   packages or .js/.mjs files providing connectors, converters,
                                   transformations, predicates), topic.creation.enable (default true)
  connector.properties             one connector each: name, connector.class, tasks.max and the connector's own
                                   settings (FileStreamSource: file, topic, batch.size; FileStreamSink: file,
                                   topics or topics.regex)
Stops on Ctrl-C or SIGTERM, committing offsets first.`;

export const connectStandalone = defineCliTool({
  name: 'connect-standalone',
  usage: USAGE,
  options: {},
  allowPositionals: true,
  async run(_values, { positionals, onInterrupt }) {
    const [workerFile, ...connectorFiles] = positionals;
    if (workerFile === undefined) throw new UsageError('Usage: connect-standalone worker.properties [connector1.properties connector2.properties ...]');
    return runConnectWorkerUntilInterrupted(onInterrupt, (logger) => startStandalone(workerFile, connectorFiles, logger, { taskThreads: taskThreadsFromEnvironment() }), (standalone) => ({
      url: standalone.rest.url,
      context: { url: standalone.rest.url },
    }));
  },
});
