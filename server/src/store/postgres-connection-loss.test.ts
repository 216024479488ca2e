import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { freshDatabase, onDatabase } from "../../../test/support/postgres-db.ts";
import { waitFor } from "../../../test/support/waiting.ts";
import { openPostgresStore } from "./postgres-store.ts";

/**
 * The PostgreSQL store when the server ends its connection mid-append
 * (pg_terminate_backend: what a database restart or failover does to a
 * pooled connection), on a real server.
 */
test("an append whose connection is terminated mid-transaction is retried on another connection and counted once", { timeout: 60_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const store = await openPostgresStore({ databaseUrl, maxConnections: 3 });
  t.after(() => store.close());
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 0);
  await store.appendEvents("cam", "s", [{ kind: "entry", trackId: 1, timeMs: 1_000 }], 1);

  // Hold the minute's row: the next append claims its batch, writes its event and the totals, then waits there.
  const blocker = new pg.Client({ connectionString: databaseUrl });
  // The database is dropped (connections ended) when the test ends.
  blocker.on("error", () => {});
  await blocker.connect();
  t.after(() => blocker.end());
  await blocker.query("BEGIN");
  await blocker.query("SELECT * FROM minute_counts FOR UPDATE");
  const appending = store.appendEvents("cam", "s", [{ kind: "entry", trackId: 2, timeMs: 2_000 }], 2);
  const waiting = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'headcount' AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO minute_counts%'`;
  const victim = await waitFor("the append waiting on the minute's row", async () => (await onDatabase<{ pid: number }>(databaseUrl, waiting))[0], 10_000, 20);
  await onDatabase(databaseUrl, "SELECT pg_terminate_backend($1)", [victim!.pid]);
  // The retry, on a new connection, waits on the same row until it is free.
  await waitFor("the retry waiting on the minute's row", async () => (await onDatabase<{ pid: number }>(databaseUrl, waiting)).some((r) => r.pid !== victim!.pid), 10_000, 20);
  await blocker.query("COMMIT");

  const result = await appending;
  assert.deepEqual(result.totals, { entered: 2, exited: 0, crossedIn: 0, crossedOut: 0 });
  assert.equal(result.replayed, undefined, "the first try was rolled back: the retry stored it");
  const rows = await onDatabase<{ n: number; batches: number; minute: number }>(databaseUrl, `
    SELECT (SELECT COUNT(*)::int FROM events) AS n, (SELECT COUNT(*)::int FROM appended_batches) AS batches, (SELECT entered::int FROM minute_counts) AS minute`);
  assert.deepEqual(rows, [{ n: 2, batches: 2, minute: 2 }], "one event, one batch key and one minute count per append: nothing doubled");
  assert.deepEqual((await store.getCamera("cam"))?.totals.entered, 2);
});
