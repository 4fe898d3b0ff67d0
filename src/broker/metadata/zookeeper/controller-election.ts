import { decodeController, decodeControllerEpoch, encodeController, encodeControllerEpoch, ZNODES } from './kafka-znodes.js';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/** What this broker knows about the controller. */
export interface ControllerView {
  /** The controller's broker id, or null while there is none. */
  controllerId: number | null;
  /** The controller epoch this broker last saw win (0 before any election). */
  epoch: number;
}

/** The epoch and the zkVersion of /controller_epoch that a won election holds: every controller write checks the version. */
export interface ControllerLease {
  epoch: number;
  epochZkVersion: number;
}

export interface ControllerElectionHandlers {
  /** This broker became the controller. Its writes must be fenced by `lease.epochZkVersion`. */
  onElected?(lease: ControllerLease): void;
  /** This broker stopped being the controller (its /controller node went away or its session expired). */
  onResigned?(): void;
  /** The controller changed (another broker, or none). */
  onControllerChange?(view: ControllerView): void;
}

/**
 * Controller election as in ZooKeeper-mode Kafka: the controller is whoever creates the ephemeral
 * /controller node, in the same multi-op as the increment of /controller_epoch (checked against
 * the epoch's zkVersion, so two brokers cannot both win one epoch). Every broker watches
 * /controller and runs for election when it disappears (the controller's session ended or it
 * resigned). A won election yields the epoch's zkVersion: controller writes put a `check` of it
 * in their multi, so a controller that lost its place (a stale epoch) has its writes refused by
 * ZooKeeper itself.
 *
 * Watch callbacks and elections are serialised: at most one election runs at a time.
 */
export class ControllerElection {
  private lease: ControllerLease | null = null;
  private view: ControllerView = { controllerId: null, epoch: 0 };
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly brokerId: number,
    private readonly handlers: ControllerElectionHandlers = {},
    private readonly now: () => number = Date.now,
  ) {
    zk.onSessionExpired(() => this.loseLease());
  }

  get isController(): boolean {
    return this.lease !== null;
  }

  /** The lease while this broker is the controller. */
  get currentLease(): ControllerLease | null {
    return this.lease;
  }

  get controller(): ControllerView {
    return { ...this.view };
  }

  /** Runs for election (or learns who won) and keeps watching /controller. */
  start(): Promise<void> {
    return this.schedule();
  }

  /**
   * Takes part again after a new session replaced an expired one: work queued on the old session
   * may never complete, so the new election does not wait behind it.
   */
  rejoin(): Promise<void> {
    this.running = Promise.resolve();
    return this.schedule();
  }

  /** Gives up the controllership (controlled shutdown) and stops taking part. */
  async resign(): Promise<void> {
    this.stopped = true;
    await this.running;
    if (this.lease === null) return;
    try {
      const current = await this.zk.getData(ZNODES.controller);
      if (current !== null && decodeController(current.data) === this.brokerId) await this.zk.delete(ZNODES.controller, current.version);
    } finally {
      this.loseLease();
    }
  }

  private schedule(): Promise<void> {
    this.running = this.running.then(() => this.elect()).catch(() => {
      // Election errors (connection loss) are retried when ZooKeeper tells us something changed;
      // a session expiry is handled by loseLease and the owner's reconnect.
    });
    return this.running;
  }

  private readonly onControllerNode = (): void => {
    if (!this.stopped && !this.zk.isExpired) void this.schedule();
  };

  private async elect(): Promise<void> {
    for (let attempt = 0; !this.stopped && !this.zk.isExpired; attempt++) {
      const current = await this.zk.getData(ZNODES.controller, this.onControllerNode);
      if (current !== null) {
        const id = decodeController(current.data);
        if (id !== this.brokerId && this.lease !== null) this.loseLease();
        this.setView(id, await this.readEpoch());
        return;
      }
      if (this.lease !== null) this.loseLease();
      const epoch = await this.readOrCreateEpoch();
      try {
        await this.zk.multi([
          { op: 'create', path: ZNODES.controller, data: encodeController(this.brokerId, this.now()), mode: 'ephemeral' },
          { op: 'setData', path: ZNODES.controllerEpoch, data: encodeControllerEpoch(epoch.epoch + 1), version: epoch.zkVersion },
        ]);
      } catch (err) {
        // Someone else won this round (NODE_EXISTS) or moved the epoch (BAD_VERSION): look again.
        if (err instanceof ZooKeeperError && (err.code === 'NODE_EXISTS' || err.code === 'BAD_VERSION')) continue;
        throw err;
      }
      this.lease = { epoch: epoch.epoch + 1, epochZkVersion: epoch.zkVersion + 1 };
      this.setView(this.brokerId, this.lease.epoch);
      // Watch our own node too: if it is deleted (by an operator, as Kafka allows), run again.
      await this.zk.exists(ZNODES.controller, this.onControllerNode);
      this.handlers.onElected?.({ ...this.lease });
      return;
    }
  }

  private async readEpoch(): Promise<number> {
    const e = await this.zk.getData(ZNODES.controllerEpoch);
    return e === null ? 0 : (decodeControllerEpoch(e.data) ?? 0);
  }

  private async readOrCreateEpoch(): Promise<{ epoch: number; zkVersion: number }> {
    for (;;) {
      const e = await this.zk.getData(ZNODES.controllerEpoch);
      if (e !== null) {
        const epoch = decodeControllerEpoch(e.data);
        if (epoch === null) throw new Error(`${ZNODES.controllerEpoch} holds ${JSON.stringify(e.data.toString('utf8').slice(0, 50))}, not an epoch`);
        return { epoch, zkVersion: e.version };
      }
      try {
        await this.zk.create(ZNODES.controllerEpoch, encodeControllerEpoch(0));
      } catch (err) {
        if (!(err instanceof ZooKeeperError && err.code === 'NODE_EXISTS')) throw err;
      }
    }
  }

  private setView(controllerId: number | null, epoch: number): void {
    if (this.view.controllerId === controllerId && this.view.epoch === epoch) return;
    this.view = { controllerId, epoch };
    this.handlers.onControllerChange?.({ ...this.view });
  }

  private loseLease(): void {
    if (this.lease === null) return;
    this.lease = null;
    this.handlers.onResigned?.();
  }
}
