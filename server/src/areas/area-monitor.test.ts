import assert from "node:assert/strict";
import { test } from "node:test";
import { CameraRegistry } from "../camera/camera-registry.ts";
import { freshStore, SQLITE_BACKEND } from "../store/store-backends.fixture.ts";
import type { AreaSettings } from "../store/area-store.ts";
import { AreaMonitor } from "./area-monitor.ts";

const T0 = Date.UTC(2026, 5, 10, 8, 0, 0);
const SHOP: AreaSettings = { name: "Shop", capacity: 40, resetMinute: 240, timeZone: "UTC" };

test("an area stored while a reload runs is counted and returned (CreateArea on a replica that hears its own change announced)", async (t) => {
  const { store } = await freshStore(t, SQLITE_BACKEND);
  await store.upsertCamera("front", "", T0);
  const monitor = new AreaMonitor(store.areas, new CameraRegistry(), { minIntervalMs: 200, reloadMs: 60_000 });
  t.after(() => monitor.stop());
  await monitor.start();

  await store.areas.createArea("shop", SHOP, T0);
  const stored = await store.areas.setEntrances("shop", [{ cameraId: "front", lineId: "line" }]);
  // The reload replaces the stored object while put() counts it (before: put() resolved with no view, and CreateArea answered INTERNAL).
  const [view] = await Promise.all([monitor.put(stored), monitor.reload()]);
  assert.equal(view?.area.areaId, "shop");
  assert.deepEqual(view?.area.entrances, [{ cameraId: "front", lineId: "line" }]);
});

test("an area a reload that listed the areas just before it was stored is read again, not dropped", async (t) => {
  const { store } = await freshStore(t, SQLITE_BACKEND);
  const monitor = new AreaMonitor(store.areas, new CameraRegistry(), { minIntervalMs: 200, reloadMs: 60_000 });
  t.after(() => monitor.stop());
  await monitor.start();

  const stale = monitor.reload(); // lists the areas now (SQLite reads at the call): none yet
  void store.areas.createArea("shop", SHOP, T0);
  const view = await monitor.put({ areaId: "shop", ...SHOP, entrances: [], resetAtMs: null, createdAtMs: T0 });
  await stale;
  assert.equal(view?.area.name, "Shop");
  assert.deepEqual(monitor.list().map((v) => v.area.areaId), ["shop"]);
});
