import type pg from "pg";
import { migratePostgres, type PostgresMigration } from "./postgres-migrations.ts";
import { createPool, redact } from "./postgres-pool.ts";
import { StoreOpenError } from "./store.ts";

/** Where and how to open the PostgreSQL store. */
export interface PostgresOpenOptions {
  /** postgres://user:password@host:port/database */
  readonly databaseUrl: string;
  /** Most connections of this process; default 10. */
  readonly maxConnections?: number;
  /** The schema steps; only tests pass their own. */
  readonly migrations?: readonly PostgresMigration[];
}

/**
 * Opens a pool on the database and migrates it to the current schema (safe
 * when several replicas start at once). Throws a StoreOpenError when the
 * database cannot be reached or is not one headcount can use.
 */
export async function openPostgresPool(options: PostgresOpenOptions): Promise<pg.Pool> {
  const pool = createPool(options.databaseUrl, { max: options.maxConnections });
  try {
    await migratePostgres(pool, options.migrations);
  } catch (err) {
    await pool.end();
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError("io", `cannot open the PostgreSQL database ${redact(options.databaseUrl)}: ${(err as Error).message}`, { cause: err });
  }
  return pool;
}
