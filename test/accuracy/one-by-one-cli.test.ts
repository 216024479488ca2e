import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { oneByOneVideo, repoRoot, sharedDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { replayClip } from "./replay.ts";

interface GroundTruth {
  frames: number;
  entries: number;
  exits: number;
  max_in_view: number;
  people: Array<{ first_frame: number; last_frame: number }>;
}

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe" });
});
after(async () => {
  await ts?.stop();
});

for (const fps of [10, 5]) {
  test(`the CLI sender counts the one-by-one clip at ${fps} fps like the ground truth (6 in, 6 out, never more than 1 in view)`, { timeout: 600_000 }, async () => {
    const truth = JSON.parse(readFileSync(join(sharedDir, "footage/one-by-one.ground-truth.json"), "utf8")) as GroundTruth;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "server/src/cli/send-main.ts", "--server", `127.0.0.1:${ts.grpcPort}`, "--camera", `accuracy-one-by-one-${fps}`, "--token", TEST_CAPTURE_TOKEN, "--fps", String(fps), "--json", "--quiet", oneByOneVideo],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
    );
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      sent: number; processed: number; detectionSkipped: number; maxInView: number; inViewPerFrame: number[];
      counts: { entered: number; exited: number };
    };
    // ffmpeg keeps source frames 1, 3, 5, ... at half the rate.
    const frames = Math.ceil((truth.frames * fps) / 10);
    assert.equal(summary.sent, frames, "every frame of the clip was sent");
    assert.equal(summary.processed, frames, "with one frame in flight, every frame is processed");
    assert.equal(summary.counts.entered, truth.entries);
    assert.equal(summary.counts.exited, truth.exits);
    assert.ok(summary.maxInView <= truth.max_in_view, `max in view ${summary.maxInView}`);
    // People in view per frame against the hand-counted intervals.
    const inTruth = (frame: number) => truth.people.filter((p) => frame >= p.first_frame && frame <= p.last_frame).length;
    const errors = summary.inViewPerFrame.map((n, i) => Math.abs(n - inTruth((i * 10) / fps + 1)));
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    console.log(`one-by-one ${fps} fps: entered ${summary.counts.entered}, exited ${summary.counts.exited}, in-view MAE ${mae.toFixed(3)} over ${errors.length} frames`);
    assert.ok(mae < 0.1, `people-in-view mean absolute error ${mae.toFixed(3)} per frame`);
    // The motion gate (on by default): the room is empty, or holds one person walking, for most of the clip.
    const detected = summary.processed - summary.detectionSkipped;
    console.log(`one-by-one ${fps} fps: detector on ${detected} of ${summary.processed} frames`);
    if (fps === 10) assert.ok(detected <= frames / 2, `detector on ${detected} of ${frames} frames`);
    else assert.ok(detected < frames, "an empty, still room is not detected on every frame");
    // Without the gate (the recorded detections replayed on every frame): people in view within 0.02.
    const ungated = replayClip("one-by-one", fps);
    assert.ok(Math.abs(mae - ungated.inViewMae) <= 0.02, `MAE ${mae.toFixed(3)}, ungated replay ${ungated.inViewMae.toFixed(3)}`);
  });
}
