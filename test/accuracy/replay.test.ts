/**
 * The accuracy goals, on the recorded detections (seconds, no detector): the
 * server's tracker and counter replayed on vtest and one-by-one at 10 and
 * 5 fps (see README.md in this folder). `vtest-cli.test.ts` checks that the
 * real server still counts what these recordings say.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { replayClip } from "./replay.ts";

for (const fps of [10, 5]) {
  test(`vtest at ${fps} fps: entries near the people who walk in, crossings of every line within 10% of the hand count`, () => {
    const r = replayClip("vtest", fps);
    console.log(`vtest ${fps} fps: entered ${r.entered}, exited ${r.exited} (${r.visits} visits), MAE ${r.inViewMae.toFixed(2)}, ` +
      r.lines.map((l) => `${l.name} ${l.in}/${l.out} (${l.truth.in}/${l.truth.out})`).join(", "));
    // The goal: within 25% of the visits. Measured 25 at 10 fps and 24 at 5 fps (26 and 24 before second-box.ts,
    // 27 and 27 before the colour cue in stitching, 45 and 43 before revival).
    assert.ok(r.entered <= Math.floor(r.visits * 1.25), `entered ${r.entered} for ${r.visits} visits`);
    assert.ok(r.exited <= r.entered, `exited ${r.exited}`);
    for (const l of r.lines) {
      for (const dir of ["in", "out"] as const) {
        // The goal: within 10% each way. Measured at 10 fps: vertical 15/17 for 14/18 (16 right to left, -11%,
        // before pair-split.ts mended K and B's swap at F751), horizontal 19/14 for 19/13, diagonal 13/17 for
        // 12/16; at 5 fps 13/17, 18/13, 12/17.
        const tolerance = l.truth[dir] * 0.1;
        assert.ok(Math.abs(l[dir] - l.truth[dir]) <= tolerance, `${l.name} ${dir}: ${l[dir]}, hand count ${l.truth[dir]} (+-${tolerance.toFixed(1)})`);
      }
    }
    // The goal: at most 0.75. Measured 0.69 at 10 fps and 0.57 at 5 fps since tentative tracks count in view
    // (0.82 and 0.81 before; 0.75 and 0.79 before revival).
    assert.ok(r.inViewMae <= 0.75, `people in view: mean absolute error ${r.inViewMae.toFixed(2)}`);
  });

  test(`one-by-one at ${fps} fps stays exact: 6 entries, 6 exits, never more than 1 in view`, () => {
    const r = replayClip("one-by-one", fps);
    assert.equal(r.entered, r.visits);
    assert.equal(r.exited, r.visits);
    assert.ok(r.maxInView <= (r.truthMaxInView ?? 1), `max in view ${r.maxInView}`);
    assert.ok(r.inViewMae < 0.1, `people in view: mean absolute error ${r.inViewMae.toFixed(3)}`);
  });
}
