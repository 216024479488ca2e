import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { folderFrames, isJpegPath, jpegFileFrames, requireFrames, splitJpegStream, type SourceFrame } from "./jpeg-sources.ts";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function* none(): AsyncGenerator<SourceFrame> {}

test("JPEG files go in the order given, fps apart, byte for byte; a folder goes in name order", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "headcount-sources-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, byte] of [["b.jpg", 2], ["a.JPEG", 1], ["c.png", 9], ["c.jpg", 3]] as const) writeFileSync(join(dir, name), Buffer.from([0xff, 0xd8, byte]));
  const given = await collect(jpegFileFrames([join(dir, "c.jpg"), join(dir, "a.JPEG")], 5));
  assert.deepEqual(given.map((f) => [f.jpeg[2], f.ptsMs]), [[3, 0], [1, 200]]);
  const folder = await collect(folderFrames(dir, 10));
  assert.deepEqual(folder.map((f) => [f.jpeg[2], f.ptsMs]), [[1, 0], [2, 100], [3, 200]], "c.png is not a JPEG");
  assert.equal(isJpegPath("x.jpeg"), true);
  assert.equal(isJpegPath("x.mp4"), false);
});

test("a source that gives no frame fails with its name instead of ending quietly", async () => {
  await assert.rejects(collect(requireFrames(none(), "still.png")), /no frames could be read from still\.png/);
  const frame = { jpeg: new Uint8Array([1]), ptsMs: 0 };
  async function* one(): AsyncGenerator<SourceFrame> {
    yield frame;
  }
  assert.deepEqual(await collect(requireFrames(one(), "x")), [frame]);
});

test("concatenated JPEGs split at their end markers, across chunk boundaries", async () => {
  const a = [0xff, 0xd8, 1, 0xff, 0x00, 2, 0xff, 0xd9];
  const b = [0xff, 0xd8, 3, 0xff, 0xd9];
  async function* chunks() {
    yield new Uint8Array([0x00, ...a.slice(0, 4)]);
    yield new Uint8Array([...a.slice(4), ...b.slice(0, 2)]);
    yield new Uint8Array(b.slice(2));
  }
  const images = await collect(splitJpegStream(chunks()));
  assert.deepEqual(images.map((i) => [...i]), [a, b]);
});
