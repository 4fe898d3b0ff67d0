/**
 * Child process of the session-expiry test: connects with a short session, creates an ephemeral
 * node, prints READY, and prints EXPIRED (once per report) when the client says the session expired.
 * argv: connectString, path, sessionTimeoutMs.
 */
import { ZooKeeperClient } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';

const [connectString, path, timeout] = process.argv.slice(2);
const client = await ZooKeeperClient.connect({ connectString: connectString!, sessionTimeoutMs: Number(timeout) });
client.onSessionExpired(() => {
  process.stdout.write('EXPIRED\n');
  client.close();
  setTimeout(() => process.exit(0), 100);
});
await client.create(path!, Buffer.from('{"host":"127.0.0.1"}'), 'ephemeral');
process.stdout.write('READY\n');
