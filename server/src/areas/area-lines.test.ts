import assert from "node:assert/strict";
import { test } from "node:test";
import { crossingsByLine, lineIdsOf } from "./area-lines.ts";
import { entranceKey } from "./area-occupancy.ts";

test("a camera's lines by id, in its order; none before it has one", () => {
  assert.deepEqual(lineIdsOf({ lines: [] }), []);
  assert.deepEqual(lineIdsOf({ lines: [{ id: "line" }, { id: "side-door" }] }), ["line", "side-door"]);
});

test("crossings go to the entrance of their own line only; a known camera without crossings on a line gives it zero", () => {
  const front = { cameraId: "front", lineId: "line" };
  const side = { cameraId: "front", lineId: "side-door" };
  const quiet = { cameraId: "front", lineId: "exit-lane" };
  const sums = new Map([["front", new Map([["line", { crossedIn: 3, crossedOut: 1 }], ["side-door", { crossedIn: 0, crossedOut: 2 }]])]]);
  const byLine = crossingsByLine([front, side, quiet, { cameraId: "back", lineId: "line" }], sums);
  assert.deepEqual([...byLine.keys()], [entranceKey(front), entranceKey(side), entranceKey(quiet)], "an unknown camera gets nothing");
  assert.deepEqual(byLine.get(entranceKey(front)), { crossedIn: 3, crossedOut: 1 });
  assert.deepEqual(byLine.get(entranceKey(side)), { crossedIn: 0, crossedOut: 2 }, "the side door's crossings are not the main line's");
  assert.deepEqual(byLine.get(entranceKey(quiet)), { crossedIn: 0, crossedOut: 0 });
});
