import type Database from "better-sqlite3";
import { migratePostgres } from "./postgres-migrations.ts";
import { createPool, inTransaction } from "./postgres-pool.ts";
import { COPIED_TABLES, copyIdentitySql, copyInsertSql, countRows } from "./postgres-queries.ts";
import { openDatabase } from "./sqlite-open.ts";

/** Rows per INSERT while copying. */
const CHUNK = 5_000;

/** What was copied: rows per table. */
export type CopyReport = Record<string, number>;

/**
 * Moves a whole SQLite history (the embedded store in `dataDir`) into an
 * empty PostgreSQL database: cameras with their names, lines and totals,
 * sessions, every event, minute counts, areas, pairing tokens and the server secrets
 * (viewer sign-ins and paired cameras keep working). One transaction: a
 * failure leaves the database empty. Refuses a database that already holds
 * cameras. The SQLite file is left in place (brought to the current schema).
 */
export async function copySqliteToPostgres(dataDir: string, databaseUrl: string): Promise<CopyReport> {
  const db = openDatabase({ dataDir });
  const pool = createPool(databaseUrl, { max: 1, applicationName: "headcount-move-history" });
  try {
    await migratePostgres(pool);
    return await inTransaction(pool, async (client) => {
      // Nobody else may write while the history moves in.
      await client.query(`LOCK TABLE ${COPIED_TABLES.map((t) => t.table).join(", ")} IN EXCLUSIVE MODE`);
      const existing = (await client.query<{ n: number }>(countRows("cameras"))).rows[0]!.n;
      if (existing > 0) throw new Error(`the PostgreSQL database already has ${existing} camera(s): move a history only into an empty headcount database`);
      const report: CopyReport = {};
      for (const spec of COPIED_TABLES) {
        const names = Object.keys(spec.columns);
        const insert = copyInsertSql(spec);
        let copied = 0;
        for (const rows of chunks(db, `SELECT ${names.join(", ")} FROM ${spec.table} ORDER BY ${spec.key}`)) {
          await client.query(insert, names.map((n) => rows.map((r) => r[n] ?? null)));
          copied += rows.length;
        }
        if (spec.identity) await client.query(copyIdentitySql(spec));
        const stored = (await client.query<{ n: number }>(countRows(spec.table))).rows[0]!.n;
        if (stored !== copied) throw new Error(`${spec.table}: ${copied} rows read but ${stored} stored`);
        report[spec.table] = copied;
      }
      return report;
    });
  } finally {
    db.close();
    await pool.end();
  }
}

function* chunks(db: Database.Database, sql: string): Generator<Array<Record<string, unknown>>> {
  let rows: Array<Record<string, unknown>> = [];
  for (const row of db.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>) {
    rows.push(row);
    if (rows.length === CHUNK) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}
