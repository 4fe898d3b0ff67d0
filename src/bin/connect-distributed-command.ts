/**
 * connect-distributed (Kafka's ConnectDistributed): runs one worker of a Kafka Connect cluster.
 * It lives in bin/ (like connect-standalone-command.ts) because cli/ may not import connect/.
 *
 *   connect-distributed config/connect-distributed.properties
 *
 * Workers started with the same `group.id` share their connectors and tasks; connectors are
 * created and managed through the REST API of any of them (`listeners`, default http://:8083).
 * Runs until Ctrl-C / SIGTERM: then its tasks stop (offsets flushed), it leaves the group and
 * exits 0. Bad properties: exit 1 with a message naming the file and the key.
 */
import { startDistributed } from '../connect/runtime/distributed.js';
import { taskThreadsFromEnvironment } from '../connect/runtime/worker-setup.js';
import { defineCliTool, UsageError } from '../cli/tool-runner.js';
import { runConnectWorkerUntilInterrupted } from './connect-worker-lifetime.js';

const USAGE = `Runs a Kafka Connect worker in distributed mode: workers with the same group.id form one Connect cluster
and share its connectors and tasks; configs, offsets and statuses live in Kafka topics.
Usage: connect-distributed [--verbose] worker.properties
  worker.properties                the worker configuration: bootstrap.servers, group.id, key.converter,
                                   value.converter, config.storage.topic, offset.storage.topic,
                                   status.storage.topic (and their .replication.factor / .partitions),
                                   offset.flush.interval.ms, listeners (the REST API, default http://:8083;
                                   rest.advertised.host.name, rest.advertised.port), plugin.path,
                                   session.timeout.ms, heartbeat.interval.ms, rebalance.timeout.ms,
                                   scheduled.rebalance.max.delay.ms, connect.protocol
Connectors are created through the REST API (POST /connectors). Stops on Ctrl-C or SIGTERM, flushing offsets first.`;

export const connectDistributed = defineCliTool({
  name: 'connect-distributed',
  usage: USAGE,
  options: {},
  allowPositionals: true,
  async run(_values, { positionals, onInterrupt }) {
    const [workerFile, ...extra] = positionals;
    if (workerFile === undefined || extra.length > 0) throw new UsageError('Usage: connect-distributed worker.properties');
    return runConnectWorkerUntilInterrupted(onInterrupt, (logger) => startDistributed(workerFile, logger, { taskThreads: taskThreadsFromEnvironment() }), (distributed) => ({
      url: distributed.url,
      context: { url: distributed.url, workerId: distributed.herder.workerId },
    }));
  },
});
