/**
 * Producer ids in cluster mode: every broker takes blocks of ids from /latest_producer_id_block
 * (ZooKeeper-mode Kafka's znode and JSON: {"version":1,"broker":<id>,"block_start":"<first>",
 * "block_end":"<last>"}), with a version-checked update so two brokers never get the same block.
 */
import { Buffer } from 'node:buffer';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

export const PRODUCER_ID_BLOCK_PATH = '/latest_producer_id_block';

export interface ProducerIdBlock {
  brokerId: number;
  /** First id of the block. */
  start: bigint;
  /** Last id of the block (inclusive). */
  end: bigint;
}

export function encodeProducerIdBlock(b: ProducerIdBlock): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, broker: b.brokerId, block_start: b.start.toString(), block_end: b.end.toString() }));
}

export function decodeProducerIdBlock(data: Buffer): ProducerIdBlock | null {
  try {
    const v = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    if (typeof v.block_start !== 'string' || typeof v.block_end !== 'string' || !/^\d+$/.test(v.block_start) || !/^\d+$/.test(v.block_end)) return null;
    return { brokerId: Number.isInteger(v.broker) ? (v.broker as number) : -1, start: BigInt(v.block_start), end: BigInt(v.block_end) };
  } catch {
    return null;
  }
}

/** Claims the next `size` producer ids for `brokerId`; retries when another broker claimed a block in between. */
export async function claimProducerIdBlock(zk: ZooKeeperClient, brokerId: number, size: number): Promise<ProducerIdBlock> {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`block size must be a positive integer, got ${size}`);
  for (;;) {
    const current = await zk.getData(PRODUCER_ID_BLOCK_PATH);
    let start = 0n;
    if (current !== null && current.data.length > 0) {
      const last = decodeProducerIdBlock(current.data);
      if (last === null) throw new Error(`${PRODUCER_ID_BLOCK_PATH} does not hold a producer id block: ${current.data.toString('utf8').slice(0, 200)}`);
      start = last.end + 1n;
    }
    const block: ProducerIdBlock = { brokerId, start, end: start + BigInt(size) - 1n };
    if (block.end > 0x7fffffffffffffffn) throw new Error('producer ids exhausted');
    try {
      if (current === null) await zk.create(PRODUCER_ID_BLOCK_PATH, encodeProducerIdBlock(block));
      else await zk.setData(PRODUCER_ID_BLOCK_PATH, encodeProducerIdBlock(block), current.version);
      return block;
    } catch (err) {
      // Another broker got there first (a newer version, or it created the node): read again.
      if (err instanceof ZooKeeperError && (err.code === 'BAD_VERSION' || err.code === 'NODE_EXISTS')) continue;
      throw err;
    }
  }
}
