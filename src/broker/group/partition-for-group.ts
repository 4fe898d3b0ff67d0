/**
 * Java's String.hashCode: 31·h + c over the UTF-16 code units, with 32-bit overflow. JavaScript
 * strings are UTF-16 too, so charCodeAt gives exactly Java's chars.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The __consumer_offsets partition of a group: Kafka's `Utils.abs(groupId.hashCode) % n`, where
 * Utils.abs maps Integer.MIN_VALUE to 0 (it is not `& 0x7fffffff`: -1 gives 1, not 2^31 - 1).
 */
export function partitionForGroup(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % numPartitions;
}
