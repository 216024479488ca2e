import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot, vtestVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { loadTruth, sentIndex } from "./recorded-detections.ts";
import { replayClip } from "./replay.ts";

/** Hand annotation of vtest.avi (see its "method"): people in view at 1 fps, crossings of x = 0.5. */
interface Annotation {
  frames: number;
  in_view: Array<{ frame: number; count: number }>;
  crossings: Array<{ direction: "left_to_right" | "right_to_left"; who: string }>;
  totals: { left_to_right: number; right_to_left: number };
}

interface Summary {
  processed: number;
  inViewPerFrame: number[];
  counts: { entered: number; exited: number; crossedIn: number; crossedOut: number };
}

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe" });
});
after(async () => {
  await ts?.stop();
});

/** Sends vtest through the CLI to the real server with a counting line, at `fps`. */
async function send(camera: string, line: string, fps: number): Promise<Summary> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "server/src/cli/send-main.ts", "--server", `127.0.0.1:${ts.grpcPort}`, "--camera", camera, "--token", TEST_CAPTURE_TOKEN, "--line", line, "--fps", String(fps), "--json", "--quiet", vtestVideo],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Summary;
}

/** The recorded detections (test/fixtures/detections) must still be what the server sees, or the replay tunes a stale scene. */
function assertReplayIsCurrent(s: Summary, fps: number, lineName: string): void {
  const replay = replayClip("vtest", fps);
  const line = replay.lines.find((l) => l.name === lineName)!;
  const got = [s.counts.entered, s.counts.crossedIn, s.counts.crossedOut];
  const replayed = [replay.entered, line.in, line.out];
  assert.ok(got.every((v, i) => Math.abs(v - replayed[i]!) <= 2), `CLI ${got} against the replay's ${replayed}: re-record the detections (test/accuracy/README.md)`);
}

test("vtest.avi (small, many pedestrians) at 10 fps: people in view within 0.75 per frame of the hand count, crossings near it, entries within 25% of the visits", { timeout: 600_000 }, async () => {
  const truth = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/vtest.annotation.json"), "utf8")) as Annotation;
  // A vertical line at mid-frame, drawn top to bottom: its left (the "in" side) is the right half,
  // so crossed_in counts left-to-right moves.
  const s = await send("accuracy-vtest", "0.5,0,0.5,1", 10);
  assert.equal(s.processed, truth.frames);
  const errors = truth.in_view.map((p) => Math.abs((s.inViewPerFrame[p.frame - 1] ?? 0) - p.count));
  const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
  const visits = loadTruth("vtest").visits;
  console.log(
    `vtest 10 fps: in-view MAE ${mae.toFixed(3)} over ${errors.length} annotated frames; ` +
      `crossings left->right ${s.counts.crossedIn} (truth ${truth.totals.left_to_right}), ` +
      `right->left ${s.counts.crossedOut} (truth ${truth.totals.right_to_left}); entries ${s.counts.entered}, exits ${s.counts.exited} (${visits} visits)`,
  );
  // Measured by the replay: MAE 0.69, crossings 15 and 17, entries 25 (before pair-split.ts 14 and 16; before second
  // boxes and tentative tracks in view 0.82, 15 and 16, 26; before track revival 0.75, 15 and 19, 45; before
  // stitching 0.91, 11 and 13, 93).
  assert.ok(mae <= 0.75, `people in view: mean absolute error ${mae.toFixed(3)} per frame (goal: at most 0.75)`);
  // The goal: within 10% each way.
  const near = (got: number, want: number) => Math.abs(got - want) <= want * 0.1;
  assert.ok(near(s.counts.crossedIn, truth.totals.left_to_right), `left->right ${s.counts.crossedIn}, truth ${truth.totals.left_to_right} (10%)`);
  assert.ok(near(s.counts.crossedOut, truth.totals.right_to_left), `right->left ${s.counts.crossedOut}, truth ${truth.totals.right_to_left} (10%)`);
  // 21 walks into the picture by 13 people (vtest.crowd.annotation.json); a lost person coming back as new inflates this.
  // The goal: within 25%.
  assert.ok(s.counts.entered <= Math.floor(visits * 1.25), `entries ${s.counts.entered} for ${visits} visits: tracks fragment`);
  assertReplayIsCurrent(s, 10, "vertical");
});

test("vtest.avi at 5 fps, a horizontal line at mid-frame: crossings within 10% of the hand count each way, entries near the visits, people in view within 0.75", { timeout: 600_000 }, async () => {
  const truth = loadTruth("vtest");
  const horizontal = truth.lines.find((l) => l.name === "horizontal")!;
  // Drawn left to right: its left (the "in" side) is the upper half, so crossed_in counts walking up the picture.
  const s = await send("accuracy-vtest-5fps", "0,0.5,1,0.5", 5);
  console.log(`vtest 5 fps, horizontal line: in ${s.counts.crossedIn} (truth ${horizontal.truth.in}), out ${s.counts.crossedOut} (truth ${horizontal.truth.out}); entries ${s.counts.entered}, exits ${s.counts.exited} (${truth.visits} visits)`);
  // Measured by the replay: in 18, out 13, entries 24, MAE 0.57 (before tentative tracks counted in view, MAE 0.81;
  // before the colour cue in stitching 18, 13, 27; before track revival 18, 14, 43).
  assert.ok(Math.abs(s.counts.crossedIn - horizontal.truth.in) <= horizontal.truth.in * 0.1, `in ${s.counts.crossedIn}, truth ${horizontal.truth.in} (10%)`);
  assert.ok(Math.abs(s.counts.crossedOut - horizontal.truth.out) <= horizontal.truth.out * 0.1, `out ${s.counts.crossedOut}, truth ${horizontal.truth.out} (10%)`);
  assert.ok(s.counts.entered <= Math.floor(truth.visits * 1.25), `entries ${s.counts.entered} for ${truth.visits} visits (goal: within 25%)`);
  const errors = truth.inView.flatMap(({ frame, count }) => {
    const i = sentIndex(frame, 10, 5);
    return i === undefined ? [] : [Math.abs((s.inViewPerFrame[i] ?? 0) - count)];
  });
  const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
  console.log(`vtest 5 fps: in-view MAE ${mae.toFixed(3)} over ${errors.length} annotated frames`);
  assert.ok(mae <= 0.75, `people in view at 5 fps: mean absolute error ${mae.toFixed(3)} per frame (goal: at most 0.75)`);
  assertReplayIsCurrent(s, 5, "horizontal");
});
