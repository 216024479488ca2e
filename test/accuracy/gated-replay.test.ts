/**
 * The motion gate's goals, replayed (seconds, no detector): the clips'
 * frames judged by the server's own gate on their 1/8-scale grey decode,
 * the recorded detections given to the tracker only on the frames it lets
 * through (`gated-replay.ts`). `one-by-one-cli.test.ts` checks the same
 * through the real server and MediaPipe.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clipThumbnails, motionGateOver } from "./gated-replay.ts";
import { replayClip } from "./replay.ts";

test("one-by-one at 10 fps with the motion gate: the detector runs on at most half the frames, counts and people in view as without it", { timeout: 120_000 }, async () => {
  const off = replayClip("one-by-one", 10);
  const on = replayClip("one-by-one", 10, undefined, motionGateOver(await clipThumbnails("one-by-one", 10)));
  console.log(`one-by-one 10 fps gated: detector on ${on.detected} of ${on.frames} frames, entered ${on.entered}, exited ${on.exited}, MAE ${on.inViewMae.toFixed(3)} (ungated ${off.inViewMae.toFixed(3)})`);
  // Measured 616 of 1394 (someone is in view on 1089 frames by the hand count: 78%).
  assert.ok(on.detected <= on.frames / 2, `detector on ${on.detected} of ${on.frames} frames`);
  assert.equal(on.entered, 6);
  assert.equal(on.exited, 6);
  assert.ok(on.maxInView <= 1, `max in view ${on.maxInView}`);
  assert.ok(Math.abs(on.inViewMae - off.inViewMae) <= 0.02, `MAE ${on.inViewMae.toFixed(3)} gated, ${off.inViewMae.toFixed(3)} not`);
});

for (const [clip, fps] of [["vtest", 10], ["vtest", 5], ["one-by-one", 5]] as const) {
  test(`${clip} at ${fps} fps with the motion gate: the same counts as without it`, { timeout: 120_000 }, async () => {
    const off = replayClip(clip, fps);
    const on = replayClip(clip, fps, undefined, motionGateOver(await clipThumbnails(clip, fps)));
    console.log(`${clip} ${fps} fps gated: detector on ${on.detected} of ${on.frames} frames, entered ${on.entered}, exited ${on.exited}`);
    assert.deepEqual(
      { entered: on.entered, exited: on.exited, lines: on.lines },
      { entered: off.entered, exited: off.exited, lines: off.lines },
    );
    assert.ok(Math.abs(on.inViewMae - off.inViewMae) <= 0.02, `MAE ${on.inViewMae.toFixed(3)} gated, ${off.inViewMae.toFixed(3)} not`);
  });
}
