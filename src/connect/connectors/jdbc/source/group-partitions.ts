/**
 * Kafka's ConnectorUtils.groupPartitions: splits `elements` into `numGroups` contiguous groups
 * as even as possible, the first groups taking one more element when it does not divide.
 */
export function groupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  if (!Number.isInteger(numGroups) || numGroups <= 0) throw new RangeError('Number of groups must be positive.');
  const result: T[][] = [];
  const perGroup = Math.floor(elements.length / numGroups);
  const leftover = elements.length - numGroups * perGroup;
  let assigned = 0;
  for (let group = 0; group < numGroups; group++) {
    const size = group < leftover ? perGroup + 1 : perGroup;
    result.push(elements.slice(assigned, assigned + size));
    assigned += size;
  }
  return result;
}
