import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AreaServiceClient } from "@headcount/proto/area-client";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { loadPostgresMigrations } from "../../server/src/store/postgres-migrations.ts";
import { openPostgresStore } from "../../server/src/store/postgres-store.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { freshDatabase, onDatabase } from "../support/postgres-db.ts";
import { processClients, startServerProcess, type ServerProcess } from "../support/server-process.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { freePort } from "../support/web-app.ts";

/**
 * Three real server processes on 127.0.0.1 sharing one PostgreSQL database:
 * what one replica stores and sees live, the others show.
 */
test("three replicas on one database: C's count page sees cameras capturing through A and B, live and stored; a rename, a line and an area made through C reach A", { timeout: 300_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dirs = ["a", "b", "c"].map((name) => mkdtempSync(join(tmpdir(), `headcount-replica-${name}-`)));
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ports = await Promise.all(dirs.map(async () => ({ grpc: await freePort(), web: await freePort() })));
  // All three at once against an empty database: one migrates it, the others wait on its lock.
  const servers: ServerProcess[] = await Promise.all(
    dirs.map((dataDir, i) => startServerProcess({ grpcPort: ports[i]!.grpc, grpcWebPort: ports[i]!.web, dataDir, workers: 1, databaseUrl })),
  );
  t.after(() => Promise.all(servers.map((s) => s.kill())));
  const [a, b, c] = ports.map((p) => processClients(p.grpc));
  t.after(() => [a, b, c].forEach((x) => x!.transport.close()));
  assert.deepEqual((await onDatabase<{ version: number }>(databaseUrl, "SELECT version FROM headcount_schema ORDER BY version")).map((r) => r.version), loadPostgresMigrations().map((m) => m.version), "migrated once");

  const cameraOnC = async (id: string) => (await c!.count.listCameras({}).response).cameras.find((cam) => cam.cameraId === id);
  // Person 1 walks in at 6.0 s: 5.0 to 9.0 s of the footage holds one entry.
  const frames = extractJpegFrames(oneByOneVideo, { startS: 5, count: 40, fps: 10, width: 640 });
  let sawBothLive = false;
  const streams = Promise.all([streamOneByOne({ native: a! }, "cam-a", frames), streamOneByOne({ native: b! }, "cam-b", frames)]);
  const watching = (async () => {
    const deadline = Date.now() + 60_000;
    while (!sawBothLive && Date.now() < deadline) {
      const [onA, onB] = [await cameraOnC("cam-a"), await cameraOnC("cam-b")];
      sawBothLive = onA?.online === true && onB?.online === true && onA.ackedFps > 0 && onB.ackedFps > 0;
    }
  })();
  const [countedA, countedB] = await streams;
  await watching;
  assert.ok(sawBothLive, "C showed both cameras online, with their fps, while they captured through A and B");
  assert.equal(countedA.entered, 1);
  assert.equal(countedB.entered, 1);
  // Entered since reset and entered today (the minutes another replica stored), on C.
  const storedOnC = async () => (await Promise.all(["cam-a", "cam-b"].map(cameraOnC))).flatMap((cam) => [cam?.counts?.entered, cam?.today?.entered]);
  const end = Date.now() + 1_000;
  while ((await storedOnC()).join() !== "1,1,1,1" && Date.now() < end);
  assert.deepEqual(await storedOnC(), [1, 1, 1, 1], "C shows the stored entries of both, and today's, within a second");

  await c!.count.renameCamera({ cameraId: "cam-a", name: "Front door" });
  const line = { ax: 0.25, ay: 0.625, bx: 0.75, by: 0.625, inSideLeft: false };
  await c!.count.setCountingLine({ cameraId: "cam-a", line });
  const onA = async () => (await a!.count.listCameras({}).response).cameras.find((cam) => cam.cameraId === "cam-a");
  const until1s = Date.now() + 1_000;
  let seen = await onA();
  while (!(seen?.name === "Front door" && seen.line?.ay === 0.625) && Date.now() < until1s) seen = await onA();
  assert.equal(seen?.name, "Front door", "the rename through C reached A within a second");
  assert.deepEqual({ ...seen?.line }, line, "the line set through C reached A within a second");

  // An area made and then edited through C is on A within a second (not at A's periodic reload, 30 s).
  const [areasOnA, areasOnC] = [a, c].map((x) => new AreaServiceClient(x!.transport));
  const settings = { name: "Shop", timeZone: "UTC", entrances: [{ cameraId: "cam-a", lineId: "line" }] };
  const { response: made } = await areasOnC!.createArea({ settings });
  const areaOnA = async () => (await areasOnA!.listAreas({}).response).areas.find((x) => x.areaId === made.area!.areaId);
  const untilMade = Date.now() + 1_000;
  let area = await areaOnA();
  while (!area && Date.now() < untilMade) area = await areaOnA();
  assert.ok(area, "the area made through C reached A within a second");
  await areasOnC!.updateArea({ areaId: made.area!.areaId, settings: { ...settings, capacity: 40 } });
  const untilEdited = Date.now() + 1_000;
  while (area?.settings?.capacity !== 40 && Date.now() < untilEdited) area = await areaOnA();
  assert.equal(area?.settings?.capacity, 40, "the capacity set through C reached A within a second");
});

test("a replica starting on PostgreSQL leaves the other replicas' open sessions alone (a single SQLite server closes its lost ones at start)", { timeout: 120_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  // Another replica's live session: open, with a person in view.
  const other = await openPostgresStore({ databaseUrl });
  await other.upsertCamera("door", "", 1_000);
  await other.openSession("live-elsewhere", "door", 1_000);
  await other.appendEvents("door", "live-elsewhere", [{ kind: "entry", trackId: 1, timeMs: 1_100 }], 1);
  await other.close();

  const dataDir = mkdtempSync(join(tmpdir(), "headcount-replica-start-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startServerProcess({ grpcPort: await freePort(), grpcWebPort: await freePort(), dataDir, workers: 1, databaseUrl });
  t.after(() => server.kill());
  const sessions = await onDatabase<{ closed_at_ms: number | null }>(databaseUrl, "SELECT closed_at_ms FROM sessions WHERE session_id = 'live-elsewhere'");
  assert.deepEqual(sessions, [{ closed_at_ms: null }], "still open");
  const exits = await onDatabase(databaseUrl, "SELECT id FROM events WHERE kind = 1");
  assert.deepEqual(exits, [], "its person did not exit");
});
