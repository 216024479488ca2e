import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { freshDatabase } from "../../../test/support/postgres-db.ts";
import { repoRoot } from "../../../test/support/paths.ts";
import { openPostgresStore } from "./postgres-store.ts";
import { SQLITE_BACKEND } from "./store-backends.fixture.ts";
import type { Store, StoredEvent } from "./store.ts";

async function everything(store: Store) {
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ limit: 1_000, cursor });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return {
    cameras: await store.listCameras(),
    events,
    sessions: await store.listSessions({ fromMs: 0, toMs: 1e13 }),
    hours: await store.series({ fromMs: 0, toMs: 1e13, bucket: "hour" }),
    paired: await store.access.pairedCamera("ab".repeat(32)),
    secret: await store.access.secret("viewer-token-key", () => "a new one"),
    areas: await store.areas.listAreas(),
  };
}

test("npm run move-history copies a SQLite history into an empty PostgreSQL database, whole, and refuses a second time", async (t) => {
  const dir = await SQLITE_BACKEND.fresh(t);
  const old = await SQLITE_BACKEND.open(dir);
  await old.upsertCamera("door", "Front door", 1_000);
  await old.upsertCamera("hall", "", 1_000);
  await old.setLine("door", { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: false });
  await old.access.addPairing("door", "ab".repeat(32), 2_000);
  await old.access.secret("viewer-token-key", () => "the old key");
  await old.areas.createArea("shop", { name: "Shop", capacity: 30, resetMinute: 300, timeZone: "Europe/Berlin" }, 3_000);
  await old.areas.setEntrances("shop", [{ cameraId: "hall", lineId: "line" }, { cameraId: "door", lineId: "line" }]);
  await old.areas.resetArea("shop", 4_000);
  await old.openSession("s1", "door", 5_000);
  await old.openSession("s2", "hall", 5_000);
  for (let i = 0; i < 400; i++) {
    await old.appendEvents("door", "s1", [{ kind: i % 3 ? "entry" : "exit", trackId: i, timeMs: 10_000 + i * 20_000 }], i);
    await old.appendEvents("hall", "s2", [{ kind: "cross_in", trackId: i, timeMs: 10_000 + i * 30_000 }], i);
  }
  await old.appendEvents("hall", null, [{ kind: "reset", trackId: 0, timeMs: 9_000_000 }]);
  await old.closeSession("s1", 9_000_000, 400, [{ kind: "exit", trackId: 1, timeMs: 9_000_000, reason: "capture_stopped" }]);
  const before = await everything(old);
  assert.equal(before.events.filter((e) => e.reason === "capture_stopped").length, 1);
  await old.close();

  const url = await freshDatabase(t);
  const run = () =>
    spawnSync(process.execPath, ["--import", "tsx", "server/src/cli/move-history-main.ts", "--data-dir", dir, "--database-url", url], { cwd: repoRoot, encoding: "utf8" });
  const moved = run();
  assert.equal(moved.status, 0, moved.stderr);
  assert.match(moved.stdout, /events +802\n/);

  const store = await openPostgresStore({ databaseUrl: url });
  t.after(() => store.close());
  assert.deepEqual(await everything(store), before, "cameras, totals, lines, events with their ids and reasons, sessions, series, pairings, secrets and areas");
  const next = await store.appendEvents("door", "s1", [{ kind: "entry", trackId: 999, timeMs: 9_500_000 }], 400);
  assert.deepEqual(next.eventIds, [803], "ids continue after the copied ones");
  assert.deepEqual((await store.appendEvents("door", "s1", [{ kind: "entry", trackId: 5, timeMs: 10_000 }], 5)).eventIds, [before.events.find((e) => e.sessionId === "s1" && e.trackId === 5)!.id], "copied batch keys still stop a retried batch");

  const again = run();
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already has 2 camera\(s\): move a history only into an empty headcount database/);
});
