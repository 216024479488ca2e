import pg from "pg";

/**
 * The one connection pool of a PostgreSQL store, and the one helper that runs
 * a transaction on it.
 */

/** A pooled connection or the pool itself: anything that can run a query. */
export type Queryable = pg.Pool | pg.PoolClient;

// int8 (ids, Unix ms, totals) as JS numbers: every value the store writes is a safe integer.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Options of the pool beyond the database URL. */
export interface PoolOptions {
  /** Most connections this process holds; default 10. */
  readonly max?: number;
  /** A name shown in pg_stat_activity; default "headcount". */
  readonly applicationName?: string;
}

/** Opens the pool; connections are made on first use. */
export function createPool(databaseUrl: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "headcount",
    connectionTimeoutMillis: 10_000,
    types,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it
 * resolves, ROLLBACK when it throws (then rethrows). A connection that
 * failed mid-transaction is destroyed rather than returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no 'error' listener of the pool's: a connection the server ends mid-transaction
  // (pg_terminate_backend, a restart) would emit an unhandled 'error' and crash the process.
  const onError = (err: Error) => (broken ??= err);
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackErr) {
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    // A broken client is destroyed, and may still report its end: it keeps the listener.
    if (!broken) client.removeListener("error", onError);
    client.release(broken);
  }
}

/**
 * True for failures after which the same statement may succeed on a new
 * connection: the connection was lost (the commit's outcome unknown), the
 * server is shutting down or a serialization/deadlock conflict.
 */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return err instanceof Error && /Connection terminated|ECONNRESET|ECONNREFUSED/.test(err.message);
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "40001" || code === "40P01" || code === "ECONNRESET" || code === "ECONNREFUSED";
}

/** The first row of a query, or undefined. */
export async function one<R extends pg.QueryResultRow>(db: Queryable, sql: string, params: unknown[]): Promise<R | undefined> {
  return (await db.query<R>(sql, params)).rows[0];
}

/** The URL without its password, for messages. */
export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}
