import { ApiKey } from '../../protocol/generated/api-table.js';
import type { CreatePartitionsRequestCreatePartitionsTopic, CreatePartitionsResponseCreatePartitionsTopicResult } from '../../protocol/generated/create-partitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';

type ErrorName = keyof typeof ErrorCode;

function result(name: string, error: ErrorName, message: string | null = null): CreatePartitionsResponseCreatePartitionsTopicResult {
  return { name, errorCode: ErrorCode[error], errorMessage: message };
}

async function createFor(t: CreatePartitionsRequestCreatePartitionsTopic, validateOnly: boolean, ctx: RequestContext): Promise<CreatePartitionsResponseCreatePartitionsTopicResult> {
  const { metadata } = ctx.services;
  const topic = metadata.topic(t.name);
  if (topic === undefined) return result(t.name, 'UNKNOWN_TOPIC_OR_PARTITION', `The topic '${t.name}' does not exist.`);
  const current = topic.partitions.length;
  if (t.count < current) return result(t.name, 'INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.`);
  if (t.count === current) return result(t.name, 'INVALID_PARTITIONS', `Topic already has ${current} partitions.`);
  let assignments: number[][] | undefined;
  if (t.assignments !== null) {
    assignments = t.assignments.map((a) => a.brokerIds);
    const known = new Set(metadata.brokers().map((b) => b.nodeId));
    const unknown = [...new Set(assignments.flat())].filter((id) => !known.has(id));
    if (unknown.length > 0) return result(t.name, 'INVALID_REPLICA_ASSIGNMENT', `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
  }
  const r = await metadata.createPartitions(t.name, t.count, assignments, { validateOnly });
  if (!r.ok) return result(t.name, r.error, r.message);
  if (!validateOnly) ctx.logger.info({ topic: t.name, from: current, to: t.count }, 'created partitions on request');
  return result(t.name, 'NONE');
}

/**
 * CreatePartitions: raises topics' partition counts, with explicit assignments for the new
 * partitions or placed by the broker; validate_only checks without creating. Fewer or equally
 * many partitions than the topic has is INVALID_PARTITIONS.
 */
export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: CreatePartitionsResponseCreatePartitionsTopicResult[] = [];
    const reported = new Set<string>();
    for (const t of request.topics) {
      if (counts.get(t.name)! === 1) {
        results.push(await createFor(t, request.validateOnly, ctx));
      } else if (!reported.has(t.name)) {
        // Kafka answers once per topic name.
        reported.add(t.name);
        results.push(result(t.name, 'INVALID_REQUEST', 'Duplicate topic in request.'));
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
