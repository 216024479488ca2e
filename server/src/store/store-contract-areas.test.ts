import assert from "node:assert/strict";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { AreaSettings } from "./area-store.ts";

const T0 = Date.UTC(2026, 5, 10, 8, 0, 0);
const SHOP: AreaSettings = { name: "Shop", capacity: 40, resetMinute: 240, timeZone: "Europe/Berlin" };

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: { code?: string }) => err.code === code);
}

contractTest("areas: create, edit, entrances in order, manual reset, delete; unknown ids are NOT_FOUND and a taken id ALREADY_EXISTS", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  for (const id of ["front", "back"]) await store.upsertCamera(id, "", T0);
  const created = await store.areas.createArea("shop", SHOP, T0);
  assert.deepEqual(created, { areaId: "shop", ...SHOP, entrances: [], resetAtMs: null, createdAtMs: T0 });
  await rejects(store.areas.createArea("shop", SHOP, T0), "ALREADY_EXISTS");

  const doors = [{ cameraId: "back", lineId: "line" }, { cameraId: "front", lineId: "line" }];
  assert.deepEqual((await store.areas.setEntrances("shop", doors)).entrances, doors);
  assert.deepEqual((await store.areas.setEntrances("shop", [...doors, doors[0]!])).entrances, doors, "a door listed twice is kept once");
  await rejects(store.areas.setEntrances("shop", [{ cameraId: "nowhere", lineId: "line" }]), "NOT_FOUND");
  assert.deepEqual((await store.areas.listAreas())[0]!.entrances, doors, "a refused edit leaves the doors as they were");
  await rejects(store.areas.setEntrances("nope", doors), "NOT_FOUND");

  const edited = await store.areas.updateArea("shop", { name: "Shop floor", capacity: null, resetMinute: 0, timeZone: "UTC" });
  assert.equal(edited.name, "Shop floor");
  assert.equal(edited.capacity, null);
  assert.equal((await store.areas.resetArea("shop", T0 + 5)).resetAtMs, T0 + 5);
  await rejects(store.areas.updateArea("nope", SHOP), "NOT_FOUND");
  await rejects(store.areas.resetArea("nope", T0), "NOT_FOUND");

  await store.areas.createArea("annex", { ...SHOP, name: "Annex" }, T0);
  assert.deepEqual((await store.areas.listAreas()).map((a) => a.name), ["Annex", "Shop floor"]);
  await store.areas.deleteArea("shop");
  await rejects(store.areas.deleteArea("shop"), "NOT_FOUND");
  assert.deepEqual((await store.areas.listAreas()).map((a) => a.areaId), ["annex"]);
  assert.ok(await store.getCamera("front"), "deleting an area keeps its cameras");
});

contractTest("areas: crossings since a time, per camera, from the stored events; an area's cameras filter the event log and the series", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  for (const id of ["front", "back", "garage"]) {
    await store.upsertCamera(id, "", T0);
    await store.openSession(`${id}-s`, id, T0);
  }
  await store.appendEvents("front", "front-s", [
    { kind: "cross_in", trackId: 1, timeMs: T0 + 1_000 },
    { kind: "cross_in", trackId: 2, timeMs: T0 + 1_000 },
    { kind: "entry", trackId: 3, timeMs: T0 + 1_000 },
  ], 1);
  await store.appendEvents("front", "front-s", [{ kind: "cross_in", trackId: 4, timeMs: T0 + 90_000 }], 2);
  await store.appendEvents("back", "back-s", [{ kind: "cross_out", trackId: 1, timeMs: T0 + 120_000 }], 1);
  await store.appendEvents("garage", "garage-s", [{ kind: "cross_in", trackId: 1, timeMs: T0 + 2_000 }], 1);
  await store.appendEvents("back", "back-s", [{ kind: "cross_in", trackId: 2, timeMs: T0 + 130_000, lineId: "side" }], 2);
  const byLine = (sums: Map<string, Map<string, unknown>>) => Object.fromEntries([...sums].map(([camera, lines]) => [camera, Object.fromEntries(lines)]));
  const sums = await store.areas.crossingsSince(["front", "back", "nowhere"], T0);
  assert.deepEqual(byLine(sums), {
    front: { line: { crossedIn: 3, crossedOut: 0 } },
    back: { line: { crossedIn: 0, crossedOut: 1 }, side: { crossedIn: 1, crossedOut: 0 } },
  }, "crossings without a line id are the single line's; a named line's are its own");
  assert.deepEqual(byLine(await store.areas.crossingsSince(["front", "back"], T0 + 125_000)), {
    front: {}, back: { side: { crossedIn: 1, crossedOut: 0 } },
  }, "a camera with no crossing since then answers no line");

  const page = await store.events({ cameraIds: ["front", "back"], limit: 100 });
  assert.deepEqual(page.events.map((e) => e.cameraId).sort(), ["back", "back", "front", "front", "front", "front"]);
  assert.equal((await store.events({ cameraIds: [], limit: 100 })).events.length, 0, "an area without doors has no events");
  const series = await store.series({ cameraIds: ["front", "back"], fromMs: T0, toMs: T0 + 86_400_000, bucket: "day", utcOffsetMinutes: 0 });
  assert.deepEqual(series.map((p) => [p.crossedIn, p.crossedOut, p.entered]), [[4, 1, 1]]);
  await assert.rejects(store.events({ cameraIds: ["nowhere"], limit: 10 }), (err: { code?: string }) => err.code === "NOT_FOUND");
});
