/**
 * The classic failure cases of people counters, played as scripted walks
 * through the real tracker and counter.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CountTotals, Line } from "./count-types.ts";
import type { WalkerScript } from "../track/walk-script.fixture.ts";
import { createPeopleCounter } from "./people-counter.ts";
import { runScene, straightWalk } from "../track/walk-script.fixture.ts";

/** Horizontal line across the middle; walking up the picture is "in". */
const line: Line = { ax: 0.05, ay: 0.5, bx: 0.95, by: 0.5, inSideLeft: true };
const up = (x: number, startMs = 0, endMs = 3000, extra: Partial<WalkerScript> = {}): WalkerScript =>
  straightWalk({ x, y: 0.95 }, { x, y: 0.2 }, startMs, endMs, extra);
const play = (walkers: WalkerScript[], fps = 10, endMs = 6000, deadBand?: number) =>
  runScene({ fps, endMs, walkers, counter: createPeopleCounter({ line, ...(deadBand === undefined ? {} : { deadBand }) }) });
const totals = (t: Partial<CountTotals>): CountTotals => ({ inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0, ...t });

test("two people crossing side by side are two entries and two crossings", () => {
  const scene = play([up(0.4), up(0.53)]);
  assert.deepEqual(scene.totals, totals({ entered: 2, exited: 2, crossedIn: 2 }));
});

test("two overlapping people crossing together are two entries and two crossings", () => {
  const front = up(0.47, 0, 3000, { width: 0.12 });
  const behind = straightWalk({ x: 0.53, y: 0.9 }, { x: 0.53, y: 0.17 }, 0, 3000, { width: 0.12, height: 0.27 });
  const scene = play([front, behind]);
  assert.deepEqual(scene.totals, totals({ entered: 2, exited: 2, crossedIn: 2 }));
  assert.ok(scene.results.slice(10, 30).every((r) => r.totals.inView === 2));
});

test("a person standing on the line is counted once, thanks to the dead band", () => {
  const stopper: WalkerScript = {
    width: 0.1, height: 0.3,
    path: [{ t: 0, x: 0.5, y: 0.9 }, { t: 1000, x: 0.5, y: 0.5 }, { t: 6000, x: 0.5, y: 0.5 }, { t: 7000, x: 0.5, y: 0.2 }],
    noise: { seed: 7, amplitude: 0.02 }, // feet jitter back and forth over the line while standing
  };
  const scene = play([stopper], 10, 9000);
  assert.deepEqual(scene.totals, totals({ entered: 1, exited: 1, crossedIn: 1 }));
  const noBand = play([stopper], 10, 9000, 0);
  assert.ok(noBand.totals.crossedOut >= 1, "without a dead band the jitter counts false crossings out");
});

test("a person who stops on the line and turns back is not counted", () => {
  const hesitant: WalkerScript = {
    width: 0.1, height: 0.3,
    path: [{ t: 0, x: 0.5, y: 0.9 }, { t: 1000, x: 0.5, y: 0.5 }, { t: 4000, x: 0.5, y: 0.5 }, { t: 5000, x: 0.5, y: 0.95 }],
    noise: { seed: 3, amplitude: 0.02 },
  };
  assert.deepEqual(play([hesitant], 10, 7000).totals, totals({ entered: 1, exited: 1 }));
});

test("a fast walker at 2 fps crossing before confirmation is counted once", () => {
  // Feet at 0.65, 0.45, 0.25, 0.05: crosses between the 1st and 2nd frame, confirmed on the 3rd.
  const fast = straightWalk({ x: 0.5, y: 0.65 }, { x: 0.5, y: 0.05 }, 0, 1500);
  const scene = play([fast], 2, 5000);
  assert.deepEqual(scene.totals, totals({ entered: 1, exited: 1, crossedIn: 1 }));
  const crossing = scene.events.find((e) => e.kind === "cross_in")!;
  assert.equal(crossing.timeMs, 500);
});

test("two people passing head-on across the line count one crossing each way, whatever the ids do", () => {
  const north = up(0.5, 0, 3000);
  const south = straightWalk({ x: 0.51, y: 0.15 }, { x: 0.51, y: 0.95 }, 0, 3000, { height: 0.28 });
  const scene = play([north, south]);
  assert.deepEqual(scene.totals, totals({ entered: 2, exited: 2, crossedIn: 1, crossedOut: 1 }));
});

test("a detection missing every other frame is one entry, one crossing, one exit, and a steady inView", () => {
  const flicker = up(0.5, 0, 3000, { hidden: (frame) => frame % 2 === 1 });
  const scene = play([flicker]);
  assert.deepEqual(scene.totals, totals({ entered: 1, exited: 1, crossedIn: 1 }));
  const during = scene.results.slice(8, 28).map((r) => r.totals.inView);
  assert.deepEqual(during, Array(20).fill(1));
});

test("a single-frame false positive, even a confident one on the line, never counts", () => {
  const scene = runScene({
    fps: 10, endMs: 2000, walkers: [], counter: createPeopleCounter({ line }),
    extra: (frame) => (frame === 5 ? [{ x: 0.4, y: 0.3, width: 0.1, height: 0.3, score: 0.95 }] : []),
  });
  assert.deepEqual(scene.totals, totals({}));
  assert.deepEqual(scene.events, []);
});

test("a track seen twice (never confirmed) counts nothing, even if it crosses", () => {
  const brief = straightWalk({ x: 0.5, y: 0.6 }, { x: 0.5, y: 0.45 }, 0, 100);
  const scene = play([brief], 10, 3000);
  assert.equal(scene.updates.flatMap((u) => u.confirmed).length, 0);
  assert.deepEqual(scene.totals, totals({}));
});

test("walking back and forth across the line counts every pass, or once per direction with everyCrossing false", () => {
  const pacer: WalkerScript = {
    width: 0.1, height: 0.3,
    path: [0.9, 0.3, 0.8, 0.3, 0.8, 0.3].map((y, i) => ({ t: i * 1000, x: 0.5, y })),
  };
  assert.deepEqual(play([pacer], 10, 8000).totals, totals({ entered: 1, exited: 1, crossedIn: 3, crossedOut: 2 }));
  const once = runScene({ fps: 10, endMs: 8000, walkers: [pacer], counter: createPeopleCounter({ line, everyCrossing: false }) });
  assert.deepEqual(once.totals, totals({ entered: 1, exited: 1, crossedIn: 1, crossedOut: 1 }));
});
