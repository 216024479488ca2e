import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { freshDatabase, onDatabase } from "../../../test/support/postgres-db.ts";
import { loadPostgresMigrations, migratePostgres, type PostgresMigration, SCHEMA_TABLE } from "./postgres-migrations.ts";
import { createPool } from "./postgres-pool.ts";
import { openPostgresStore } from "./postgres-store.ts";
import { StoreOpenError } from "./store.ts";

const MIGRATIONS = loadPostgresMigrations();
const LATEST = MIGRATIONS.length;

async function pool(t: TestContext, url: string) {
  const p = createPool(url, { max: 2 });
  t.after(() => p.end());
  return p;
}

const tables = async (url: string) =>
  (await onDatabase<{ name: string }>(url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((r) => r.name);

const versions = async (url: string) => (await onDatabase<{ version: number }>(url, `SELECT version FROM ${SCHEMA_TABLE} ORDER BY version`)).map((r) => r.version);

const refusedWith = (reason: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof StoreOpenError, `expected a StoreOpenError, got ${String(err)}`);
  assert.equal(err.reason, reason);
  assert.match(err.message, pattern);
  return true;
};

test("the numbered files are the steps, 1, 2, 3, ... in order", () => {
  assert.ok(LATEST >= 2);
  assert.deepEqual(MIGRATIONS.map((m) => m.version), Array.from({ length: LATEST }, (_, i) => i + 1));
});

test("an empty database gets the whole schema, each step recorded once", async (t) => {
  const url = await freshDatabase(t);
  await (await openPostgresStore({ databaseUrl: url })).close();
  assert.deepEqual(await tables(url), [
    "appended_batches", "area_entrances", "areas", "camera_places", "cameras", "event_reasons", "events", SCHEMA_TABLE, "minute_counts", "pairings", "place_minutes",
    "replicas", "secrets", "sessions", "throttles",
  ]);
  assert.deepEqual(await versions(url), MIGRATIONS.map((m) => m.version));
});

test("three replicas starting at once on an empty database migrate it once", async (t) => {
  const url = await freshDatabase(t);
  const results = await Promise.all([0, 1, 2].map(async () => migratePostgres(await pool(t, url))));
  assert.deepEqual(results.map((r) => r.from).sort(), [0, LATEST, LATEST], "one migrated from empty, the others found it done");
  assert.deepEqual(await versions(url), MIGRATIONS.map((m) => m.version));
});

test("a database at every older version is brought up to date with its data kept", async (t) => {
  for (let version = 1; version < LATEST; version++) {
    const url = await freshDatabase(t);
    assert.deepEqual(await migratePostgres(await pool(t, url), MIGRATIONS.slice(0, version)), { from: 0, to: version });
    const store = await openPostgresStore({ databaseUrl: url });
    assert.equal((await store.upsertCamera("cam", "Door", 1)).name, "Door");
    await store.close();
    assert.deepEqual(await versions(url), MIGRATIONS.map((m) => m.version), `from version ${version}`);
  }
});

test("migration 7: a camera's single line becomes its line \"line\" with the crossings since its reset", async (t) => {
  const url = await freshDatabase(t);
  await migratePostgres(await pool(t, url), MIGRATIONS.slice(0, 4));
  await onDatabase(url, `
    INSERT INTO cameras (camera_id, name, created_at_ms, line_ax, line_ay, line_bx, line_by, line_in_side_left, crossed_in, crossed_out)
      VALUES ('door', 'Door', 0, 0.1, 0.5, 0.9, 0.5, 1, 3, 2), ('hall', 'Hall', 0, NULL, NULL, NULL, NULL, NULL, 0, 0)`);
  const store = await openPostgresStore({ databaseUrl: url });
  t.after(() => store.close());
  const line = { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: true };
  assert.deepEqual((await store.getCamera("door"))?.lines, [{ id: "line", name: "line", line, crossedIn: 3, crossedOut: 2 }]);
  assert.deepEqual((await store.getCamera("hall"))?.lines, []);
});

test("missing steps run in order, once; a failing step leaves the schema as it was", async (t) => {
  const url = await freshDatabase(t);
  const p = await pool(t, url);
  const scripted: PostgresMigration[] = [
    ...MIGRATIONS,
    { version: LATEST + 1, name: "fake add a note", sql: "ALTER TABLE cameras ADD COLUMN note text" },
    { version: LATEST + 2, name: "fake fill notes", sql: "UPDATE cameras SET note = 'n:' || name" },
  ];
  await migratePostgres(p, MIGRATIONS);
  await onDatabase(url, "INSERT INTO cameras (camera_id, name, created_at_ms) VALUES ('c', 'Hall', 1)");
  assert.deepEqual(await migratePostgres(p, scripted), { from: LATEST, to: LATEST + 2 });
  assert.deepEqual(await onDatabase(url, "SELECT note FROM cameras"), [{ note: "n:Hall" }]);
  assert.deepEqual(await migratePostgres(p, scripted), { from: LATEST + 2, to: LATEST + 2 }, "nothing runs twice");
  const broken: PostgresMigration[] = [
    ...scripted,
    { version: LATEST + 3, name: "fake good part", sql: "CREATE TABLE extra (x integer)" },
    { version: LATEST + 4, name: "fake bad part", sql: "INSERT INTO no_such_table VALUES (1)" },
  ];
  await assert.rejects(migratePostgres(p, broken), /no_such_table/);
  assert.equal((await versions(url)).at(-1), LATEST + 2);
  assert.ok(!(await tables(url)).includes("extra"), "the good step of a failed upgrade is rolled back too");
});

test("a database written by a newer headcount is refused, and so is another program's", async (t) => {
  const url = await freshDatabase(t);
  await (await openPostgresStore({ databaseUrl: url })).close();
  await onDatabase(url, `INSERT INTO ${SCHEMA_TABLE} (version, name) VALUES ($1, 'from the future')`, [LATEST + 5]);
  await assert.rejects(openPostgresStore({ databaseUrl: url }), refusedWith("too-new", new RegExp(`schema version ${LATEST + 5}.*up to ${LATEST}.*newer headcount`)));

  const foreign = await freshDatabase(t);
  await onDatabase(foreign, "CREATE TABLE invoices (id integer)");
  await assert.rejects(openPostgresStore({ databaseUrl: foreign }), refusedWith("foreign", /not a headcount database/));

  const nowhere = new URL(url);
  nowhere.pathname = "/headcount_test_does_not_exist";
  nowhere.password = "secret-pw";
  await assert.rejects(openPostgresStore({ databaseUrl: nowhere.toString() }), (err: unknown) => {
    refusedWith("io", /cannot open the PostgreSQL database .*headcount_test_does_not_exist/)(err);
    assert.doesNotMatch((err as Error).message, /secret-pw/, "the password is not in the message");
    return true;
  });
});
