import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer } from "../support/test-server.ts";

const dataDir = mkdtempSync(join(tmpdir(), "headcount-restart-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("counts survive a server restart: the camera's totals continue from the stored values", { timeout: 120_000 }, async () => {
  // Person 1 walks in at 6.0 s: 5.0 to 9.0 s holds one entry.
  const frames = extractJpegFrames(oneByOneVideo, { startS: 5, count: 40, fps: 10, width: 640 });

  const first = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  const before = await streamOneByOne(first, "restart-cam", frames, 1);
  assert.equal(before.entered, 1, "the person who walked in was counted");
  const seenBefore = (await first.native.count.listCameras({}).response).cameras.find((c) => c.cameraId === "restart-cam")!.lastSeenAtMs;
  await first.stop();

  const second = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  try {
    const listed = await second.native.count.listCameras({});
    const cam = listed.response.cameras.find((c) => c.cameraId === "restart-cam");
    assert.equal(cam?.name, "restart-cam");
    assert.equal(cam?.counts?.entered, 1, "the stored total is there before the camera reconnects");
    assert.equal(cam?.online, false);
    // From the stored session end: at or a little after the last ack, never "never".
    assert.ok(cam!.lastSeenAtMs >= seenBefore && cam!.lastSeenAtMs - seenBefore < 5_000, `last seen ${cam!.lastSeenAtMs} after the restart, ${seenBefore} before it`);
    const afterRestart = await streamOneByOne(second, "restart-cam", frames, 41);
    assert.equal(afterRestart.entered, 2, "a new entry adds to the stored total instead of starting over");
  } finally {
    await second.stop();
  }
});
