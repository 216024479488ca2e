import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { skippedUnseen } from "./frame-ack.ts";

test("a frame skipped unseen (following a lone person) is processed without detection, its size read from the header", async () => {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#808080" } }).jpeg().toBuffer();
  assert.deepEqual(skippedUnseen(jpeg), { kind: "processed", width: 64, height: 48, detections: [], queuedMs: 0, decodeMs: 0, detectMs: 0, detectionSkipped: true });
});

test("garbage is still rejected with a reason when its detection would be skipped unseen", () => {
  const outcome = skippedUnseen(new Uint8Array([1, 2, 3, 4]));
  assert.equal(outcome.kind, "rejected");
  assert.match(outcome.kind === "rejected" ? outcome.reason : "", /not a JPEG/);
});
