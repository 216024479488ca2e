import { test } from "node:test";
import assert from "node:assert/strict";
import type { RgbaImage } from "../detect/detector.ts";
import { blendHistograms, colourBin, colourSignature, decodeSignature, histogramSimilarity } from "./colour-signature.ts";
import { describeDetections } from "./describe-detections.ts";

/** A 100x100 frame of floor grey with one person: a `shirt` over `trousers` in the box x 40..60, y 20..80. */
function frameWithPerson(shirt: [number, number, number], trousers: [number, number, number]): RgbaImage {
  const data = new Uint8Array(100 * 100 * 4);
  for (let y = 0; y < 100; y++) {
    for (let x = 0; x < 100; x++) {
      const inBox = x >= 40 && x < 60 && y >= 20 && y < 80;
      const [r, g, b] = !inBox ? [128, 128, 128] : y < 50 ? shirt : trousers;
      data.set([r, g, b, 255], (y * 100 + x) * 4);
    }
  }
  return { width: 100, height: 100, data };
}
const box = { x: 0.4, y: 0.2, width: 0.2, height: 0.6 };

test("a pixel's bin: greys by brightness, colours by hue sector", () => {
  assert.equal(colourBin(10, 10, 10), 0);
  assert.equal(colourBin(128, 128, 128), 2);
  assert.equal(colourBin(250, 250, 250), 3);
  assert.equal(colourBin(200, 20, 20), 4); // red
  assert.equal(colourBin(200, 200, 20), 5); // yellow
  assert.equal(colourBin(20, 200, 20), 6); // green
  assert.equal(colourBin(20, 20, 200), 8); // blue
  assert.equal(colourBin(200, 20, 200), 9); // magenta
});

test("a signature is the upper body's histogram then the legs', from inside the box only", () => {
  const signature = colourSignature(frameWithPerson([200, 20, 20], [20, 20, 200]), box);
  // Upper body all red (bin 4), legs all blue (bin 8), none of the grey floor around the box.
  assert.equal(signature, "0000f0000000000000f0");
  assert.deepEqual(decodeSignature(signature)?.slice(0, 5), [0, 0, 0, 0, 15]);
});

test("a box too small to hold pixels has no signature, and describeDetections leaves it bare", () => {
  const image = frameWithPerson([200, 20, 20], [20, 20, 200]);
  const tiny = { x: 0.5, y: 0.5, width: 0.01, height: 0.01, score: 0.9 };
  assert.equal(colourSignature(image, tiny), undefined);
  const [described, bare] = describeDetections(image, [{ ...box, score: 0.9 }, tiny]);
  assert.equal(described?.appearance, "0000f0000000000000f0");
  assert.deepEqual(bare, tiny);
});

test("similarity: 1 for the same colours, low when either body part differs", () => {
  const redOverBlue = decodeSignature(colourSignature(frameWithPerson([200, 20, 20], [20, 20, 200]), box))!;
  const redOverBlack = decodeSignature(colourSignature(frameWithPerson([200, 20, 20], [10, 10, 10]), box))!;
  assert.equal(histogramSimilarity(redOverBlue, redOverBlue), 1);
  // Same shirt, other trousers: the lower part decides.
  assert.ok(histogramSimilarity(redOverBlue, redOverBlack)! < 0.1);
  const half = blendHistograms(redOverBlue, redOverBlack, 0.5);
  assert.ok(histogramSimilarity(half, redOverBlue)! > 0.5);
  assert.equal(histogramSimilarity(new Array(20).fill(0), redOverBlue), undefined);
});

test("malformed signatures decode to undefined", () => {
  assert.equal(decodeSignature(undefined), undefined);
  assert.equal(decodeSignature("0f"), undefined);
  assert.equal(decodeSignature("zz000000000000000000"), undefined);
});
