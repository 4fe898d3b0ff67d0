/**
 * kafka-delete-records (Kafka's DeleteRecordsCommand): deletes the records of partitions below
 * given offsets (moving their low watermark), from a JSON file, against any Kafka-compatible
 * cluster through Samsa's client.
 *
 *   kafka-delete-records --bootstrap-server localhost:9092 --offset-json-file delete.json
 *   delete.json: {"partitions":[{"topic":"orders","partition":0,"offset":10}],"version":1}   (offset -1: the high watermark)
 */
import { readFileSync } from 'node:fs';
import type { Admin } from '../client/admin/admin.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, UsageError } from './tool-runner.js';

const USAGE = `Delete the records of partitions below the given offsets.
Usage: kafka-delete-records --bootstrap-server <host:port> --offset-json-file <file>
  --bootstrap-server <String>      REQUIRED: the server to connect to
  --offset-json-file <String>      REQUIRED: the partitions and offsets, e.g.
                                   {"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}
                                   (offset -1: everything up to the high watermark)
  --command-config <String>        client properties file`;

export interface RecordsToDelete {
  topic: string;
  partition: number;
  offset: number;
}

/** The offset JSON file's partitions, checked as Kafka's DeleteRecordsCommand does (version 1, no duplicates). */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the offset JSON file is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError('the offset JSON file must hold an object: {"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}');
  const { version = 1, partitions } = json as { version?: unknown; partitions?: unknown };
  if (version !== 1) throw new UsageError(`Not supported version field value ${JSON.stringify(version)}`);
  if (!Array.isArray(partitions)) throw new UsageError('the offset JSON file has no "partitions" list');
  const out: RecordsToDelete[] = partitions.map((p: unknown, i) => {
    const { topic, partition, offset } = (typeof p === 'object' && p !== null ? p : {}) as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (typeof topic !== 'string' || topic === '' || !Number.isSafeInteger(partition) || (partition as number) < 0 || !Number.isSafeInteger(offset) || (offset as number) < -1) {
      throw new UsageError(`partitions[${i}] must be {"topic": <name>, "partition": <id>, "offset": <offset or -1>}, got ${JSON.stringify(p)}`);
    }
    return { topic, partition: partition as number, offset: offset as number };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const p of out) {
    const key = `${p.topic}-${p.partition}`;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) throw new UsageError(`Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`);
  return out;
}

/** One partition's outcome: its new low watermark or the error. */
async function deleteOne(admin: Admin, p: RecordsToDelete): Promise<string> {
  try {
    await admin.deleteTopicRecords({ topic: p.topic, partitions: [{ partition: p.partition, offset: String(p.offset) }] });
    const low = (await admin.fetchTopicOffsets(p.topic)).find((o) => o.partition === p.partition)?.low;
    return `partition: ${p.topic}-${p.partition}\tlow_watermark: ${low ?? 'unknown'}`;
  } catch (e) {
    return `partition: ${p.topic}-${p.partition}\terror: ${(e as Error).message}`;
  }
}

export const kafkaDeleteRecords = defineCliTool({
  name: 'kafka-delete-records',
  usage: USAGE,
  options: {
    'bootstrap-server': { type: 'string' },
    'offset-json-file': { type: 'string' },
    'command-config': { type: 'string' },
  },
  async run(values, { out }) {
    const brokers = bootstrapServers(values);
    const file = values['offset-json-file'];
    if (file === undefined) throw new UsageError('Missing required argument "[offset-json-file]"');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --offset-json-file ${file}: ${(err as Error).message}`);
    }
    const partitions = parseOffsetJson(text);
    const admin = kafkaFromProperties(brokers, readPropertiesFile(values['command-config'], '--command-config'), 'kafka-delete-records').admin();
    await connectWithin(admin, brokers);
    try {
      out('Executing records delete operation');
      // One request per partition, so each partition reports its own outcome (as Kafka's per-partition futures).
      // Partitions the cluster does not have fail at once (the client would retry them as metadata not yet caught up).
      const known = new Set(await admin.listTopics());
      const { topics } = await admin.fetchTopicMetadata({ topics: [...new Set(partitions.map((p) => p.topic))].filter((t) => known.has(t)) });
      const exists = new Set(topics.flatMap((t) => t.partitions.map((p) => `${t.name}\0${p.partitionId}`)));
      const lines = await Promise.all(
        partitions.map((p) => (exists.has(`${p.topic}\0${p.partition}`) ? deleteOne(admin, p) : Promise.resolve(`partition: ${p.topic}-${p.partition}\terror: UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.`))),
      );
      out('Records delete operation completed:');
      for (const line of lines) out(line);
      // Kafka's command exits 0 even when partitions failed; a failure here exits 1 so that scripts notice.
      return lines.some((l) => l.includes('\terror: ')) ? 1 : 0;
    } finally {
      await admin.disconnect();
    }
  },
});
