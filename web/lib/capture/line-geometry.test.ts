import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clampPoint, inArrow, lineLength, makeLine, sideOf } from "./line-geometry.ts";

describe("sideOf", () => {
  it("follows the server's convention: for a->b pointing right, left (in) is the upper half", () => {
    const line = makeLine({ x: 0, y: 0.5 }, { x: 1, y: 0.5 }, true);
    assert.equal(sideOf(line, { x: 0.5, y: 0.2 }), 1);
    assert.equal(sideOf(line, { x: 0.5, y: 0.8 }), -1);
    assert.equal(sideOf(line, { x: 0.3, y: 0.5 }), 0);
  });

  it("for a->b drawn downwards, left is the right half of the picture", () => {
    const line = makeLine({ x: 0.5, y: 0 }, { x: 0.5, y: 1 }, true);
    assert.equal(sideOf(line, { x: 0.8, y: 0.5 }), 1);
    assert.equal(sideOf({ ...line, inSideLeft: false }, { x: 0.8, y: 0.5 }), -1);
  });
});

describe("inArrow", () => {
  it("points to the in side, perpendicular to the line in pixels", () => {
    const line = makeLine({ x: 0, y: 0.5 }, { x: 1, y: 0.5 }, true);
    const arrow = inArrow(line, 640, 480, 30);
    assert.deepEqual(arrow.from, { x: 320, y: 240 });
    assert.deepEqual(arrow.to, { x: 320, y: 210 });
    const flipped = inArrow({ ...line, inSideLeft: false }, 640, 480, 30);
    assert.deepEqual(flipped.to, { x: 320, y: 270 });
  });

  it("agrees with sideOf for a diagonal line on a wide frame", () => {
    const line = makeLine({ x: 0.1, y: 0.9 }, { x: 0.9, y: 0.1 }, false);
    const arrow = inArrow(line, 1280, 720, 50);
    assert.equal(sideOf(line, { x: arrow.to.x / 1280, y: arrow.to.y / 720 }), 1);
    const dot = (arrow.to.x - arrow.from.x) * (0.8 * 1280) + (arrow.to.y - arrow.from.y) * (-0.8 * 720);
    assert.ok(Math.abs(dot) < 1e-6);
  });
});

describe("makeLine / lineLength / clampPoint", () => {
  it("clamps points into the frame", () => {
    assert.deepEqual(clampPoint({ x: -0.2, y: 1.4 }), { x: 0, y: 1 });
    assert.deepEqual(makeLine({ x: -1, y: 0.5 }, { x: 2, y: 0.5 }, true), { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true });
  });

  it("measures in normalized units or pixels", () => {
    const line = makeLine({ x: 0, y: 0 }, { x: 0.3, y: 0.4 }, true);
    assert.ok(Math.abs(lineLength(line) - 0.5) < 1e-12);
    assert.ok(Math.abs(lineLength(line, 100, 100) - 50) < 1e-9);
  });
});
