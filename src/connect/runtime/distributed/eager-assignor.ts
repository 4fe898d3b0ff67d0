/**
 * Kafka Connect's EagerAssignor (protocol `default`): an unweighted round-robin of every
 * connector, then every task, over the members sorted by member id. Each rebalance starts from
 * nothing (members gave up all their work before joining).
 */
import { AssignmentError, CONNECT_PROTOCOL_V0 } from './connect-protocol.js';
import type { ConnectAssignment, ConnectorTaskId } from './connect-protocol.js';
import { compareStrings, leaderConfig, tasksOf } from './connect-assignor.js';
import type { AssignorInput, ConnectAssignor } from './connect-assignor.js';

/**
 * As Kafka: the assignment is computed at the highest config offset any member reported. A leader
 * behind it (even after a fresh snapshot) gives every member an empty CONFIG_MISMATCH assignment
 * carrying that offset, so that everyone reads the config topic to it and joins again. Connectors
 * are dealt out first (sorted by name) and the tasks continue the same circular walk over the
 * members (sorted by id), tasks sorted by connector then number — connectors are light, so a
 * cluster of 1-task connectors does not end up with connectors on some workers and tasks on others.
 */
export class EagerAssignor implements ConnectAssignor {
  performAssignment(input: AssignorInput): Map<string, ConnectAssignment> {
    const leader = input.members.find((m) => m.memberId === input.leaderId);
    if (leader === undefined) throw new Error(`the leader ${input.leaderId} is not among the members`);
    const leaderUrl = leader.state.url;
    const config = leaderConfig(input);
    const memberIds = input.members.map((m) => m.memberId).sort(compareStrings);
    const connectorsOf = new Map<string, string[]>(memberIds.map((id) => [id, []]));
    const tasksOfMember = new Map<string, ConnectorTaskId[]>(memberIds.map((id) => [id, []]));
    let error: number = AssignmentError.NONE;
    let offset: bigint;
    if (config.snapshot === null) {
      error = AssignmentError.CONFIG_MISMATCH;
      offset = config.maxOffset;
    } else {
      offset = config.offset;
      const connectors = [...config.snapshot.connectors.keys()].sort(compareStrings);
      let next = 0;
      const nextMember = (): string => memberIds[next++ % memberIds.length]!;
      for (const connector of connectors) connectorsOf.get(nextMember())!.push(connector);
      for (const connector of connectors) {
        for (const task of tasksOf(config.snapshot, connector)) tasksOfMember.get(nextMember())!.push(task);
      }
    }
    const out = new Map<string, ConnectAssignment>();
    for (const id of memberIds) {
      out.set(id, {
        version: CONNECT_PROTOCOL_V0,
        error,
        leader: input.leaderId,
        leaderUrl,
        configOffset: offset,
        connectors: connectorsOf.get(id)!,
        tasks: tasksOfMember.get(id)!,
        revokedConnectors: [],
        revokedTasks: [],
        delay: 0,
      });
    }
    return out;
  }
}
