/**
 * Track stitching, played as scripted walks: people the detector misses for a
 * second or two keep their identity, their entry and their line side.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Line } from "../count/count-types.ts";
import type { WalkerScript } from "./walk-script.fixture.ts";
import { createIouTracker } from "./iou-tracker.ts";
import { createPeopleCounter } from "../count/people-counter.ts";
import { matchedIds, runScene, straightWalk, walkerAt } from "./walk-script.fixture.ts";

/** Horizontal line across the middle; walking up the picture is "in". */
const line: Line = { ax: 0.05, ay: 0.5, bx: 0.95, by: 0.5, inSideLeft: true };
/** Neither stitching nor revival (track-revival.ts): every miss longer than maxAgeMs splits a walker. */
const noStitch = () => createIouTracker({ stitchRadius: 0, reviveMs: 0 });
const hiddenBetween = (from: number, to: number) => (frame: number) => frame >= from && frame < to;
const ids = (scene: ReturnType<typeof runScene>) => new Set(matchedIds(scene).flat());

test("a walker missed for 1.5 s mid-frame is re-found near its predicted position and keeps its id", () => {
  const walker = straightWalk({ x: 0.1, y: 0.8 }, { x: 0.9, y: 0.8 }, 0, 4000, { hidden: hiddenBetween(12, 27) });
  const scene = runScene({ fps: 10, endMs: 4000, walkers: [walker] });
  assert.deepEqual(ids(scene), new Set([1]));
  assert.deepEqual(scene.updates.flatMap((u) => u.confirmed), [1]);
  assert.ok(scene.updates.every((u) => u.lost.length === 0));
  assert.ok(ids(runScene({ fps: 10, endMs: 4000, walkers: [walker], tracker: noStitch() })).size > 1, "the gap defeats plain tracking");
});

test("a person who stopped while unseen is stitched where they stand (anywhere along the predicted path)", () => {
  // Last seen at x = 0.4 walking 0.2 per s; re-found 2.5 s later at 0.42, 0.48 short of the predicted 0.9.
  const stopper: WalkerScript = {
    width: 0.1, height: 0.3,
    path: [{ t: 0, x: 0.2, y: 0.8 }, { t: 1000, x: 0.4, y: 0.8 }, { t: 1100, x: 0.42, y: 0.8 }, { t: 4000, x: 0.42, y: 0.8 }],
    hidden: hiddenBetween(11, 35),
  };
  assert.deepEqual(ids(runScene({ fps: 10, endMs: 4000, walkers: [stopper] })), new Set([1]));
});

test("a crossing hidden by a 1.5 s miss is counted once, by the re-found track, which inherits its side", () => {
  // Feet go 0.95 -> 0.2 over 3 s; unseen from 0.65 to 0.35, i.e. during the whole crossing.
  const walker = straightWalk({ x: 0.5, y: 0.95 }, { x: 0.5, y: 0.2 }, 0, 3000, { hidden: hiddenBetween(12, 24) });
  const play = (tracker = createIouTracker()) =>
    runScene({ fps: 10, endMs: 8000, walkers: [walker], tracker, counter: createPeopleCounter({ line }) });
  assert.deepEqual(play().totals, { inView: 0, entered: 1, exited: 1, crossedIn: 1, crossedOut: 0 });
  const split = play(noStitch()).totals;
  assert.equal(split.entered, 2, "without stitching the person becomes two tracks");
  assert.equal(split.crossedIn, 0, "and neither track saw both sides");
});

test("a track stitched after it crossed does not count a second entry, crossing or exit", () => {
  const walker = straightWalk({ x: 0.5, y: 0.95 }, { x: 0.5, y: 0.2 }, 0, 3000, { hidden: hiddenBetween(20, 27) });
  const scene = runScene({ fps: 10, endMs: 8000, walkers: [walker], counter: createPeopleCounter({ line }) });
  assert.deepEqual(scene.totals, { inView: 0, entered: 1, exited: 1, crossedIn: 1, crossedOut: 0 });
  assert.deepEqual(scene.events.map((e) => `${e.kind}:${e.trackId}`), ["entry:1", "cross_in:1", "exit:1"]);
});

test("two people missed together while crossing side by side keep their own ids and count two crossings", () => {
  const left = straightWalk({ x: 0.35, y: 0.95 }, { x: 0.35, y: 0.2 }, 0, 3000, { hidden: hiddenBetween(12, 24) });
  const right = straightWalk({ x: 0.6, y: 0.95 }, { x: 0.6, y: 0.2 }, 0, 3000, { hidden: hiddenBetween(12, 24) });
  const scene = runScene({ fps: 10, endMs: 8000, walkers: [left, right], counter: createPeopleCounter({ line }) });
  for (const [frame, u] of scene.updates.entries()) {
    if (u.assignments.length === 2) assert.deepEqual(u.assignments, [1, 2], `frame ${frame}`);
  }
  assert.deepEqual(scene.totals, { inView: 0, entered: 2, exited: 2, crossedIn: 2, crossedOut: 0 });
});

test("a lost track is not stitched to someone far from its path or of a clearly different size", () => {
  const tracker = createIouTracker();
  const standing = { x: 0.45, y: 0.4, width: 0.1, height: 0.3, score: 0.9 };
  for (let t = 0; t <= 900; t += 100) tracker.update([standing], t);
  // 2 s later: 0.5 away (1.7 heights), and a child-sized box in the same place.
  const far = tracker.update([{ ...standing, x: 0.95 }], 2900);
  assert.notEqual(far.assignments[0], 1);
  const small = tracker.update([{ ...standing, y: 0.55, height: 0.15 }], 3000);
  assert.notEqual(small.assignments[0], 1);
  assert.equal(tracker.update([standing], 3100).assignments[0], 1, "the same person at the same place is stitched");
});

test("a re-found person whose first box failed the gate starts no second identity: stitching takes the tentative track over", () => {
  const walker = straightWalk({ x: 0.1, y: 0.8 }, { x: 0.9, y: 0.8 }, 0, 4000, { hidden: hiddenBetween(12, 29) });
  const scene = runScene({
    fps: 10, endMs: 4000, walkers: [walker],
    // The first box after the gap is oversized (1.7x the height, as when it takes in a shadow): too unlike the track to stitch.
    extra: (frame, t) => {
      const p = walkerAt(walker, t)!;
      return frame === 28 ? [{ ...p, y: p.y - 0.2, height: p.height + 0.2 }] : [];
    },
  });
  assert.equal(scene.updates[28]!.assignments[0], 2, "the oversized box starts a tentative track");
  assert.equal(scene.updates[29]!.assignments[0], 1, "the next, normal box goes to the old track");
  assert.ok(scene.updates[29]!.tracks.every((t) => t.id === 1), "the tentative track merged away");
  assert.deepEqual(scene.updates.flatMap((u) => u.confirmed), [1]);
});

test("a person who walks out through the frame edge is lost after maxAgeMs, without the stitching wait", () => {
  const leaver = straightWalk({ x: 0.5, y: 0.8 }, { x: 1.2, y: 0.8 }, 0, 2000);
  const scene = runScene({ fps: 10, endMs: 6000, walkers: [leaver] });
  const lastSeen = Math.max(...scene.updates.filter((u) => u.assignments.includes(1)).map((u) => u.timeMs));
  const lost = scene.updates.filter((u) => u.lost.length > 0).map((u) => u.timeMs);
  assert.deepEqual(lost, [lastSeen + 1100]);
});
