import assert from "node:assert/strict";
import { test } from "node:test";
import { capacityState, type CrossingSums, entranceKey, occupancyOf, type Entrance } from "./area-occupancy.ts";

const front: Entrance = { cameraId: "front", lineId: "line" };
const back: Entrance = { cameraId: "back", lineId: "line" };
const garage: Entrance = { cameraId: "garage", lineId: "line" };
const sums = (entries: Array<[Entrance, number, number]>) =>
  new Map<string, CrossingSums>(entries.map(([e, crossedIn, crossedOut]) => [entranceKey(e), { crossedIn, crossedOut }]));

test("inside is in minus out summed over the area's entrances only", () => {
  const day = sums([[front, 10, 2], [back, 1, 6], [garage, 50, 0]]);
  assert.deepEqual(occupancyOf([front, back], day, null), { inside: 3, entered: 11, left: 8 });
  assert.deepEqual(occupancyOf([front, front, back], day, null), { inside: 3, entered: 11, left: 8 }, "an entrance listed twice counts once");
  assert.deepEqual(occupancyOf([], day, null), { inside: 0, entered: 0, left: 0 });
  assert.deepEqual(occupancyOf([{ cameraId: "front", lineId: "other" }], day, null).inside, 0, "another line of the camera is not this entrance");
});

test("after a manual reset inside counts from the reset, entered and left still from the day's start", () => {
  const day = sums([[front, 10, 2], [back, 1, 6]]);
  const sinceManual = sums([[front, 5, 1]]);
  assert.deepEqual(occupancyOf([front, back], day, sinceManual), { inside: 4, entered: 11, left: 8 });
});

test("more out than in (people inside at the reset leaving) shows 0 inside, not a negative number", () => {
  assert.equal(occupancyOf([front], sums([[front, 1, 4]]), null).inside, 0);
});

test("capacity states: none without one, amber from 90%, red at or over", () => {
  assert.equal(capacityState(500, null), "none");
  assert.equal(capacityState(0, 100), "ok");
  assert.equal(capacityState(89, 100), "ok");
  assert.equal(capacityState(90, 100), "near");
  assert.equal(capacityState(99, 100), "near");
  assert.equal(capacityState(100, 100), "full");
  assert.equal(capacityState(130, 100), "full");
  assert.equal(capacityState(8, 10), "ok");
  assert.equal(capacityState(9, 10), "near");
  assert.equal(capacityState(0, 1), "ok");
  assert.equal(capacityState(1, 1), "full");
  assert.equal(capacityState(4, 5), "ok", "90% of 5 is 4.5: amber from 5, which is already full");
});
