import type { BrokerRegistration } from '../metadata-store.js';
import { encodeBrokerRegistration, PERSISTENT_PATHS, ZNODES } from './kafka-znodes.js';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/** Another live session holds /brokers/ids/<id>: a second broker with the same broker.id. */
export class BrokerIdInUseError extends Error {
  constructor(readonly nodeId: number) {
    super(`broker.id ${nodeId} is already registered in ZooKeeper by another session: is another broker running with broker.id=${nodeId}?`);
    this.name = 'BrokerIdInUseError';
  }
}

export interface RegisterBrokerOptions {
  now?: () => number;
  /**
   * How long to wait for a registration left by this broker's previous session (a restart
   * within the session timeout) to go away. Default 18 s (Kafka's default session timeout).
   */
  staleRegistrationWaitMs?: number;
}

/**
 * Registers the broker as the ephemeral /brokers/ids/<id> (Kafka's version 5 JSON), creating
 * Kafka's persistent paths first. A node already there from this session is fine; one from an
 * older session is waited for (it disappears when that session expires); one that stays means
 * another broker has this id.
 */
export async function registerBroker(zk: ZooKeeperClient, registration: BrokerRegistration, options: RegisterBrokerOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  for (const p of PERSISTENT_PATHS) await zk.ensurePath(p);
  const path = ZNODES.brokerId(registration.nodeId);
  const deadline = now() + (options.staleRegistrationWaitMs ?? 18_000);
  for (;;) {
    try {
      await zk.create(path, encodeBrokerRegistration(registration, now()), 'ephemeral');
      return;
    } catch (err) {
      if (!(err instanceof ZooKeeperError && err.code === 'NODE_EXISTS')) throw err;
    }
    let gone!: () => void;
    const deleted = new Promise<void>((resolve) => (gone = resolve));
    const existing = await zk.getData(path, (e) => {
      if (e.type === 'deleted') gone();
    });
    if (existing === null) continue;
    if (existing.ephemeralOwner === zk.sessionId) return;
    const left = deadline - now();
    if (left <= 0) throw new BrokerIdInUseError(registration.nodeId);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([deleted, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }
}

/** The registered brokers' ids, sorted; `watch` fires once when the set changes. */
export async function registeredBrokerIds(zk: ZooKeeperClient, watch?: () => void): Promise<number[]> {
  const children = await zk.getChildren(ZNODES.brokerIds, watch);
  return (children ?? []).filter((c) => /^\d+$/.test(c)).map(Number).sort((a, b) => a - b);
}
