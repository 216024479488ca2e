import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { jpegSize } from "./jpeg-header.ts";

test("reads the size from baseline and progressive JPEG headers", async () => {
  const image = sharp({ create: { width: 37, height: 21, channels: 3, background: "#345" } });
  assert.deepEqual(jpegSize(await image.clone().jpeg().toBuffer()), { width: 37, height: 21 });
  assert.deepEqual(jpegSize(await image.clone().jpeg({ progressive: true }).toBuffer()), { width: 37, height: 21 });
});

test("returns null for data that is not a JPEG or has no frame header", async () => {
  assert.equal(jpegSize(new Uint8Array([1, 2, 3, 4])), null);
  assert.equal(jpegSize(await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).png().toBuffer()), null);
  // SOI then directly start-of-scan: no size was declared.
  assert.equal(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0])), null);
  // Cut off inside the first segment.
  assert.equal(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00])), null);
});
