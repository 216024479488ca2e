import { test } from "node:test";
import assert from "node:assert/strict";
import type { Line } from "./count-types.ts";
import { crossesSegment, inSide, leftDistance, sameLine, sideOf } from "./line-crossing.ts";

const horizontal: Line = { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true };

test("for a horizontal line drawn left to right, 'left' is the upper half of the picture", () => {
  assert.ok(leftDistance(horizontal, { x: 0.5, y: 0.2 }) > 0);
  assert.equal(sideOf(horizontal, { x: 0.5, y: 0.2 }, 0.01), "left");
  assert.equal(sideOf(horizontal, { x: 0.5, y: 0.8 }, 0.01), "right");
  assert.equal(inSide(horizontal), "left");
  assert.equal(inSide({ ...horizontal, inSideLeft: false }), "right");
});

test("the left side is the walker's left hand: a line drawn downwards has its left on the right of the picture", () => {
  const down: Line = { ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true };
  assert.equal(sideOf(down, { x: 0.7, y: 0.5 }, 0), "left");
  assert.equal(sideOf(down, { x: 0.3, y: 0.5 }, 0), "right");
  const reversed: Line = { ax: 1, ay: 0.5, bx: 0, by: 0.5, inSideLeft: true };
  assert.equal(sideOf(reversed, { x: 0.5, y: 0.8 }, 0), "left");
});

test("leftDistance is the perpendicular distance in normalized units, also for a slanted line", () => {
  const slanted: Line = { ax: 0, ay: 0, bx: 1, by: 1, inSideLeft: true };
  // (1, 0) is top-right of the diagonal: on screen, the left of a walker heading down-right.
  assert.ok(Math.abs(leftDistance(slanted, { x: 1, y: 0 }) - Math.SQRT1_2) < 1e-12);
  assert.ok(Math.abs(leftDistance(horizontal, { x: 0.3, y: 0.9 }) + 0.4) < 1e-12);
});

test("points within the dead band are 'on' the line", () => {
  assert.equal(sideOf(horizontal, { x: 0.5, y: 0.48 }, 0.03), "on");
  assert.equal(sideOf(horizontal, { x: 0.5, y: 0.525 }, 0.03), "on");
  assert.equal(sideOf(horizontal, { x: 0.5, y: 0.54 }, 0.03), "right");
});

test("a move crosses the segment only between a and b", () => {
  const short: Line = { ax: 0.2, ay: 0.5, bx: 0.6, by: 0.5, inSideLeft: true };
  assert.equal(crossesSegment(short, { x: 0.4, y: 0.7 }, { x: 0.4, y: 0.3 }), true);
  assert.equal(crossesSegment(short, { x: 0.6, y: 0.7 }, { x: 0.6, y: 0.3 }), true, "end point b included");
  assert.equal(crossesSegment(short, { x: 0.7, y: 0.7 }, { x: 0.7, y: 0.3 }), false, "beyond b");
  assert.equal(crossesSegment(short, { x: 0.1, y: 0.7 }, { x: 0.1, y: 0.3 }), false, "before a");
  // Diagonal move that starts beyond b but meets the line inside the segment.
  assert.equal(crossesSegment(short, { x: 0.7, y: 0.7 }, { x: 0.3, y: 0.3 }), true);
  assert.equal(crossesSegment(short, { x: 0.4, y: 0.7 }, { x: 0.4, y: 0.6 }), false, "same side");
  const point: Line = { ax: 0.5, ay: 0.5, bx: 0.5, by: 0.5, inSideLeft: true };
  assert.equal(crossesSegment(point, { x: 0.5, y: 0.7 }, { x: 0.5, y: 0.3 }), false, "degenerate line");
});

test("sameLine compares end points, direction and in side", () => {
  assert.equal(sameLine(horizontal, { ...horizontal }), true);
  assert.equal(sameLine(horizontal, { ...horizontal, inSideLeft: false }), false);
  assert.equal(sameLine(horizontal, { ...horizontal, ax: 1, bx: 0 }), false);
  assert.equal(sameLine(null, null), true);
  assert.equal(sameLine(horizontal, null), false);
});
