import assert from "node:assert/strict";
import { test } from "node:test";
import { measureMotion, settleAfterDetection, type GreyImage } from "./motion-measure.ts";

const thresholds = { pixelDelta: 20, minChangedShare: 0.05 };
/** A 10x10 grey image of `level`, with the pixels listed in `bright` at 200. */
function image(level: number, bright: number[] = []): GreyImage {
  const data = new Uint8Array(100).fill(level);
  for (const i of bright) data[i] = 200;
  return { width: 10, height: 10, data };
}

test("the first thumbnail of a session is full motion and becomes the background", () => {
  const m = measureMotion(image(50), null, thresholds);
  assert.equal(m.changedShare, 1);
  assert.equal(m.moving, true);
  assert.deepEqual([...m.background.data], new Array(100).fill(50));
});

test("noise below the pixel threshold is no motion; a patch over the area threshold is", () => {
  const bg = measureMotion(image(50), null, thresholds).background;
  const noisy = measureMotion(image(65), bg, thresholds);
  assert.equal(noisy.changedShare, 0);
  assert.equal(noisy.moving, false);
  const small = measureMotion(image(50, [1, 2, 3, 4]), bg, thresholds);
  assert.equal(small.changedShare, 0.04);
  assert.equal(small.moving, false, "4% changed is under the 5% threshold");
  const person = measureMotion(image(50, [1, 2, 3, 4, 5, 6]), bg, thresholds);
  assert.equal(person.moving, true);
});

test("the background follows a still picture quickly and a moving one slowly", () => {
  const bg = measureMotion(image(50), null, thresholds).background;
  const still = measureMotion(image(60), bg, thresholds).background;
  assert.ok(Math.abs(still.data[0]! - 52) < 1e-4, `still: ${still.data[0]}`);
  const moving = measureMotion(image(50, Array.from({ length: 50 }, (_, i) => i)), bg, thresholds).background;
  assert.ok(moving.data[0]! > 50 && moving.data[0]! < 60, `moving: ${moving.data[0]}`);
});

test("a thumbnail of another size (the camera changed resolution) restarts the background", () => {
  const bg = measureMotion(image(50), null, thresholds).background;
  const other = measureMotion({ width: 5, height: 20, data: new Uint8Array(100).fill(50) }, bg, thresholds);
  assert.equal(other.moving, true);
  assert.equal(other.background.width, 5);
});

test("after a detection that found nobody the thumbnail becomes the background; with people found it keeps blending", () => {
  // The background still shows a person who has since left (it is not compared while people are tracked).
  const withPerson = measureMotion(image(50, Array.from({ length: 20 }, (_, i) => i)), null, thresholds).background;
  const empty = image(50);
  const left = measureMotion(empty, withPerson, thresholds);
  assert.equal(left.moving, true, "the empty room differs from the stale background");
  const settled = settleAfterDetection(left, empty, 0);
  assert.deepEqual([...settled.background.data], new Array(100).fill(50));
  assert.equal(measureMotion(empty, settled.background, thresholds).moving, false, "the next empty frame is still");
  assert.equal(measureMotion(empty, settleAfterDetection(left, empty, 1).background, thresholds).moving, true, "someone found: slow blending, as before");
});
