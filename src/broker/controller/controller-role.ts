/**
 * Every broker of a cluster takes part in the controller election; the one that wins runs a
 * `Controller` for as long as it holds the lease. This ties the two together: elected → a new
 * Controller with the lease starts (reading the whole cluster state); resigned, fenced or session
 * lost → it stops. `close()` (broker shutdown) resigns, so the next broker takes over at once
 * instead of after the session timeout.
 */
import type { Logger } from '../../logging/logger.js';
import { ControllerElection } from '../metadata/zookeeper/controller-election.js';
import type { ControllerView } from '../metadata/zookeeper/controller-election.js';
import type { ZooKeeperClient } from '../metadata/zookeeper/zookeeper-client.js';
import { Controller, NotControllerError } from './controller.js';
import type { ElectionResult, ElectionType, OngoingReassignment, ReassignmentRequest, ReassignmentResult, TopicPartitionRef } from './controller.js';

export interface ControllerRoleOptions {
  zk: ZooKeeperClient;
  nodeId: number;
  /** unclean.leader.election.enable for a topic, from its overrides and the broker's config. */
  uncleanLeaderElection: (topic: string, configs: Record<string, string>) => boolean;
  /** auto.leader.rebalance.enable with its interval and per-broker imbalance percentage; null: off. */
  autoLeaderRebalance: { intervalMs: number; imbalancePercentage: number } | null;
  logger: Logger;
}

export class ControllerRole {
  private readonly election: ControllerElection;
  private controller: Controller | null = null;
  private closed = false;

  constructor(private readonly opts: ControllerRoleOptions) {
    this.election = new ControllerElection(opts.zk, opts.nodeId, {
      onElected: (lease) => {
        if (this.closed) return;
        opts.logger.info({ epoch: lease.epoch }, 'elected controller');
        const controller = new Controller({ zk: opts.zk, lease, uncleanLeaderElection: opts.uncleanLeaderElection, autoLeaderRebalance: opts.autoLeaderRebalance, logger: opts.logger });
        this.controller = controller;
        void controller.start();
      },
      onResigned: () => {
        if (this.controller === null) return;
        opts.logger.info('no longer the controller');
        this.controller.stop();
        this.controller = null;
      },
      onControllerChange: (view: ControllerView) => {
        opts.logger.debug({ controller: view.controllerId, epoch: view.epoch }, 'controller changed');
      },
    });
  }

  /** Runs for election; resolves once this broker has won or knows who did. */
  start(): Promise<void> {
    return this.election.start();
  }

  /** Runs for election again with a new ZooKeeper session (after the old one expired). */
  rejoin(): Promise<void> {
    return this.election.rejoin();
  }

  get isController(): boolean {
    return this.controller?.isActive === true;
  }

  /** The running controller (tests wait on its queue). */
  get activeController(): Controller | null {
    return this.controller;
  }

  /** The controller's id as this broker last saw it (null: none). */
  get controllerId(): number | null {
    return this.election.controller.controllerId;
  }

  /** ControlledShutdown, served by the controller only (else NotControllerError). */
  controlledShutdown(brokerId: number): Promise<TopicPartitionRef[]> {
    return this.require().controlledShutdown(brokerId);
  }

  /** ElectLeaders, served by the controller only (else NotControllerError). */
  electLeaders(type: ElectionType, partitions: TopicPartitionRef[] | null): Promise<Map<string, ElectionResult>> {
    return this.require().electLeaders(type, partitions);
  }

  /** AlterPartitionReassignments, served by the controller only (else NotControllerError). */
  reassignPartitions(requests: readonly ReassignmentRequest[]): Promise<Map<string, ReassignmentResult>> {
    return this.require().reassignPartitions(requests);
  }

  /** ListPartitionReassignments, served by the controller only (else NotControllerError). */
  listReassignments(topics: ReadonlySet<string> | null): Promise<OngoingReassignment[]> {
    return this.require().listReassignments(topics);
  }

  private require(): Controller {
    if (this.controller === null || !this.controller.isActive) throw new NotControllerError(this.controllerId);
    return this.controller;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.controller?.stop();
    try {
      await this.election.resign();
    } catch (err) {
      // The session may already be gone; ZooKeeper then removes /controller itself.
      this.opts.logger.warn({ err }, 'could not resign as controller');
    }
    this.controller = null;
  }
}
