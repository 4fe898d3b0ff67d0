/**
 * A Connect worker's group membership in its own process, for the test of a worker that dies
 * without leaving (SIGKILL): joins with the given settings and prints each assignment it runs as
 * a JSON line on stdout.
 *
 * Arguments: bootstrap groupId workerUrl protocol sessionTimeoutMs connectorsJson
 */
import { Kafka } from '../../../../src/client/kafka.js';
import { WorkerGroupMember } from '../../../../src/connect/runtime/distributed/worker-group-member.js';
import type { ConnectProtocolCompatibility } from '../../../../src/connect/runtime/distributed/connect-protocol.js';

const [bootstrap, groupId, workerUrl, protocol, sessionTimeoutMs, connectorsJson] = process.argv.slice(2) as [string, string, string, string, string, string];
const connectors = new Map(Object.entries(JSON.parse(connectorsJson) as Record<string, number>));
const running = { connectors: [] as string[], tasks: [] as string[] };
const print = (): void => void process.stdout.write(`${JSON.stringify({ memberId: member.memberId, ...running })}\n`);

const member = new WorkerGroupMember({
  kafka: new Kafka({ clientId: workerUrl, brokers: [bootstrap] }),
  groupId,
  workerUrl,
  configOffset: () => 1n,
  configSnapshot: () => ({ connectors }),
  protocols: protocol as ConnectProtocolCompatibility,
  sessionTimeoutMs: Number(sessionTimeoutMs),
  heartbeatIntervalMs: Math.max(50, Math.floor(Number(sessionTimeoutMs) / 5)),
  rebalanceTimeoutMs: 5000,
  scheduledRebalanceMaxDelayMs: 0,
  onAssigned: (assignment) => {
    running.connectors = [...assignment.connectors];
    running.tasks = assignment.tasks.map((t) => `${t.connector}-${t.task}`);
    print();
  },
  onRevoked: (revoked) => {
    const tasks = new Set(revoked.tasks.map((t) => `${t.connector}-${t.task}`));
    running.connectors = running.connectors.filter((c) => !revoked.connectors.includes(c));
    running.tasks = running.tasks.filter((t) => !tasks.has(t));
  },
  onFatalError: (error) => {
    process.stderr.write(`fatal: ${error.message}\n`);
    process.exit(2);
  },
});

await member.start();
