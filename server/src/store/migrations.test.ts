import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { APPLICATION_ID, migrate, MIGRATIONS, SCHEMA_VERSION, type Migration } from "./migrations.ts";
import { DEFAULT_FILE_NAME } from "./sqlite-open.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import { StoreOpenError } from "./store.ts";

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "headcount-migrations-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const tablesOf = (db: Database.Database): string[] =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name);

const rejectsWith = (fn: () => unknown, reason: string, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StoreOpenError, `expected a StoreOpenError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.match(err.message, pattern);
    return true;
  });

test("an empty data directory gets the whole schema, WAL mode and headcount's application id", async (t) => {
  const dir = join(tempDir(t), "not/yet/there");
  const store = openSqliteStore({ dataDir: dir });
  await store.close();
  const db = new Database(join(dir, DEFAULT_FILE_NAME), { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma("application_id", { simple: true }), APPLICATION_ID);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.deepEqual(tablesOf(db), [
    "appended_batches", "area_entrances", "areas", "camera_places", "cameras", "event_kinds", "event_reasons", "events", "minute_counts", "pairings", "place_minutes",
    "replicas", "secrets", "sessions", "throttles",
  ]);
});

test("frames are never stored: no table has a BLOB column", async (t) => {
  const dir = tempDir(t);
  await openSqliteStore({ dataDir: dir }).close();
  const db = new Database(join(dir, DEFAULT_FILE_NAME), { readonly: true });
  t.after(() => db.close());
  const types = tablesOf(db).flatMap((table) => db.prepare<[], { type: string }>(`PRAGMA table_info(${table})`).all().map((c) => c.type));
  assert.ok(types.length > 20);
  assert.deepEqual(new Set(types), new Set(["INTEGER", "TEXT", "REAL"]));
});

test("a file at every older version is brought up to date with its data kept", async (t) => {
  for (let version = 0; version < SCHEMA_VERSION; version++) {
    const dir = join(tempDir(t), `v${version}`);
    mkdirSync(dir);
    const raw = new Database(join(dir, DEFAULT_FILE_NAME));
    migrate(raw, MIGRATIONS.slice(0, version));
    assert.equal(raw.pragma("user_version", { simple: true }), version);
    raw.close();
    const store = openSqliteStore({ dataDir: dir });
    await store.upsertCamera("cam", "Door", 1);
    await store.close();
    const reopened = openSqliteStore({ dataDir: dir });
    assert.equal((await reopened.getCamera("cam"))?.name, "Door");
    await reopened.close();
  }
});

test("migrations 3 and 4 on a file an older server left at version 2: old events have no reason, its open session closes with its exits, appends are keyed", async (t) => {
  const dir = tempDir(t);
  const raw = new Database(join(dir, DEFAULT_FILE_NAME));
  migrate(raw, MIGRATIONS.slice(0, 2));
  raw.exec(`
    INSERT INTO cameras (camera_key, camera_id, name, created_at_ms, entered) VALUES (1, 'cam', 'cam', 0, 1);
    INSERT INTO sessions (session_key, session_id, camera_key, opened_at_ms) VALUES (1, 's', 1, 0);
    INSERT INTO events (camera_key, session_key, kind, track_id, time_ms) VALUES (1, 1, 0, 1, 10);`);
  raw.close();
  const store = openSqliteStore({ dataDir: dir });
  t.after(() => store.close());
  assert.deepEqual((await store.events({ limit: 5 })).events.map((e) => [e.kind, e.reason]), [["entry", null]]);
  assert.deepEqual(await store.closeLostSessions(), [{ sessionId: "s", cameraId: "cam", closedAtMs: 10, exits: 1 }]);
  await store.openSession("s2", "cam", 20);
  const entry = { kind: "entry", trackId: 2, timeMs: 30 } as const;
  const first = await store.appendEvents("cam", "s2", [entry], 1);
  assert.deepEqual(await store.appendEvents("cam", "s2", [entry], 1), { ...first, replayed: true }, "a retried batch is stored once");
  assert.equal(first.totals.entered, 2);
});

test("migration 7: a camera's single line becomes its line \"line\" with the crossings since its reset; old crossings have no line id", async (t) => {
  const dir = tempDir(t);
  const raw = new Database(join(dir, DEFAULT_FILE_NAME));
  migrate(raw, MIGRATIONS.slice(0, 4));
  raw.exec(`
    INSERT INTO cameras (camera_key, camera_id, name, created_at_ms, line_ax, line_ay, line_bx, line_by, line_in_side_left, crossed_in, crossed_out)
      VALUES (1, 'door', 'Door', 0, 0.1, 0.5, 0.9, 0.5, 0, 3, 2);
    INSERT INTO cameras (camera_key, camera_id, name, created_at_ms) VALUES (2, 'hall', 'Hall', 0);
    INSERT INTO events (camera_key, kind, track_id, time_ms) VALUES (1, 2, 1, 10);`);
  raw.close();
  const store = openSqliteStore({ dataDir: dir });
  t.after(() => store.close());
  const line = { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: false };
  const door = await store.getCamera("door");
  assert.deepEqual(door?.line, line);
  assert.deepEqual(door?.lines, [{ id: "line", name: "line", line, crossedIn: 3, crossedOut: 2 }]);
  assert.deepEqual((await store.getCamera("hall"))?.lines, []);
  assert.deepEqual((await store.events({ limit: 5 })).events.map((e) => [e.kind, e.lineId]), [["cross_in", null]]);
});

test("missing steps run in order, once; a failing step leaves the file as it was", (t) => {
  const db = new Database(join(tempDir(t), "steps.sqlite"));
  t.after(() => db.close());
  const scripted: Migration[] = [
    ...MIGRATIONS,
    { version: SCHEMA_VERSION + 1, name: "fake: add a note", sql: "ALTER TABLE cameras ADD COLUMN note TEXT" },
    { version: SCHEMA_VERSION + 2, name: "fake: fill notes", sql: "UPDATE cameras SET note = 'n:' || name" },
  ];
  assert.deepEqual(migrate(db, MIGRATIONS), { from: 0, to: SCHEMA_VERSION });
  db.prepare("INSERT INTO cameras (camera_id, name, created_at_ms) VALUES ('c', 'Hall', 1)").run();
  assert.deepEqual(migrate(db, scripted), { from: SCHEMA_VERSION, to: SCHEMA_VERSION + 2 });
  assert.equal(db.prepare<[], { note: string }>("SELECT note FROM cameras").get()?.note, "n:Hall");
  assert.deepEqual(migrate(db, scripted), { from: SCHEMA_VERSION + 2, to: SCHEMA_VERSION + 2 }, "nothing runs twice");

  const broken: Migration[] = [
    ...scripted,
    { version: SCHEMA_VERSION + 3, name: "fake: good part", sql: "CREATE TABLE extra (x INTEGER)" },
    { version: SCHEMA_VERSION + 4, name: "fake: bad part", sql: "INSERT INTO no_such_table VALUES (1)" },
  ];
  assert.throws(() => migrate(db, broken), /no such table: no_such_table/);
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION + 2);
  assert.ok(!tablesOf(db).includes("extra"), "the good step of a failed upgrade is rolled back too");
  assert.throws(() => migrate(db, [scripted[0]!, scripted[2]!]), /versions must be 1, 2, 3/);
});

test("a file written by a newer headcount is refused with a readable error", async (t) => {
  const dir = tempDir(t);
  await openSqliteStore({ dataDir: dir }).close();
  const raw = new Database(join(dir, DEFAULT_FILE_NAME));
  raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  raw.close();
  rejectsWith(() => openSqliteStore({ dataDir: dir }), "too-new", new RegExp(`schema version ${SCHEMA_VERSION + 5}.*up to ${SCHEMA_VERSION}.*newer headcount`));
});

test("a file that is not SQLite, or another program's database, is refused", (t) => {
  const junk = tempDir(t);
  writeFileSync(join(junk, DEFAULT_FILE_NAME), "these are not the bytes of a database ".repeat(200));
  rejectsWith(() => openSqliteStore({ dataDir: junk }), "not-a-database", /headcount\.sqlite is not an SQLite database.*Move it aside/);

  const foreign = tempDir(t);
  const raw = new Database(join(foreign, DEFAULT_FILE_NAME));
  raw.exec("CREATE TABLE invoices (id INTEGER)");
  raw.close();
  rejectsWith(() => openSqliteStore({ dataDir: foreign }), "foreign", /not a headcount one/);
});

test("a damaged page is found when the file is opened, not at some later query", async (t) => {
  const dir = tempDir(t);
  const store = openSqliteStore({ dataDir: dir });
  await store.upsertCamera("cam", "", 1);
  await store.openSession("s", "cam", 1);
  for (let i = 0; i < 300; i++) await store.appendEvents("cam", "s", [{ kind: "entry", trackId: i, timeMs: 1_000 + i }]);
  await store.close();
  const file = join(dir, DEFAULT_FILE_NAME);
  const raw = new Database(file, { readonly: true });
  const root = raw.prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").get()!.rootpage;
  const pageSize = raw.pragma("page_size", { simple: true }) as number;
  raw.close();
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(16, 0xee), 0, 16, (root - 1) * pageSize);
  closeSync(fd);
  rejectsWith(() => openSqliteStore({ dataDir: dir }), "corrupt", /headcount\.sqlite is corrupted \(.+\)\. Move it aside/);
});
