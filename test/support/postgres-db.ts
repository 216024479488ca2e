import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import pg from "pg";

/**
 * Databases of its own for every test, on the machine's PostgreSQL
 * (127.0.0.1:5432, trust authentication, user postgres; .ci/run starts it).
 * HEADCOUNT_TEST_POSTGRES_URL points elsewhere: a URL of a database the
 * tests may connect to as a user allowed to CREATE DATABASE.
 */
export const TEST_POSTGRES_URL = process.env.HEADCOUNT_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`the tests need PostgreSQL at ${TEST_POSTGRES_URL} (start it: pg_ctlcluster <version> main start): ${(err as Error).message}`, { cause: err });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database with a unique name (headcount_test_<pid>_<random>)
 * and drops it when the test ends, so runs never see each other's rows.
 * Resolves to its URL.
 */
export async function freshDatabase(t: TestContext): Promise<string> {
  sweeping ??= dropOrphans();
  await sweeping;
  const name = `headcount_test_${process.pid}_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  t.after(() => dropDatabase(name));
  return databaseUrl(name);
}

let sweeping: Promise<void> | undefined;

/** Drops the test databases of test processes that no longer run (killed before their cleanup). */
async function dropOrphans(): Promise<void> {
  const rows = await admin((c) => c.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE datname LIKE 'headcount\\_test\\_%'"));
  for (const { name } of rows.rows) {
    const pid = Number(/^headcount_test_(\d+)_/.exec(name)?.[1]);
    if (pid && !isRunning(pid)) await dropDatabase(name);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Drops a database, ending the connections still on it (a killed writer's, a pool not yet closed). */
export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Runs one statement on a test database (to inspect or damage it from outside the store). */
export async function onDatabase<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
