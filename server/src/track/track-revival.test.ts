import assert from "node:assert/strict";
import { test } from "node:test";
import { createPeopleCounter } from "../count/people-counter.ts";
import { createIouTracker } from "./iou-tracker.ts";
import { bornInside, revivalCost } from "./track-revival.ts";
import { matchedIds, runScene, type WalkerScript } from "./walk-script.fixture.ts";

const ids = (scene: ReturnType<typeof runScene>) => new Set(matchedIds(scene).flat());
const person = (path: WalkerScript["path"], extra: Partial<WalkerScript> = {}): WalkerScript => ({ width: 0.05, height: 0.15, path, ...extra });
const play = (walkers: WalkerScript[], endMs: number, tracker = createIouTracker()) =>
  runScene({ fps: 10, endMs, walkers, tracker, counter: createPeopleCounter() });

test("someone lost for 6 s inside the picture who shows up where they vanished keeps their identity: one entry, one exit", () => {
  // vtest F577: B, missed while he stood among others, came back as a new entry (the stitching wait is 4 s).
  const walker = person(
    [{ t: 0, x: 0.2, y: 0.7 }, { t: 2000, x: 0.4, y: 0.7 }, { t: 9000, x: 0.4, y: 0.7 }, { t: 12000, x: 0.97, y: 0.7 }],
    { hidden: (frame) => frame > 20 && frame < 80 },
  );
  const revived = play([walker], 16000);
  assert.deepEqual(ids(revived), new Set([1]));
  assert.equal(revived.totals.entered, 1);
  assert.equal(revived.totals.exited, 1);
  const split = play([walker], 16000, createIouTracker({ reviveMs: 0 }));
  assert.equal(split.totals.entered, 2, "without revival the person is counted twice");
});

test("a person walking in at the frame's edge is a new person, even near where someone was lost", () => {
  const lost = person([{ t: 0, x: 0.2, y: 0.7 }, { t: 2000, x: 0.4, y: 0.7 }]);
  // Born 4 s after the loss, 2.4 heights from it: inside the revival gate, but at the left edge.
  const newcomer = person([{ t: 6000, x: 0.01, y: 0.7 }, { t: 9000, x: 0.35, y: 0.7 }]);
  const scene = play([lost, newcomer], 12000);
  assert.equal(scene.totals.entered, 2);
  assert.equal(ids(scene).size, 2);
});

test("a track lost longer than reviveMs is not revived: the comeback is a new entry, the first visit one exit", () => {
  const walker = person(
    [{ t: 0, x: 0.2, y: 0.7 }, { t: 2000, x: 0.4, y: 0.7 }, { t: 16000, x: 0.4, y: 0.7 }],
    { hidden: (frame) => frame > 20 && frame < 140 },
  );
  const scene = play([walker], 16000);
  assert.equal(scene.totals.entered, 2);
  assert.equal(scene.totals.exited, 1);
});

test("the revival gate grows with the time the track was lost and ignores boxes of another size", () => {
  const gate = { radius: 1, speed: 0.5, sizeRatio: 1.5 };
  const lost = { box: { x: 0.4, y: 0.4, width: 0.05, height: 0.2 }, lastMatchMs: 0 };
  const at = (dx: number, height = 0.2) => ({ x: 0.4 + dx, y: 0.4, width: 0.05, height });
  assert.equal(revivalCost(gate, lost, at(0.3), 0), undefined, "1.5 heights away at once: another person");
  assert.ok(revivalCost(gate, lost, at(0.3), 2000)! < 1, "the same distance 2 s later: within 2 heights");
  assert.equal(revivalCost(gate, lost, at(0, 0.4), 0), undefined, "twice the height");
  assert.equal(bornInside({ x: 0.005, y: 0.4, width: 0.05, height: 0.2 }), false);
  assert.equal(bornInside(at(0)), true);
});
