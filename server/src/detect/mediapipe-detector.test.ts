/**
 * The real detector on real footage. Frames are cut from ../shared/footage
 * with ffmpeg at test time (CI installs it) and decoded with sharp.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import type { Detection, Detector, RgbaImage } from "./detector.ts";
import { createMediaPipeDetector, tileLayout } from "./mediapipe-detector.ts";
import { intersectionOverUnion } from "./non-max-suppression.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const modelPath = resolve(repoRoot, process.env.HEADCOUNT_MODEL ?? "../shared/models/ssd_mobilenet_v1_person.tflite");
const footage = resolve(repoRoot, process.env.HEADCOUNT_FOOTAGE ?? "../shared/footage");
const ffmpeg = process.env.FFMPEG ?? "ffmpeg";

let work: string;
let model: Uint8Array;
let plain: Detector;
let tiled: Detector;

/** Cuts the frame at `seconds` out of a clip, as a JPEG. */
async function frameAt(clip: string, seconds: number): Promise<Buffer> {
  const out = join(work, `${clip}-${seconds}.jpg`);
  execFileSync(ffmpeg, ["-loglevel", "error", "-y", "-ss", String(seconds), "-i", join(footage, clip), "-frames:v", "1", "-q:v", "2", out]);
  return readFile(out);
}

/** Decodes a JPEG the way the pipeline does: shrink to fit inside `size`, RGBA. */
async function decode(jpeg: Buffer, size?: { width: number; height: number }): Promise<RgbaImage> {
  const resized = size ? sharp(jpeg).resize({ ...size, fit: "inside" }) : sharp(jpeg);
  const { data, info } = await resized.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

function assertNormalized(detections: Detection[]): void {
  for (const d of detections) {
    assert.ok(d.x >= 0 && d.y >= 0 && d.x + d.width <= 1 + 1e-9 && d.y + d.height <= 1 + 1e-9, `inside the frame: ${JSON.stringify(d)}`);
    assert.ok(d.width > 0 && d.height > 0 && d.score >= 0.5 && d.score <= 1);
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), "mediapipe-detector-"));
  model = new Uint8Array(await readFile(modelPath));
  plain = await createMediaPipeDetector({ model, modelName: "ssd_mobilenet_v1_person", scoreThreshold: 0.5, maxResults: 20 });
  tiled = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 20, tiling: true });
});
after(async () => {
  plain?.close();
  tiled?.close();
  await rm(work, { recursive: true, force: true });
});

test("asks the decoder for frames whose short side matches the 300x300 model up to 16:9", () => {
  assert.equal(plain.name, "mediapipe:ssd_mobilenet_v1_person");
  assert.equal(tiled.name, "mediapipe+tiles:model");
  assert.deepEqual(plain.inputSize, { width: 534, height: 534 });
});

test("finds the one person at t=10 s with a plausible box, at any input size", async () => {
  const jpeg = await frameAt("one-by-one-person-detection.mp4", 10);
  const atInputSize = await decode(jpeg, plain.inputSize);
  assert.deepEqual([atInputSize.width, atInputSize.height], [534, 300]);
  const found = plain.detect(atInputSize, 10_000);
  assertNormalized(found);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [person] = found as [Detection];
  // She stands at the table, mid-right, head near the top edge, feet low.
  const centerX = person.x + person.width / 2;
  assert.ok(centerX > 0.5 && centerX < 0.7, `centre x ${centerX}`);
  assert.ok(person.y < 0.15 && person.y + person.height > 0.75, `spans the frame height: ${JSON.stringify(person)}`);
  assert.ok(person.width < 0.3, "a person, not the whole frame");

  // MediaPipe stretches to 300x300 and maps boxes back, so full resolution,
  // a small 16:9 frame and a square squeeze all give the same normalized box.
  for (const size of [undefined, { width: 300, height: 300 }]) {
    const other = plain.detect(await decode(jpeg, size), 10_001);
    assert.equal(other.length, 1);
    assert.ok(intersectionOverUnion(other[0] as Detection, person) > 0.85, `same box at ${JSON.stringify(size)}: ${JSON.stringify(other)}`);
  }
  const squeezed = await sharp(jpeg).resize(300, 300, { fit: "fill" }).ensureAlpha().raw().toBuffer();
  const fromSquare = plain.detect({ width: 300, height: 300, data: new Uint8Array(squeezed) }, 10_002);
  assert.ok(fromSquare.length === 1 && intersectionOverUnion(fromSquare[0] as Detection, person) > 0.85);
});

test("finds nobody in the empty room at t=2 s", async () => {
  const empty = await decode(await frameAt("one-by-one-person-detection.mp4", 2), plain.inputSize);
  assert.deepEqual(plain.detect(empty, 2_000), []);
  assert.deepEqual(tiled.detect(empty, 2_000), []);
});

test("tiling merges the two tiles' views of the same person into one box", async () => {
  const frame = await decode(await frameAt("one-by-one-person-detection.mp4", 10), tiled.inputSize);
  const [single] = plain.detect(frame, 1);
  const found = tiled.detect(frame, 1);
  assertNormalized(found);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.ok(single && intersectionOverUnion(found[0] as Detection, single) > 0.6);
});

test("a busy outdoor frame: several people, duplicates removed, maxResults respected", async () => {
  const frame = await decode(await frameAt("vtest.avi", 20), plain.inputSize);
  const found = plain.detect(frame, 1);
  assertNormalized(found);
  assert.ok(found.length >= 4 && found.length <= 9, `4 to 9 of the 7 people: ${found.length}`);
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      assert.ok(intersectionOverUnion(found[i] as Detection, found[j] as Detection) < 0.5, "no duplicate boxes left");
    }
  }
  const one = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 1 });
  try {
    const best = one.detect(frame, 1);
    assert.equal(best.length, 1);
    assert.equal(best[0]?.score, Math.max(...found.map((d) => d.score)));
  } finally {
    one.close();
  }
});

test("repeated and backward timestamps do not break it (IMAGE mode keeps no state)", async () => {
  const frame = await decode(await frameAt("one-by-one-person-detection.mp4", 10), plain.inputSize);
  const first = plain.detect(frame, 5);
  assert.deepEqual(plain.detect(frame, 5), first);
  assert.deepEqual(plain.detect(frame, 1), first);
});

test("rejects bad options and short pixel buffers", async () => {
  await assert.rejects(createMediaPipeDetector({ model, scoreThreshold: 1.5, maxResults: 1 }), RangeError);
  await assert.rejects(createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 0 }), RangeError);
  assert.throws(() => plain.detect({ width: 10, height: 10, data: new Uint8Array(10) }, 1), /too short/);
});

test("tile layout: overlapping squares along the long side that cover the frame", () => {
  assert.deepEqual(tileLayout(534, 300), [{ x: 0, y: 0, size: 300 }, { x: 234, y: 0, size: 300 }]);
  assert.deepEqual(tileLayout(534, 401), [{ x: 0, y: 0, size: 401 }, { x: 133, y: 0, size: 401 }]);
  assert.deepEqual(tileLayout(300, 534), [{ x: 0, y: 0, size: 300 }, { x: 0, y: 234, size: 300 }]);
  assert.deepEqual(tileLayout(300, 300), [{ x: 0, y: 0, size: 300 }]);
  assert.deepEqual(tileLayout(0, 300), []);
  const wide = tileLayout(700, 300);
  assert.equal(wide.length, 3);
  assert.equal(wide[0]?.x, 0);
  assert.equal((wide[2]?.x ?? 0) + 300, 700, "the last tile ends at the right edge");
});
