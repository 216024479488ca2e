import { test } from "node:test";
import assert from "node:assert/strict";
import type { Detection } from "./detector.ts";
import { intersectionArea, intersectionOverUnion, nonMaxSuppression } from "./non-max-suppression.ts";

function box(x: number, y: number, width: number, height: number, score = 0.9): Detection {
  return { x, y, width, height, score };
}

test("intersection and IoU of overlapping, nested, touching and disjoint boxes", () => {
  const a = box(0, 0, 0.4, 0.4);
  const b = box(0.2, 0.2, 0.4, 0.4);
  assert.ok(Math.abs(intersectionArea(a, b) - 0.04) < 1e-12);
  assert.ok(Math.abs(intersectionOverUnion(a, b) - 0.04 / 0.28) < 1e-12);
  assert.equal(intersectionOverUnion(a, a), 1);
  assert.equal(intersectionOverUnion(a, box(0.4, 0, 0.2, 0.2)), 0, "touching edges do not overlap");
  assert.equal(intersectionOverUnion(a, box(0.7, 0.7, 0.1, 0.1)), 0);
  assert.equal(intersectionOverUnion(box(0, 0, 0, 0), box(0, 0, 0, 0)), 0, "empty boxes give 0, not NaN");
});

test("keeps the highest-scoring of two near-identical boxes", () => {
  const kept = nonMaxSuppression([box(0.1, 0.1, 0.2, 0.5, 0.6), box(0.11, 0.1, 0.2, 0.5, 0.8)], 10);
  assert.deepEqual(kept, [box(0.11, 0.1, 0.2, 0.5, 0.8)]);
});

test("suppresses a box mostly inside a better one even when their IoU is low (upper body in whole body)", () => {
  const whole = box(0.5, 0.1, 0.1, 0.6, 0.7);
  const upper = box(0.5, 0.1, 0.1, 0.25, 0.55);
  assert.ok(intersectionOverUnion(whole, upper) < 0.5);
  assert.deepEqual(nonMaxSuppression([upper, whole], 10), [whole]);
});

test("also suppresses when the better box is the smaller one", () => {
  const upper = box(0.5, 0.1, 0.1, 0.25, 0.8);
  const whole = box(0.5, 0.1, 0.1, 0.6, 0.6);
  assert.deepEqual(nonMaxSuppression([whole, upper], 10), [upper]);
});

test("keeps two people walking side by side", () => {
  const left = box(0.30, 0.2, 0.05, 0.15, 0.7);
  const right = box(0.34, 0.2, 0.05, 0.15, 0.6);
  assert.deepEqual(nonMaxSuppression([right, left], 10), [left, right]);
});

test("returns best first, at most maxResults, and leaves the input untouched", () => {
  const input = [box(0.0, 0, 0.1, 0.1, 0.5), box(0.2, 0, 0.1, 0.1, 0.9), box(0.4, 0, 0.1, 0.1, 0.7)];
  const copy = structuredClone(input);
  assert.deepEqual(nonMaxSuppression(input, 2).map((d) => d.score), [0.9, 0.7]);
  assert.deepEqual(input, copy);
  assert.deepEqual(nonMaxSuppression([], 5), []);
});

test("a suppressed box does not itself suppress others (greedy order)", () => {
  // b duplicates a; c overlaps b but not a: c must survive.
  const a = box(0.0, 0, 0.2, 0.2, 0.9);
  const b = box(0.1, 0, 0.2, 0.2, 0.8);
  const c = box(0.22, 0, 0.2, 0.2, 0.7);
  assert.ok(intersectionOverUnion(a, b) >= 0.3 && intersectionArea(a, c) === 0);
  const kept = nonMaxSuppression([c, b, a], 10, { iouThreshold: 0.3, containmentThreshold: 2 });
  assert.deepEqual(kept, [a, c]);
});

test("thresholds are configurable: above 1 turns suppression off", () => {
  const pair = [box(0.1, 0.1, 0.2, 0.2, 0.9), box(0.1, 0.1, 0.2, 0.2, 0.8)];
  assert.equal(nonMaxSuppression(pair, 10, { iouThreshold: 1.01, containmentThreshold: 1.01 }).length, 2);
});
