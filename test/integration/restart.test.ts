import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FrameStatus } from "@headcount/proto/types";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

const dataDir = mkdtempSync(join(tmpdir(), "headcount-restart-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Streams frames over StreamFrames one at a time and returns the last ack's counts. */
async function send(ts: TestServer, frames: Buffer[], firstSeq: number) {
  const call = ts.native.capture.streamFrames();
  let last: { entered: number; exited: number } | undefined;
  let acked = 0;
  let wake = () => {};
  call.responses.onMessage((m) => {
    if (m.message.oneofKind !== "ack") return;
    acked++;
    assert.equal(m.message.ack.status, FrameStatus.PROCESSED, m.message.ack.detail);
    last = { entered: m.message.ack.counts!.entered, exited: m.message.ack.counts!.exited };
    wake();
  });
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId: "restart-cam", cameraName: "Restart" } } });
  const start = Date.now();
  for (const [i, jpeg] of frames.entries()) {
    await call.requests.send({ message: { oneofKind: "frame", frame: { seq: firstSeq + i, capturedAtMs: start + i * 100, jpeg, width: 640, height: 360 } } });
    while (acked < i + 1) await new Promise<void>((r) => (wake = r));
  }
  await call.requests.complete();
  await call.status;
  return last!;
}

test("counts survive a server restart: the camera's totals continue from the stored values", { timeout: 120_000 }, async () => {
  // Person 1 walks in at 6.0 s: 5.0 to 9.0 s holds one entry.
  const frames = extractJpegFrames(oneByOneVideo, { startS: 5, count: 40, fps: 10, width: 640 });

  const first = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  const before = await send(first, frames, 1);
  assert.equal(before.entered, 1, "the person who walked in was counted");
  await first.stop();

  const second = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  try {
    const listed = await second.native.count.listCameras({});
    const cam = listed.response.cameras.find((c) => c.cameraId === "restart-cam");
    assert.equal(cam?.name, "Restart");
    assert.equal(cam?.counts?.entered, 1, "the stored total is there before the camera reconnects");
    assert.equal(cam?.online, false);
    const afterRestart = await send(second, frames, 41);
    assert.equal(afterRestart.entered, 2, "a new entry adds to the stored total instead of starting over");
  } finally {
    await second.stop();
  }
});
