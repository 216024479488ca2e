import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { freshDatabase, onDatabase } from "../../../test/support/postgres-db.ts";
import { until, waitFor } from "../../../test/support/waiting.ts";
import { CameraRegistry } from "../camera/camera-registry.ts";
import { createLogger } from "../logger.ts";
import { openPostgresStore } from "../store/postgres-store.ts";
import { startReplicaSync } from "./replica-sync.ts";

/** A replica without gRPC: its store, registry and sync on the shared database. */
async function replica(t: TestContext, databaseUrl: string, name: string) {
  const store = await openPostgresStore({ databaseUrl, maxConnections: 3 });
  const cameras = new CameraRegistry();
  for (const camera of await store.listCameras()) cameras.load(camera);
  const running = await startReplicaSync({ store, databaseUrl, cameras, log: createLogger("silent"), replicaId: name, timing: { flushMs: 50, heartbeatMs: 200 } });
  t.after(async () => {
    await running.close();
    await store.close();
  });
  return { store, cameras, sync: running.sync };
}

const viewOf = (cameras: CameraRegistry, id: string) => cameras.list(Date.now()).find((c) => c.cameraId === id);

test("camera rows and live figures changed on one replica reach another within a second, over LISTEN/NOTIFY", async (t) => {
  const url = await freshDatabase(t);
  const a = await replica(t, url, "a");
  const c = await replica(t, url, "c");

  a.cameras.load(await a.store.upsertCamera("door", "Door", 1));
  await until(() => viewOf(c.cameras, "door")?.name === "Door", "a new camera", 1_000);
  await c.store.renameCamera("door", "Front door");
  await c.store.setLine("door", { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true });
  await until(() => a.cameras.lineOf("door")?.inSideLeft === true && viewOf(a.cameras, "door")?.name === "Front door", "rename and line made on C reach A", 1_000);

  await a.store.openSession("s1", "door", 1);
  a.cameras.attachSession("door", "s1");
  const stored = await a.store.appendEvents("door", "s1", [{ kind: "entry", trackId: 1, timeMs: 5 }, { kind: "entry", trackId: 2, timeMs: 5 }], 0);
  a.cameras.applyFrame("door", "s1", 3, stored.totals);
  a.cameras.recordAck("door", Date.now(), 40);
  await until(() => {
    const seen = viewOf(c.cameras, "door");
    return seen?.online === true && seen.totals.inView === 3 && seen.totals.entered === 2 && seen.latencyMs === 40;
  }, "C sees A's camera live: online, people in view, latency, stored totals", 1_000);

  // Time passing is the point here: heartbeats keep it online on C past the 3 s staleness limit while A's session lives.
  await new Promise((r) => setTimeout(r, 3_500));
  a.cameras.recordAck("door", Date.now(), 40);
  assert.equal(viewOf(c.cameras, "door")?.online, true);

  a.cameras.detachSession("door", "s1");
  await until(() => viewOf(c.cameras, "door")?.online === false, "the end of A's session reaches C at once", 1_000);
  assert.equal(viewOf(c.cameras, "door")?.totals.inView, 0);
});

test("the listening connection, terminated by the database, reconnects; changes made while it was down and after it reach the replica", { timeout: 60_000 }, async (t) => {
  const url = await freshDatabase(t);
  const a = await replica(t, url, "a");
  const c = await replica(t, url, "c");
  a.cameras.load(await a.store.upsertCamera("door", "Door", 1));
  await until(() => viewOf(c.cameras, "door")?.name === "Door", "a new camera", 1_000);

  const listening = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'headcount-listen'";
  const before = (await onDatabase<{ pid: number }>(url, listening)).map((r) => r.pid);
  assert.equal(before.length, 2, "one listening connection per replica");
  await onDatabase(url, `SELECT pg_terminate_backend(pid) FROM (${listening}) l`);
  // Made while nobody listens: its notification is lost, and the reconnect's reload must find it.
  await a.store.renameCamera("door", "While down");
  await until(() => viewOf(c.cameras, "door")?.name === "While down", "the change made while C was not listening", 5_000);
  await waitFor("both listening again", async () => {
    const now = (await onDatabase<{ pid: number }>(url, listening)).map((r) => r.pid);
    return now.length === 2 && now.every((pid) => !before.includes(pid));
  }, 5_000, 50);
  await a.store.renameCamera("door", "After");
  await until(() => viewOf(c.cameras, "door")?.name === "After", "a change after the reconnect, by notification", 1_000);
});
