/**
 * The colour cue in the tracker, played as scripted walks: a person lost
 * mid-frame is not handed to someone else who looks different.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createIouTracker } from "./iou-tracker.ts";
import { looksDifferent, updateAppearance } from "./appearance-gate.ts";
import { matchedIds, runScene, straightWalk } from "./walk-script.fixture.ts";

// Signatures as the worker makes them: upper body then legs, 10 bins each (4 greys, 6 hues).
const RED_OVER_BLUE = "0000f0000000000000f0";
const GREY = "0f000000000f00000000";

test("someone else walking in past where a lost person vanished does not take their identity, if they look different", () => {
  // A walks right along the bottom and is missed from 1.1 s (behind a pillar) until found again at 3.5 s.
  const a = straightWalk({ x: 0.1, y: 0.8 }, { x: 0.9, y: 0.8 }, 0, 4000, { appearance: RED_OVER_BLUE, hidden: (f) => f >= 11 && f < 35 });
  // B walks in from the bottom edge at 2.2 s (A unseen for longer than maxAgeMs: only stitching could
  // give A back), right across A's predicted path (vtest F287, F500, F722).
  const b = straightWalk({ x: 0.55, y: 1 }, { x: 0.55, y: 0.3 }, 2200, 4000, { appearance: GREY });
  const play = (tracker = createIouTracker()) => {
    const scene = runScene({ fps: 10, endMs: 4000, walkers: [a, b], tracker });
    // Frame 26 (2.6 s): only B is seen. Frame 38 (3.8 s): both, A first.
    return { b: matchedIds(scene)[26], both: matchedIds(scene)[38] };
  };
  const withCue = play();
  assert.equal(withCue.b?.length, 1);
  assert.notEqual(withCue.b?.[0], 1, "B is not A");
  assert.equal(withCue.both?.[0], 1, "A, found again, is still track 1");
  const without = play(createIouTracker({ stitchMinSimilarity: 0 }));
  assert.deepEqual(without.b, [1], "without the colour cue B is stitched to A's track");
});

test("a detection without a signature is never refused, and a track keeps its colours through one", () => {
  assert.equal(looksDifferent(0.5, undefined, [1, 2]), false);
  const colours = updateAppearance(undefined, { x: 0, y: 0, width: 0.1, height: 0.3, score: 0.9, appearance: GREY });
  assert.deepEqual(updateAppearance(colours, { x: 0, y: 0, width: 0.1, height: 0.3, score: 0.9 }), colours);
  const red = updateAppearance(undefined, { x: 0, y: 0, width: 0.1, height: 0.3, score: 0.9, appearance: RED_OVER_BLUE });
  assert.equal(looksDifferent(0.5, colours, red), true);
  assert.equal(looksDifferent(0.5, colours, colours), false);
});
