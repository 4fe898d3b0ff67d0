/**
 * The codecs of the APIs the client sends, and only those. The generated API table
 * (protocol/generated/api-definitions.ts) imports no codec module; the broker loads all of them
 * (api-table.ts), the client these 26. Loading all ~90 would cost a client process ~1.5 MB of heap
 * that stays live (the modules' source and functions), and that size matters more than it seems:
 * V8's young generation grows with what survives while a process starts, and a small old
 * generation beside a large young one gets full collections back to back under a high allocation
 * rate (see bench/README.md, "The consumer's heap and V8's full collections").
 *
 * A test (test/client/connection/client-codecs.test.ts) checks that every `ApiKey.<Name>` the client's
 * sources name is provided here.
 */
import { ApiKey, provideCodecModule } from '../../protocol/generated/api-definitions.js';
import * as alterConfigs from '../../protocol/generated/alter-configs.js';
import * as alterPartitionReassignments from '../../protocol/generated/alter-partition-reassignments.js';
import * as apiVersions from '../../protocol/generated/api-versions.js';
import * as createPartitions from '../../protocol/generated/create-partitions.js';
import * as createTopics from '../../protocol/generated/create-topics.js';
import * as deleteGroups from '../../protocol/generated/delete-groups.js';
import * as deleteRecords from '../../protocol/generated/delete-records.js';
import * as deleteTopics from '../../protocol/generated/delete-topics.js';
import * as describeConfigs from '../../protocol/generated/describe-configs.js';
import * as describeGroups from '../../protocol/generated/describe-groups.js';
import * as fetch from '../../protocol/generated/fetch.js';
import * as findCoordinator from '../../protocol/generated/find-coordinator.js';
import * as heartbeat from '../../protocol/generated/heartbeat.js';
import * as incrementalAlterConfigs from '../../protocol/generated/incremental-alter-configs.js';
import * as initProducerId from '../../protocol/generated/init-producer-id.js';
import * as joinGroup from '../../protocol/generated/join-group.js';
import * as leaveGroup from '../../protocol/generated/leave-group.js';
import * as listGroups from '../../protocol/generated/list-groups.js';
import * as listOffsets from '../../protocol/generated/list-offsets.js';
import * as listPartitionReassignments from '../../protocol/generated/list-partition-reassignments.js';
import * as metadata from '../../protocol/generated/metadata.js';
import * as offsetCommit from '../../protocol/generated/offset-commit.js';
import * as offsetDelete from '../../protocol/generated/offset-delete.js';
import * as offsetFetch from '../../protocol/generated/offset-fetch.js';
import * as produce from '../../protocol/generated/produce.js';
import * as syncGroup from '../../protocol/generated/sync-group.js';

/**
 * The APIs the client sends, each with a function that returns its module (in the server bundle a
 * module runs on first use: a broker process that uses the client does not run all 26 at once).
 */
export const CLIENT_CODEC_MODULES: readonly (readonly [apiKey: number, module: () => object])[] = [
  [ApiKey.AlterConfigs, () => alterConfigs],
  [ApiKey.AlterPartitionReassignments, () => alterPartitionReassignments],
  [ApiKey.ApiVersions, () => apiVersions],
  [ApiKey.CreatePartitions, () => createPartitions],
  [ApiKey.CreateTopics, () => createTopics],
  [ApiKey.DeleteGroups, () => deleteGroups],
  [ApiKey.DeleteRecords, () => deleteRecords],
  [ApiKey.DeleteTopics, () => deleteTopics],
  [ApiKey.DescribeConfigs, () => describeConfigs],
  [ApiKey.DescribeGroups, () => describeGroups],
  [ApiKey.Fetch, () => fetch],
  [ApiKey.FindCoordinator, () => findCoordinator],
  [ApiKey.Heartbeat, () => heartbeat],
  [ApiKey.IncrementalAlterConfigs, () => incrementalAlterConfigs],
  [ApiKey.InitProducerId, () => initProducerId],
  [ApiKey.JoinGroup, () => joinGroup],
  [ApiKey.LeaveGroup, () => leaveGroup],
  [ApiKey.ListGroups, () => listGroups],
  [ApiKey.ListOffsets, () => listOffsets],
  [ApiKey.ListPartitionReassignments, () => listPartitionReassignments],
  [ApiKey.Metadata, () => metadata],
  [ApiKey.OffsetCommit, () => offsetCommit],
  [ApiKey.OffsetDelete, () => offsetDelete],
  [ApiKey.OffsetFetch, () => offsetFetch],
  [ApiKey.Produce, () => produce],
  [ApiKey.SyncGroup, () => syncGroup],
];

let provided = false;

/** Provides the client's codecs to the API table (idempotent; BrokerConnection calls it). */
export function provideClientCodecs(): void {
  if (provided) return;
  provided = true;
  for (const [apiKey, module] of CLIENT_CODEC_MODULES) provideCodecModule(apiKey, module);
}
