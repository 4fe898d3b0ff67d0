/**
 * For a suite on a real MariaDB: a throwaway server, one database in it and an open connection,
 * set up and torn down by before/after hooks of the describe that calls it.
 */
import { after, before } from 'node:test';
import { openDbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import type { DbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import { silentLogger } from '../../../../src/logging/logger.js';
import { startMariaDb } from '../../../../src/testkit/mariadb-server.js';
import type { MariaDbServer } from '../../../../src/testkit/mariadb-server.js';

export interface MariaDbDatabase {
  server: MariaDbServer;
  /** The database's JDBC URL. */
  url: string;
  conn: DbConnection;
}

/** Registers the hooks; the fields are set once the suite's before hooks have run. */
export function useMariaDbDatabase(name: string): MariaDbDatabase {
  const db = {} as MariaDbDatabase;
  before(async () => {
    db.server = await startMariaDb();
    db.url = await db.server.createDatabase(name);
    db.conn = await openDbConnection({ url: db.url, user: db.server.user, password: db.server.password }, silentLogger());
  });
  after(async () => {
    await db.conn?.close();
    await db.server?.stop();
  });
  return db;
}
