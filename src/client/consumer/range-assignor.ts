import { addPartition, compareMembers, emptyAssignment } from './partition-assignor.js';
import type { AssignorMember, GroupAssignment, PartitionAssignor } from './partition-assignor.js';

/**
 * The Java client's RangeAssignor (protocol name `range`), without rack awareness: per topic, the
 * subscribed members in member order each get a contiguous range; the first
 * `partitions % members` get one extra.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment {
    const assignment = emptyAssignment(members);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const consumers = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      const per = Math.floor(count / consumers.length);
      const extra = count % consumers.length;
      consumers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) addPartition(assignment, m.memberId, topic, p);
      });
    }
    return assignment;
  },
};
