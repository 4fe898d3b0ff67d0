/**
 * The baseline of the `jdbc` phase, run as its own process: copies a MariaDB table into a table
 * of the same shape in another database with the driver the JDBC connectors use (mysql2), the way
 * a hand-written Node script would: one connection streams `SELECT * FROM source` (text protocol,
 * rows as they arrive, with back-pressure), a second one writes them with multi-row INSERTs of
 * `batchRows` rows (autocommit, one statement in flight). Values stay exact: DECIMAL and DATETIME
 * as text, BIGINT as text.
 *
 *   node dist/bench/jdbc/jdbc-copy-baseline.js '<JSON of CopyBaselineParams>'
 * prints one line `{"type":"result","rows":n,"ms":t}` (ms from connecting to the last INSERT).
 */
import mysql from 'mysql2';
import type { RowDataPacket } from 'mysql2';

export interface CopyBaselineParams {
  host: string;
  port: number;
  user: string;
  password: string;
  sourceDatabase: string;
  targetDatabase: string;
  table: string;
  /** Columns copied, in order. */
  columns: string[];
  batchRows: number;
}

async function copy(p: CopyBaselineParams): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  const options = { host: p.host, port: p.port, user: p.user, password: p.password, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true };
  const reader = mysql.createConnection({ ...options, database: p.sourceDatabase });
  const writer = mysql.createConnection({ ...options, database: p.targetDatabase }).promise();
  const cols = p.columns.map((c) => `\`${c}\``).join(', ');
  const insert = `INSERT INTO \`${p.table}\` (${cols}) VALUES ?`;
  let rows = 0;
  try {
    const stream = reader.query(`SELECT ${cols} FROM \`${p.table}\``).stream({ highWaterMark: p.batchRows * 2 });
    let batch: unknown[][] = [];
    for await (const row of stream as AsyncIterable<RowDataPacket>) {
      batch.push(p.columns.map((c) => row[c] as unknown));
      if (batch.length >= p.batchRows) {
        await writer.query(insert, [batch]);
        rows += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await writer.query(insert, [batch]);
      rows += batch.length;
    }
  } finally {
    reader.end();
    await writer.end();
  }
  return { rows, ms: performance.now() - t0 };
}

copy(JSON.parse(process.argv[2] ?? '{}') as CopyBaselineParams)
  .then((r) => process.stdout.write(`${JSON.stringify({ type: 'result', ...r })}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`copy baseline failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
