import { fileURLToPath } from "node:url";
import type pg from "pg";
import { loadMigrationFiles, type MigrationStep } from "./migration-files.ts";
import { inTransaction } from "./postgres-pool.ts";
import { StoreOpenError } from "./store.ts";

/** One numbered step of the PostgreSQL schema: `postgres-migrations/NNNN-name.sql`. */
export type PostgresMigration = MigrationStep;

const MIGRATIONS_DIR = fileURLToPath(new URL("./postgres-migrations/", import.meta.url));

/** The table that records which steps ran; its presence marks a database as headcount's. */
export const SCHEMA_TABLE = "headcount_schema";

/** Every step in `postgres-migrations/`, oldest first. Never edit a released step: add a file with the next number. */
export function loadPostgresMigrations(dir = MIGRATIONS_DIR): PostgresMigration[] {
  return loadMigrationFiles(dir);
}

// Any constant both sides agree on: "HCNT" as an int.
const MIGRATION_LOCK = 0x48434e54;

/**
 * Brings the database up to the last step, in one transaction that holds an
 * advisory lock: replicas starting at once queue on the lock, and the first
 * migrates while the others find the work done. A failing step leaves the
 * schema unchanged. Refuses a database of a newer version (the same rule as
 * the SQLite store), or one that holds other tables but no headcount schema.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PostgresMigration[] = loadPostgresMigrations()): Promise<{ from: number; to: number }> {
  const latest = migrations.at(-1)?.version ?? 0;
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const from = await schemaVersion(client);
    if (from === null) {
      throw new StoreOpenError("foreign", `the database ${await databaseName(client)} has tables but no ${SCHEMA_TABLE}: it is not a headcount database; give headcount an empty database of its own`);
    }
    if (from > latest) {
      throw new StoreOpenError(
        "too-new",
        `the database ${await databaseName(client)} has schema version ${from}, but this server only knows versions up to ${latest}: it was written by a newer headcount. Run the newer server, or give this one another database.`,
      );
    }
    if (from === 0) await client.query(`CREATE TABLE ${SCHEMA_TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const step of migrations) {
      if (step.version <= from) continue;
      await client.query(step.sql);
      await client.query(`INSERT INTO ${SCHEMA_TABLE} (version, name) VALUES ($1, $2)`, [step.version, step.name]);
    }
    return { from, to: Math.max(from, latest) };
  });
}

/** The recorded version; 0 for an empty schema, null for a schema with other tables only. */
async function schemaVersion(client: pg.PoolClient): Promise<number | null> {
  const tables = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()");
  if (tables.rows.some((t) => t.name === SCHEMA_TABLE)) {
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${SCHEMA_TABLE}`);
    return rows[0]?.version ?? 0;
  }
  return tables.rows.length === 0 ? 0 : null;
}

async function databaseName(client: pg.PoolClient): Promise<string> {
  return (await client.query<{ name: string }>("SELECT current_database() AS name")).rows[0]!.name;
}
