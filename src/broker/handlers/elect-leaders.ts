import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ElectLeadersResponseReplicaElectionResult } from '../../protocol/generated/elect-leaders.js';
import { NotControllerError } from '../controller/controller.js';
import type { ElectionResult, ElectionType, TopicPartitionRef } from '../controller/controller.js';
import { defineHandler } from './api-handler.js';

const PREFERRED = 0;
const UNCLEAN = 1;

/**
 * ElectLeaders (kafka-leader-election, AdminClient.electLeaders): a preferred (type 0) or unclean
 * (type 1) leader election for the given partitions, or all of them when the list is null. The
 * controller runs it; another broker answers NOT_CONTROLLER. A broker without ZooKeeper is its own
 * controller with one replica per partition, so every election there is ELECTION_NOT_NEEDED.
 */
export const electLeadersHandler = defineHandler({
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const type = ctx.apiVersion >= 1 ? (request.electionType ?? PREFERRED) : PREFERRED;
    const top = (errorCode: number): { throttleTimeMs: number; errorCode: number; replicaElectionResults: [] } => ({ throttleTimeMs: 0, errorCode, replicaElectionResults: [] });
    if (type !== PREFERRED && type !== UNCLEAN) return top(ErrorCode.INVALID_REQUEST);
    const electionType: ElectionType = type === PREFERRED ? 'preferred' : 'unclean';
    const requested: TopicPartitionRef[] | null = request.topicPartitions === null ? null : request.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const { metadata } = ctx.services;
    const role = ctx.services.controller();
    let results: Map<string, ElectionResult>;
    if (role === null) {
      results = new Map();
      const refs = requested ?? metadata.topics().flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
      for (const r of refs) {
        const exists = metadata.topic(r.topic)?.partitions[r.partition] !== undefined;
        results.set(`${r.topic}-${r.partition}`, exists ? { error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for topic partition ${r.topic}-${r.partition}` } : { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The partition ${r.topic}-${r.partition} does not exist.` });
      }
    } else {
      try {
        results = await role.electLeaders(electionType, requested);
      } catch (err) {
        if (err instanceof NotControllerError) return top(ErrorCode.NOT_CONTROLLER);
        throw err;
      }
    }
    const byTopic = new Map<string, ElectLeadersResponseReplicaElectionResult>();
    const order = requested ?? [...results.keys()].map((k) => {
      const dash = k.lastIndexOf('-');
      return { topic: k.slice(0, dash), partition: Number(k.slice(dash + 1)) };
    });
    for (const { topic, partition } of order) {
      const r = results.get(`${topic}-${partition}`);
      if (r === undefined) continue;
      let entry = byTopic.get(topic);
      if (entry === undefined) {
        entry = { topic, partitionResult: [] };
        byTopic.set(topic, entry);
      }
      entry.partitionResult.push({ partitionId: partition, errorCode: r.error === null ? ErrorCode.NONE : ErrorCode[r.error], errorMessage: r.error === null ? null : r.message });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [...byTopic.values()] };
  },
});
