import { test } from "node:test";
import assert from "node:assert/strict";
import type { Detection } from "../detect/detector.ts";
import { createIouTracker, defaultIouTrackerConfig } from "./iou-tracker.ts";
import { iou } from "./box-math.ts";
import { matchedIds, runScene, straightWalk, walkerAt } from "./walk-script.fixture.ts";

const across = straightWalk({ x: 0.1, y: 0.8 }, { x: 0.9, y: 0.8 }, 0, 2000);

test("a steady walker keeps id 1 and is confirmed on its third hit", () => {
  const scene = runScene({ fps: 10, endMs: 2000, walkers: [across] });
  assert.deepEqual(new Set(matchedIds(scene).flat()), new Set([1]));
  assert.ok(matchedIds(scene).every((ids) => ids.length === 1));
  assert.deepEqual(scene.updates.map((u) => u.confirmed), [[], [], [1], ...Array(18).fill([])]);
  assert.equal(scene.updates[1]!.tracks[0]!.confirmed, false);
  assert.equal(scene.updates[2]!.tracks[0]!.confirmed, true);
});

test("a single-frame false positive is dropped silently: never confirmed, never lost", () => {
  const tracker = createIouTracker();
  const fp: Detection = { x: 0.4, y: 0.4, width: 0.1, height: 0.3, score: 0.9 };
  const first = tracker.update([fp], 0);
  assert.deepEqual(first.assignments, [1]);
  const later = [100, 200, 300, 2000].map((t) => tracker.update([], t));
  assert.equal(later[0]!.tracks.length, 1, "kept through one miss");
  assert.equal(later[1]!.tracks.length, 0, "dropped after the second miss");
  assert.ok([first, ...later].every((u) => u.confirmed.length === 0 && u.lost.length === 0));
});

test("low-score detections keep a track alive but never start one", () => {
  const tracker = createIouTracker();
  const ids: number[][] = [];
  for (let frame = 0; frame <= 20; frame++) {
    const t = frame * 100;
    const person = walkerAt(across, t)!;
    const score = frame < 5 ? 0.8 : 0.3;
    const ghost: Detection = { x: 0.05, y: 0.05, width: 0.1, height: 0.2, score: 0.3 };
    const update = tracker.update([{ ...person, score }, ghost], t);
    ids.push([...update.assignments]);
    assert.ok(update.tracks.every((tr) => tr.id === 1), `frame ${frame}: only track 1 exists`);
  }
  assert.ok(ids.every(([person, ghost]) => person === 1 && ghost === 0));
});

test("detections below lowScore are ignored even when they overlap a track", () => {
  const tracker = createIouTracker();
  const box = { x: 0.4, y: 0.4, width: 0.1, height: 0.3 };
  tracker.update([{ ...box, score: 0.9 }], 0);
  const update = tracker.update([{ ...box, score: 0.05 }], 100);
  assert.deepEqual(update.assignments, [0]);
  assert.equal(update.tracks[0]!.misses, 1);
});

test("a fast walker at 2 fps whose boxes never overlap keeps one id", () => {
  // 0.15 per frame with a 0.1-wide box: consecutive boxes are disjoint.
  const fast = straightWalk({ x: 0.05, y: 0.8 }, { x: 0.95, y: 0.8 }, 0, 3000);
  const a = walkerAt(fast, 0)!;
  const b = walkerAt(fast, 500)!;
  assert.equal(iou(a, b), 0, "the scenario must defeat plain IoU");
  const scene = runScene({ fps: 2, endMs: 3000, walkers: [fast] });
  assert.deepEqual(matchedIds(scene), [[1], [1], [1], [1], [1], [1], [1]]);
  assert.deepEqual(scene.updates.flatMap((u) => u.confirmed), [1]);
  // Without the distance fallback every frame would start a new track.
  const iouOnly = runScene({ fps: 2, endMs: 3000, walkers: [fast], tracker: createIouTracker({ maxSpeed: 0 }) });
  assert.ok(new Set(matchedIds(iouOnly).flat()).size > 1);
});

test("two people walking through each other keep their ids (constant-velocity prediction)", () => {
  const east = straightWalk({ x: 0.1, y: 0.8 }, { x: 0.9, y: 0.8 }, 0, 2000);
  // Offset so that, without prediction, each track's last box is nearer the other person's next one.
  const west = straightWalk({ x: 0.95, y: 0.82 }, { x: 0.15, y: 0.82 }, 0, 2000);
  const scene = runScene({ fps: 5, endMs: 2000, walkers: [east, west] });
  // Detection order is [east, west] in every frame where both are seen.
  for (const [frame, u] of scene.updates.entries()) {
    assert.deepEqual(u.assignments, [1, 2], `frame ${frame}`);
  }
});

test("a confirmed track survives a gap shorter than maxAgeMs and is lost exactly once after it", () => {
  const walker = {
    ...straightWalk({ x: 0.1, y: 0.8 }, { x: 0.7, y: 0.8 }, 0, 3000),
    hidden: (frame: number) => frame >= 10 && frame < 18, // 800 ms unseen
  };
  // Without stitching or revival a track is lost as soon as it is unmatched for more than maxAgeMs.
  const scene = runScene({ fps: 10, endMs: 5000, walkers: [walker], tracker: createIouTracker({ stitchMs: 0, reviveMs: 0 }) });
  assert.deepEqual(new Set(matchedIds(scene).flat()), new Set([1]));
  const lost = scene.updates.filter((u) => u.lost.length > 0);
  assert.equal(lost.length, 1);
  assert.equal(lost[0]!.timeMs, 3000 + 1100, "first frame more than 1000 ms after the last match");
  assert.equal(lost[0]!.lost[0]!.id, 1);
  const missed = scene.updates[15]!.tracks[0]!;
  assert.equal(missed.misses, 6);
  assert.ok(missed.box.x > walkerAt(walker, 900)!.x + 0.05, "a missed track's box is predicted forward");
  // By default a track that vanished inside the frame waits to be stitched, until its prediction leaves the frame...
  const lostWhenOut = runScene({ fps: 10, endMs: 8000, walkers: [walker] }).updates.filter((u) => u.lost.length > 0);
  assert.deepEqual(lostWhenOut.map((u) => u.timeMs), [4600], "centre 0.7 + 0.2 per s: beyond x = 1 after 1.6 s");
  // ...or for stitchMs more than maxAgeMs, or reviveMs when that is longer (10 s: a track born there may still be
  // this person): here until the prediction leaves the frame (centre 0.4 + 0.1 per s), 6 s after the last match.
  const slow = { ...straightWalk({ x: 0.1, y: 0.8 }, { x: 0.4, y: 0.8 }, 0, 3000), hidden: walker.hidden };
  const waiting = runScene({ fps: 10, endMs: 16000, walkers: [slow] });
  assert.deepEqual(waiting.updates.filter((u) => u.lost.length > 0).map((u) => u.timeMs), [3000 + 6000 + 100]);
  const noRevival = runScene({ fps: 10, endMs: 8000, walkers: [slow], tracker: createIouTracker({ reviveMs: 0 }) });
  assert.deepEqual(noRevival.updates.filter((u) => u.lost.length > 0).map((u) => u.timeMs), [3000 + 1000 + 3000 + 100]);
  assert.ok(waiting.updates[60]!.tracks.some((t) => t.id === 1), "still listed while it may be stitched");
});

test("a detection flickering every other frame is confirmed as one track", () => {
  const flicker = { ...across, hidden: (frame: number) => frame % 2 === 1 };
  const scene = runScene({ fps: 10, endMs: 2000, walkers: [flicker] });
  assert.deepEqual(new Set(matchedIds(scene).flat()), new Set([1]));
  assert.deepEqual(scene.updates[4]!.confirmed, [1]);
});

test("a duplicate box of a tracked person does not start a second track", () => {
  const scene = runScene({
    fps: 10,
    endMs: 2000,
    walkers: [across],
    extra: (_frame, t) => {
      const p = walkerAt(across, t)!;
      return [{ ...p, x: p.x + 0.005, height: p.height - 0.01, score: 0.6 }];
    },
  });
  assert.ok(scene.updates.every((u) => u.tracks.length === 1 && u.assignments[1] === 0));
});

test("matching is best-first: each track takes its best detection whatever the detection order", () => {
  const tracker = createIouTracker();
  const a = { x: 0.25, y: 0.5, width: 0.1, height: 0.3, score: 0.9 };
  const b = { ...a, x: 0.3 }; // overlaps a with IoU 1/3
  tracker.update([a, b], 0);
  assert.deepEqual(tracker.update([b, a], 100).assignments, [2, 1]);
});

test("a distance-only match needs boxes of similar height", () => {
  const tracker = createIouTracker();
  const tall = { x: 0.4, y: 0.3, width: 0.2, height: 0.5, score: 0.9 };
  tracker.update([tall], 0);
  // A small person inside the tall box's area: IoU 0.04, centre within the distance gate.
  const small = { x: 0.48, y: 0.5, width: 0.04, height: 0.1, score: 0.9 };
  assert.deepEqual(tracker.update([small], 100).assignments, [2]);
});

test("after two hits, a missed track's box moves on at the measured velocity", () => {
  const tracker = createIouTracker();
  const box = { x: 0.2, y: 0.5, width: 0.1, height: 0.3, score: 0.9 };
  tracker.update([box], 0);
  tracker.update([{ ...box, x: 0.25 }], 100);
  const missed = tracker.update([], 200).tracks[0]!;
  assert.ok(Math.abs(missed.box.x - 0.3) < 1e-9, `predicted x ${missed.box.x}`);
});

test("frames arriving 1 ms apart do not fling the prediction away (velocity is capped)", () => {
  const tracker = createIouTracker();
  const box = { x: 0.4, y: 0.5, width: 0.1, height: 0.3, score: 0.9 };
  tracker.update([box], 0);
  tracker.update([box], 100);
  tracker.update([{ ...box, x: 0.41 }], 101); // 0.01 of jitter in 1 ms
  assert.deepEqual(tracker.update([box], 200).assignments, [1]);
});

test("a track missed for long does not grab a person appearing more than its gate horizon away", () => {
  const tracker = createIouTracker();
  const standing = { x: 0.45, y: 0.4, width: 0.1, height: 0.3, score: 0.9 };
  for (let t = 0; t <= 900; t += 100) tracker.update([standing], t);
  // 0.45 away after 800 ms unseen: inside 2.5 heights/s * 0.8 s, outside the 500 ms horizon.
  const update = tracker.update([{ ...standing, x: 0 }], 1700);
  assert.deepEqual(update.assignments, [2]);
  assert.equal(update.tracks.find((t) => t.id === 1)?.misses, 1, "track 1 is kept, unmatched");
});

test("invalid config is rejected", () => {
  assert.throws(() => createIouTracker({ minHits: 0 }), RangeError);
  assert.throws(() => createIouTracker({ minIou: 0 }), RangeError);
  assert.throws(() => createIouTracker({ lowScore: 0.6, highScore: 0.5 }), RangeError);
  assert.throws(() => createIouTracker({ maxSpeed: -1 }), RangeError);
  assert.throws(() => createIouTracker({ gateHorizonMs: Number.NaN }), RangeError);
  assert.throws(() => createIouTracker({ stitchMs: -1 }), RangeError);
  assert.throws(() => createIouTracker({ stitchSizeRatio: 0.9 }), RangeError);
  assert.throws(() => createIouTracker({ minHeight: 2 }), RangeError);
  assert.equal(defaultIouTrackerConfig.minHits, 3);
});

test("boxes shorter than minHeight (far-away clutter such as traffic cones) never start a track", () => {
  const cone: Detection = { x: 0.2, y: 0.3, width: 0.02, height: 0.025, score: 0.9 };
  const tracker = createIouTracker();
  const updates = [0, 100, 200, 300].map((t) => tracker.update([cone], t));
  assert.ok(updates.every((u) => u.tracks.length === 0 && u.assignments[0] === 0));
  assert.equal(createIouTracker({ minHeight: 0 }).update([cone], 0).assignments[0], 1);
});
