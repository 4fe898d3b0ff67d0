import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipUnless } from '../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb } from '../../src/testkit/mariadb-server.js';
import { postgresAvailable, startPostgres } from '../../src/testkit/postgres-server.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startMariaDb: a throwaway MariaDB', { skip: skipUnless(mariaDbAvailable()) }, () => {
  it('serves on its loopback port in the given directory and leaves nothing running after stop()', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'samsa-mariadb-test-'));
    try {
      const server = await startMariaDb({ dataDir: parent });
      assert.equal(server.url, `jdbc:mariadb://127.0.0.1:${server.port}/`);
      assert.ok(readdirSync(join(parent, 'data')).includes('mysql'), 'the system tables are in the given directory');
      assert.deepEqual(await server.query('SELECT @@datadir AS dir, @@port AS port'), [{ dir: `${join(parent, 'data')}/`, port: server.port }]);
      assert.equal(await server.createDatabase('fresh'), `jdbc:mariadb://127.0.0.1:${server.port}/fresh`);
      assert.deepEqual(await server.query("SHOW DATABASES LIKE 'fresh'"), [{ 'Database (fresh)': 'fresh' }]);
      await server.stop();
      assert.equal(await accepts(server.port), false, 'the port is closed');
      assert.ok(existsSync(parent), 'a directory the caller gave is kept');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('removes the temp directory it created', async () => {
    const server = await startMariaDb();
    const [row] = await server.query('SELECT @@datadir AS dir');
    const dataDir = String(row!.dir);
    assert.match(dataDir, /samsa-mariadb-[^/]+\/data\/$/);
    await server.stop();
    assert.equal(existsSync(join(dataDir, '..')), false);
  });
});

describe('startPostgres: a throwaway PostgreSQL', { skip: skipUnless(postgresAvailable()) }, () => {
  it('serves on its loopback port with password authentication and cleans up after stop()', async () => {
    const server = await startPostgres();
    const [row] = await server.query("SELECT current_setting('data_directory') AS dir, current_setting('port') AS port, current_setting('listen_addresses') AS listen");
    const dataDir = String(row!.dir);
    assert.match(dataDir, /samsa-postgres-[^/]+\/data$/);
    assert.deepEqual([row!.port, row!.listen], [String(server.port), '127.0.0.1']);
    const [hba] = await server.query("SELECT count(*)::int AS n FROM pg_hba_file_rules WHERE auth_method NOT IN ('scram-sha-256')");
    assert.equal(hba!.n, 0, 'every pg_hba rule asks for a password');
    assert.equal(await server.createDatabase('fresh'), `jdbc:postgresql://127.0.0.1:${server.port}/fresh`);
    await server.stop();
    assert.equal(await accepts(server.port), false, 'the port is closed');
    assert.equal(existsSync(dataDir), false, 'the data directory is removed');
  });
});
