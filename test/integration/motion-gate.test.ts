/**
 * The motion gate through the real server (native gRPC, the CLI's sender,
 * the worker's 1/8-scale grey decode): a still camera is acked as processed
 * with detection skipped and the counts unchanged; gating off detects every
 * frame; a corrupt JPEG is still rejected when its detection would be
 * skipped. The detector is the no-op one (detector "none"): what is tested
 * is which frames reach it, not what it finds (the accuracy tests run
 * MediaPipe with the gate: test/accuracy/).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { sendFrames } from "../../server/src/cli/frame-sender.ts";
import type { SourceFrame } from "../../server/src/cli/jpeg-sources.ts";
import { loadConfig } from "../../server/src/config.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer } from "../support/test-server.ts";

// The empty room at the start of the one-by-one clip (the first person walks in at 6.0 s).
const [still] = extractJpegFrames(oneByOneVideo, { startS: 1, count: 1, fps: 10, width: 640 });

/** `jpegs` as a 10 fps camera's frames (capture times 100 ms apart). */
async function* frames(jpegs: readonly Uint8Array[]): AsyncGenerator<SourceFrame> {
  for (const [i, jpeg] of jpegs.entries()) yield { jpeg, ptsMs: i * 100 };
}

async function send(grpcPort: number, cameraId: string, jpegs: readonly Uint8Array[]): Promise<FrameAck[]> {
  const acks: FrameAck[] = [];
  // As fast as acks come (the CLI's pace for files): skipped frames are acked in a few ms.
  await sendFrames(frames(jpegs), { targets: [`127.0.0.1:${grpcPort}`], cameraId, cameraName: cameraId, token: TEST_CAPTURE_TOKEN, pace: "max", window: 1, onAck: (a) => void acks.push(a) });
  return acks.sort((a, b) => a.seq - b.seq);
}

test("a still camera: after the first frames, detection is skipped except every forced interval; every frame is acked processed with the counts unchanged", { timeout: 60_000 }, async () => {
  // A low frame-rate limit: the sender, going as fast as acks come, must keep under it.
  const ts = await startTestServer({ config: { limits: { ...loadConfig({}, {}).limits, maxFps: 15 } } });
  try {
    const acks = await send(ts.grpcPort, "still-camera", Array.from({ length: 30 }, () => still!));
    assert.deepEqual(acks.map((a) => a.status), acks.map(() => FrameStatus.PROCESSED), acks.map((a) => a.detail).join("; "));
    const detected = acks.flatMap((a) => (a.detectionSkipped ? [] : [a.seq]));
    // The first frame (no background yet) and 3 after it, then one 2 s (20 frames at 10 fps) after the last detection.
    assert.deepEqual(detected, [1, 2, 3, 4, 24]);
    for (const a of acks.filter((x) => x.detectionSkipped)) {
      assert.equal(a.people.length, 0);
      assert.equal(a.timings?.detectMs, 0);
      assert.deepEqual([a.decodedWidth, a.decodedHeight], [640, 360], "the frame's size, from its header");
      assert.deepEqual(a.counts, acks[0]!.counts, "counts unchanged");
    }
    assert.equal(ts.server.pipeline.stats.detectionSkipped, 25);
    // The operator sees them counted, and the detect-time histogram holds only frames that were detected.
    const metrics = await (await fetch(ts.metricsUrl)).text();
    const sample = (name: string) => Number(metrics.split("\n").find((l) => l.startsWith(`${name} `))?.slice(name.length + 1));
    assert.equal(sample("headcount_frames_detection_skipped_total"), 25);
    assert.equal(sample('headcount_frame_stage_seconds_count{stage="detect"}'), 5);
  } finally {
    await ts.stop();
  }
});

test("gating off (HEADCOUNT_MOTION_GATE=off): every frame is detected", { timeout: 60_000 }, async () => {
  const ts = await startTestServer({ config: { motion: loadConfig({ HEADCOUNT_MOTION_GATE: "off" }, {}).motion } });
  try {
    const acks = await send(ts.grpcPort, "gate-off", Array.from({ length: 10 }, () => still!));
    assert.equal(acks.filter((a) => a.status === FrameStatus.PROCESSED && !a.detectionSkipped).length, 10);
  } finally {
    await ts.stop();
  }
});

test("a corrupt JPEG is rejected with a reason even where detection would be skipped", { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  try {
    const truncated = still!.subarray(0, Math.floor(still!.length / 2));
    const acks = await send(ts.grpcPort, "corrupt", [...Array.from({ length: 8 }, () => still!), truncated, still!]);
    assert.equal(acks[7]?.detectionSkipped, true, "frame 8 was skipped: the gate had settled");
    assert.equal(acks[8]?.status, FrameStatus.REJECTED);
    assert.match(acks[8]!.detail, /corrupt JPEG/);
    assert.equal(acks[9]?.status, FrameStatus.PROCESSED, "the session goes on");
  } finally {
    await ts.stop();
  }
});
