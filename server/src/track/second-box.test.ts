import assert from "node:assert/strict";
import { test } from "node:test";
import type { Detection } from "../detect/detector.ts";
import { createIouTracker } from "./iou-tracker.ts";
import { containedShare, isSecondBox, overlapsAny } from "./second-box.ts";

const box = (x: number, y: number, width: number, height: number, score = 0.8): Detection => ({ x, y, width, height, score });

/** Runs scripted frames (10 fps) and returns every id confirmed and, per frame, the ids assigned. */
function run(frames: Detection[][], tracker = createIouTracker()): { confirmed: number[]; assigned: number[][] } {
  const confirmed: number[] = [];
  const assigned: number[][] = [];
  frames.forEach((dets, i) => {
    const u = tracker.update(dets, i * 100);
    confirmed.push(...u.confirmed);
    assigned.push([...u.assignments]);
  });
  return { confirmed, assigned };
}

test("containedShare is the share of the smaller box inside the other; isSecondBox and overlapsAny use it and IoU", () => {
  const body = box(0.5, 0.3, 0.05, 0.15);
  const upper = box(0.505, 0.3, 0.05, 0.11);
  assert.ok(Math.abs(containedShare(body, upper) - 0.9) < 1e-9);
  assert.equal(containedShare(body, box(0.7, 0.3, 0.05, 0.15)), 0);
  assert.ok(isSecondBox({ duplicateIou: 0.7, containment: 0.5 }, upper, [body]));
  assert.ok(!isSecondBox({ duplicateIou: 0.7, containment: 1.1 }, upper, [body]));
  assert.ok(overlapsAny(box(0.525, 0.3, 0.05, 0.15), [body], 0.3));
  assert.ok(!overlapsAny(box(0.525, 0.3, 0.05, 0.15), [body], 0));
});

test("a box shifted half a body off a tracked person is not a second entry; when it alone is left, it carries on the person's identity", () => {
  // vtest F466-F468: a box half a body to the right of B (IoU 0.34 with his), then B's own box lost; it counted a new entry.
  const person = box(0.4, 0.3, 0.05, 0.15);
  const shifted = box(0.425, 0.3, 0.05, 0.15); // IoU 1/3 with the person's box
  const frames = [
    ...Array.from({ length: 5 }, () => [person]),
    ...Array.from({ length: 5 }, () => [person, shifted]),
    ...Array.from({ length: 5 }, () => [shifted]),
  ];
  const { confirmed, assigned } = run(frames);
  assert.deepEqual(confirmed, [1], "one person, one confirmation");
  assert.deepEqual(assigned.at(-1), [1], "the shifted box carries on the person's identity");
  const before = run(frames, createIouTracker({ shadowIou: 0 }));
  assert.equal(before.confirmed.length, 2, "without the rule the second box is a second person");
});

test("two people walking side by side, boxes touching, are two people", () => {
  // vtest F51: T and U walking together, their boxes overlapping by IoU below 0.2.
  const frames = Array.from({ length: 8 }, (_, i) => [box(0.3 + i * 0.005, 0.4, 0.05, 0.15), box(0.34 + i * 0.005, 0.4, 0.05, 0.15)]);
  assert.deepEqual(run(frames).confirmed, [1, 2]);
});

test("an upper-body box on a tracked person is not stitched to someone lost next to them", () => {
  // vtest F366: an upper-body box on a man walking with arms out was stitched to a track lost elsewhere,
  // which jumped there and counted a crossing of the diagonal line.
  const standing = box(0.5, 0.3, 0.05, 0.15);
  const neighbour = box(0.56, 0.3, 0.05, 0.15);
  const upper = box(0.505, 0.3, 0.05, 0.11); // 90% inside the standing person's box, IoU 0.61
  const frames = [
    ...Array.from({ length: 5 }, () => [standing, neighbour]),
    // The neighbour is lost; 1.2 s later (past the overlap stage) the upper-body box shows up next to where they were.
    ...Array.from({ length: 12 }, () => [standing]),
    ...Array.from({ length: 3 }, () => [standing, upper]),
  ];
  const { assigned } = run(frames);
  assert.ok(assigned.slice(-3).every((ids) => ids[0] === 1 && ids[1] !== 2), `assigned ${JSON.stringify(assigned.slice(-3))}`);
  const before = run(frames, createIouTracker({ secondBoxContainment: 2 }));
  assert.equal(before.assigned.at(-1)![1], 2, "without the rule the lost neighbour jumps onto the upper-body box");
});
