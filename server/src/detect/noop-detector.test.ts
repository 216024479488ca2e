import { test } from "node:test";
import assert from "node:assert/strict";
import { createNoopDetector } from "./noop-detector.ts";

test("the noop detector finds nobody, wants full resolution, and refuses work once closed", () => {
  const detector = createNoopDetector();
  assert.equal(detector.name, "noop");
  assert.equal(detector.inputSize, undefined);
  const image = { width: 2, height: 2, data: new Uint8Array(16).fill(255) };
  assert.deepEqual(detector.detect(image, 1), []);
  detector.close();
  assert.throws(() => detector.detect(image, 2), /closed/);
});
