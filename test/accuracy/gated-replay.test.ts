/**
 * The motion gate's goals, replayed (seconds, no detector): the clips'
 * frames judged by the server's own gate on their 1/8-scale grey decode,
 * the recorded detections given to the tracker only on the frames it lets
 * through (`gated-replay.ts`). `one-by-one-cli.test.ts` checks the same
 * through the real server and MediaPipe.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clipMotionGate, clipThumbnails, motionGateOver } from "./gated-replay.ts";
import { loadRecording } from "./recorded-detections.ts";
import { replayClip, replayFrames } from "./replay.ts";

test("one-by-one at 10 fps with the motion gate: the detector runs on at most half the frames, counts and people in view as without it", { timeout: 120_000 }, async () => {
  const off = replayClip("one-by-one", 10);
  const on = replayClip("one-by-one", 10, undefined, await clipMotionGate("one-by-one", 10));
  console.log(`one-by-one 10 fps gated: detector on ${on.detected} of ${on.frames} frames, entered ${on.entered}, exited ${on.exited}, MAE ${on.inViewMae.toFixed(3)} (ungated ${off.inViewMae.toFixed(3)})`);
  // Measured 378 of 1394 (someone is in view on 1089 frames by the hand count: 78%). Issue 15 asks for at
  // most half; the capacity benchmark's 2x rests on under a third (616, 44%, following a lone walker on
  // every other frame gave 1.5x).
  assert.ok(on.detected <= on.frames / 2, `detector on ${on.detected} of ${on.frames} frames`);
  assert.ok(on.detected <= on.frames * 0.3, `detector on ${on.detected} of ${on.frames} frames: more than 30%`);
  assert.equal(on.entered, 6);
  assert.equal(on.exited, 6);
  assert.ok(on.maxInView <= 1, `max in view ${on.maxInView}`);
  assert.ok(Math.abs(on.inViewMae - off.inViewMae) <= 0.02, `MAE ${on.inViewMae.toFixed(3)} gated, ${off.inViewMae.toFixed(3)} not`);
});

for (const [clip, fps] of [["vtest", 10], ["vtest", 5], ["one-by-one", 5]] as const) {
  test(`${clip} at ${fps} fps with the motion gate: the same counts as without it`, { timeout: 120_000 }, async () => {
    const off = replayClip(clip, fps);
    const on = replayClip(clip, fps, undefined, await clipMotionGate(clip, fps));
    console.log(`${clip} ${fps} fps gated: detector on ${on.detected} of ${on.frames} frames, entered ${on.entered}, exited ${on.exited}`);
    assert.deepEqual(
      { entered: on.entered, exited: on.exited, lines: on.lines },
      { entered: off.entered, exited: off.exited, lines: off.lines },
    );
    assert.ok(Math.abs(on.inViewMae - off.inViewMae) <= 0.02, `MAE ${on.inViewMae.toFixed(3)} gated, ${off.inViewMae.toFixed(3)} not`);
  });
}

test("one-by-one at 10 fps, cameras joining at any moment (as in the capacity benchmark): the detector runs on under a third of their frames", { timeout: 120_000 }, async () => {
  const thumbnails = await clipThumbnails("one-by-one", 10);
  const { frames } = loadRecording("one-by-one", 10);
  // Five cameras, as the capacity benchmark starts them: camera k from (k + 1/2)/5 of the clip, 19 s each.
  const shares = [0, 1, 2, 3, 4].map((k) => {
    const start = Math.floor(((k + 0.5) / 5) * frames.length);
    const index = Array.from({ length: 190 }, (_, i) => (start + i) % frames.length);
    const gate = motionGateOver(index.map((i) => thumbnails[i]!), (j) => frames[index[j]!]!.length);
    return replayFrames(index.map((i) => frames[i]!), 10, [], undefined, gate).detected / index.length;
  });
  console.log(`one-by-one cameras joining: detector on ${shares.map((s) => `${Math.round(100 * s)}%`).join(", ")} of their frames`);
  // Measured 23 to 30%. A camera started while someone is in view learns a background with them in it; slowly
  // blended away, it kept the detector running for 3 to 8 s after they left (26 to 59%, 45% in all).
  for (const share of shares) assert.ok(share <= 1 / 3, `detector on ${Math.round(100 * share)}% of a camera's frames`);
});
