import assert from "node:assert/strict";
import { test } from "node:test";
import { crossingsByLine, lineIdsOf } from "./area-lines.ts";
import { entranceKey } from "./area-occupancy.ts";

test("a camera's lines by id: 'line' once it has its line, none before; crossings go to the entrances of that line only", () => {
  assert.deepEqual(lineIdsOf({ line: null }), []);
  assert.deepEqual(lineIdsOf({ line: { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true } }), ["line"]);
  const front = { cameraId: "front", lineId: "line" };
  const other = { cameraId: "front", lineId: "door-2" };
  const sums = new Map([["front", { crossedIn: 3, crossedOut: 1 }]]);
  const byLine = crossingsByLine([front, other, { cameraId: "back", lineId: "line" }], sums);
  assert.deepEqual([...byLine.keys()], [entranceKey(front)], "another line id, or a camera with no crossings, gets nothing");
  assert.deepEqual(byLine.get(entranceKey(front)), { crossedIn: 3, crossedOut: 1 });
});
