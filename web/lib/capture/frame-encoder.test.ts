import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clampQuality, scaledSize } from "./frame-encoder.ts";

describe("scaledSize", () => {
  it("keeps the aspect ratio at the chosen width", () => {
    assert.deepEqual(scaledSize(1280, 720, 640), { width: 640, height: 360 });
    assert.deepEqual(scaledSize(640, 480, 320), { width: 320, height: 240 });
    assert.deepEqual(scaledSize(768, 432, 1280), { width: 1280, height: 720 });
  });

  it("rounds both sides to even numbers", () => {
    // 322 x 0.75 = 241.5 -> 242; 320 x 433 / 768 = 180.4 -> 180; an odd width 321 -> 322.
    assert.deepEqual(scaledSize(1000, 750, 322), { width: 322, height: 242 });
    assert.deepEqual(scaledSize(768, 433, 320), { width: 320, height: 180 });
    assert.deepEqual(scaledSize(640, 480, 321), { width: 322, height: 242 });
  });

  it("works for portrait phones", () => {
    assert.deepEqual(scaledSize(720, 1280, 480), { width: 480, height: 854 });
  });

  it("rejects empty sources", () => {
    assert.throws(() => scaledSize(0, 480, 640), RangeError);
  });
});

describe("clampQuality", () => {
  it("keeps quality within 0.3..0.95", () => {
    assert.equal(clampQuality(0.7), 0.7);
    assert.equal(clampQuality(0.1), 0.3);
    assert.equal(clampQuality(1), 0.95);
    assert.equal(clampQuality(Number.NaN), 0.7);
  });
});
