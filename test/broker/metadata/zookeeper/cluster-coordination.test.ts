import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrokerIdInUseError, registerBroker, registeredBrokerIds } from '../../../../src/broker/metadata/zookeeper/broker-registration.js';
import { getOrCreateClusterId } from '../../../../src/broker/metadata/zookeeper/cluster-id.js';
import { ControllerElection } from '../../../../src/broker/metadata/zookeeper/controller-election.js';
import type { ControllerLease } from '../../../../src/broker/metadata/zookeeper/controller-election.js';
import { decodeBrokerRegistration, encodeBrokerRegistration } from '../../../../src/broker/metadata/zookeeper/kafka-znodes.js';
import { ZooKeeperClient, ZooKeeperError } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { pollUntil } from '../../../../src/testkit/poll-until.js';
import { ZooKeeperCluster } from '../../../../src/testkit/zookeeper-server.js';
import type { BrokerRegistration } from '../../../../src/broker/metadata/metadata-store.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

function registration(nodeId: number, rack: string | null = null): BrokerRegistration {
  return {
    nodeId,
    rack,
    endpoints: [
      { listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 9092 + nodeId, securityProtocol: 'PLAINTEXT' },
      { listenerName: 'INTERNAL', host: '::1', port: 19092 + nodeId, securityProtocol: 'PLAINTEXT' },
    ],
  };
}


it('broker registrations use Kafka version 5 JSON and decode back', () => {
  const r = registration(3, 'rack-a');
  const json = JSON.parse(encodeBrokerRegistration(r, 1_700_000_000_000).toString()) as Record<string, unknown>;
  assert.equal(json.version, 5);
  assert.deepEqual(json.endpoints, ['PLAINTEXT://127.0.0.1:9095', 'INTERNAL://[::1]:19095']);
  assert.deepEqual(json.listener_security_protocol_map, { PLAINTEXT: 'PLAINTEXT', INTERNAL: 'PLAINTEXT' });
  assert.equal(json.host, '127.0.0.1');
  assert.equal(json.port, 9095);
  assert.equal(json.rack, 'rack-a');
  assert.equal(json.timestamp, '1700000000000');
  assert.deepEqual(decodeBrokerRegistration(3, encodeBrokerRegistration(r, 0)), r);
  assert.equal(decodeBrokerRegistration(3, Buffer.from('not json')), null);
});

describe('cluster coordination in a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  const clients: ZooKeeperClient[] = [];
  const connect = async (chroot: string, sessionTimeoutMs = 2000): Promise<ZooKeeperClient> => {
    const c = await ZooKeeperClient.connect({ connectString: `${zk.connectString}${chroot}`, sessionTimeoutMs });
    clients.push(c);
    return c;
  };

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    const admin = await ZooKeeperClient.connect({ connectString: zk.connectString });
    for (const chroot of ['/ids', '/reg', '/ctl', '/fence']) await admin.ensurePath(chroot);
    admin.close();
  });

  after(async () => {
    for (const c of clients) c.close();
    await zk?.close();
  });

  it('creates the cluster id once; every later broker reads the same one', async () => {
    const [a, b] = [await connect('/ids'), await connect('/ids')];
    const [ida, idb] = await Promise.all([getOrCreateClusterId(a, 'cluster-A'), getOrCreateClusterId(b, 'cluster-B')]);
    assert.equal(ida, idb, 'racing brokers agree');
    assert.ok(['cluster-A', 'cluster-B'].includes(ida));
    assert.equal(await getOrCreateClusterId(await connect('/ids'), 'cluster-C'), ida);
  });

  it('registers brokers as ephemeral nodes, refuses a second broker with the same id, and forgets a broker whose session ends', async () => {
    const b1 = await connect('/reg');
    const b2 = await connect('/reg');
    await registerBroker(b1, registration(1, 'r1'));
    await registerBroker(b2, registration(2));
    await registerBroker(b1, registration(1, 'r1')); // again from the same session: fine
    const watcher = await connect('/reg');
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    assert.deepEqual(await registeredBrokerIds(watcher, () => changed()), [1, 2]);
    const stored = await watcher.getData('/brokers/ids/1');
    assert.deepEqual(decodeBrokerRegistration(1, stored!.data), registration(1, 'r1'));
    assert.equal(stored!.ephemeralOwner, b1.sessionId);

    const impostor = await connect('/reg');
    await assert.rejects(registerBroker(impostor, registration(1), { staleRegistrationWaitMs: 300 }), BrokerIdInUseError);

    b2.close();
    await change;
    assert.deepEqual(await registeredBrokerIds(watcher), [1]);
  });

  it('elects one controller with epoch 1, fails over with epoch 2, and fences the old controller by zkVersion', async () => {
    const sessions = [await connect('/fence'), await connect('/fence'), await connect('/fence')];
    const leases = new Map<number, ControllerLease>();
    const resigned: number[] = [];
    const elections = sessions.map(
      (zkc, i) =>
        new ControllerElection(zkc, i + 1, {
          onElected: (lease) => leases.set(i + 1, lease),
          onResigned: () => resigned.push(i + 1),
        }),
    );
    await Promise.all(elections.map((e) => e.start()));
    const controllers = elections.filter((e) => e.isController);
    assert.equal(controllers.length, 1, 'exactly one controller');
    const first = elections.findIndex((e) => e.isController) + 1;
    assert.deepEqual(leases.get(first), { epoch: 1, epochZkVersion: 1 });
    for (const e of elections) assert.deepEqual(e.controller, { controllerId: first, epoch: 1 });

    // A controller write: a multi that checks the epoch's zkVersion.
    const firstSession = sessions[first - 1]!;
    await firstSession.create('/state', Buffer.from('by-1'));
    const staleLease = leases.get(first)!;
    await firstSession.multi([{ op: 'check', path: '/controller_epoch', version: staleLease.epochZkVersion }, { op: 'setData', path: '/state', data: Buffer.from('epoch-1 write') }]);

    // The controller resigns (as in a controlled shutdown): another broker takes over with epoch 2.
    await elections[first - 1]!.resign();
    assert.deepEqual(resigned, [first]);
    const survivors = elections.filter((_, i) => i + 1 !== first);
    await pollUntil('a new controller', () => survivors.filter((e) => e.isController).length, (n) => n === 1);
    const second = elections.findIndex((e) => e.isController) + 1;
    assert.notEqual(second, first);
    assert.deepEqual(leases.get(second), { epoch: 2, epochZkVersion: 2 });
    await pollUntil('every broker to see the new controller', () => survivors.map((e) => e.controller), (views) => views.every((v) => v.controllerId === second && v.epoch === 2));

    // The old controller's fenced write is refused by ZooKeeper: nothing changes.
    await assert.rejects(
      firstSession.multi([{ op: 'check', path: '/controller_epoch', version: staleLease.epochZkVersion }, { op: 'setData', path: '/state', data: Buffer.from('stale write') }]),
      (err: unknown) => err instanceof ZooKeeperError && err.code === 'BAD_VERSION',
    );
    assert.equal((await firstSession.getData('/state'))?.data.toString(), 'epoch-1 write');

    // The new controller's session ends: the last broker is elected with epoch 3.
    sessions[second - 1]!.close();
    const third = elections.find((e, i) => i + 1 !== first && i + 1 !== second)!;
    await pollUntil('the third controller', () => third.currentLease, (l) => l !== null);
    assert.deepEqual(third.currentLease, { epoch: 3, epochZkVersion: 3 });
  });
});
