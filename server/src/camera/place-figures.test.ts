import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoredCamera } from "../store/store.ts";
import { PlaceFigures } from "./place-figures.ts";

const camera: StoredCamera = {
  cameraId: "cafe", name: "Café", line: null, totals: { entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 }, resetAtMs: null, createdAtMs: 0,
  lines: [{ id: "door", name: "Door", line: { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true }, crossedIn: 4, crossedOut: 3 }],
  zones: [{ id: "queue", name: "Queue", points: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }], entered: 7, left: 5 }],
};

test("a camera's line and zone figures: stored counts, live occupancy while fresh, a change of occupancy told once", () => {
  let told = 0;
  const figures = new PlaceFigures(() => told++);
  figures.load(camera);
  const places = figures.places;
  figures.load({ ...camera, lines: [{ ...camera.lines[0]!, crossedIn: 5 }] });
  assert.equal(figures.places, places, "new counts, same geometry: the same places object (sessions keep their counter state)");
  figures.applyLive([{ zoneId: "queue", occupancy: 2, longestWaitMs: 9_000 }], 1_000);
  figures.applyLive([{ zoneId: "queue", occupancy: 2, longestWaitMs: 9_500 }], 1_500);
  assert.equal(told, 1, "told when the occupancy changed, not when only the wait grew");
  assert.deepEqual(figures.counts(2_000), {
    lineCounts: [{ lineId: "door", crossedIn: 5, crossedOut: 3 }],
    zoneCounts: [{ zoneId: "queue", occupancy: 2, entered: 7, left: 5, longestWaitMs: 9_500 }],
  });
  assert.equal(figures.counts(5_000).zoneCounts[0]!.occupancy, 0, "stale live figures are not shown");
  figures.clearLive();
  assert.equal(told, 2);
  figures.load({ ...camera, zones: [{ ...camera.zones[0]!, name: "Till queue" }] });
  assert.notEqual(figures.places, places, "a rename is a change of the places");
});
