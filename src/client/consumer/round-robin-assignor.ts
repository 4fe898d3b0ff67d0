import { addPartition, compareMembers, emptyAssignment } from './partition-assignor.js';
import type { AssignorMember, GroupAssignment, PartitionAssignor } from './partition-assignor.js';

/**
 * The Java client's RoundRobinAssignor (protocol name `roundrobin`): every partition of every
 * subscribed topic (topics by name, partitions in order) goes to the next member in member order,
 * skipping members not subscribed to its topic.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment {
    const assignment = emptyAssignment(members);
    const ordered = [...members].sort(compareMembers);
    if (ordered.length === 0) return assignment;
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionsPerTopic.has(t)).sort();
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic)!;
      for (let p = 0; p < count; p++) {
        for (let tries = 0; tries < ordered.length; tries++) {
          const m = ordered[next % ordered.length]!;
          next++;
          if (m.topics.includes(topic)) {
            addPartition(assignment, m.memberId, topic, p);
            break;
          }
        }
      }
    }
    return assignment;
  },
};
