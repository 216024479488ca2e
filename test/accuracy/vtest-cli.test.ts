import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot, vtestVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Hand annotation of vtest.avi (see its "method"): people in view at 1 fps, crossings of x = 0.5. */
interface Annotation {
  frames: number;
  in_view: Array<{ frame: number; count: number }>;
  crossings: Array<{ direction: "left_to_right" | "right_to_left"; who: string }>;
  totals: { left_to_right: number; right_to_left: number };
}

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe" });
});
after(async () => {
  await ts?.stop();
});

test("vtest.avi (small, many pedestrians): people in view within 1 person per frame of the hand count; crossings near the hand count", { timeout: 600_000 }, async () => {
  const truth = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/vtest.annotation.json"), "utf8")) as Annotation;
  // A vertical line at mid-frame, drawn top to bottom: its left (the "in" side) is the right half,
  // so crossed_in counts left-to-right moves.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "server/src/cli/send-main.ts", "--server", `127.0.0.1:${ts.grpcPort}`, "--camera", "accuracy-vtest", "--token", TEST_CAPTURE_TOKEN, "--line", "0.5,0,0.5,1", "--json", "--quiet", vtestVideo],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  const s = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    processed: number; inViewPerFrame: number[]; counts: { entered: number; crossedIn: number; crossedOut: number };
  };
  assert.equal(s.processed, truth.frames);
  const errors = truth.in_view.map((p) => Math.abs((s.inViewPerFrame[p.frame - 1] ?? 0) - p.count));
  const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
  // The same person crossing back and forth counts once per direction (the counter's rule with everyCrossing false).
  const people = (dir: string) => new Set(truth.crossings.filter((c) => c.direction === dir).map((c) => /\[(\w)\]/.exec(c.who)?.[1] ?? c.who)).size;
  console.log(
    `vtest: in-view MAE ${mae.toFixed(3)} over ${errors.length} annotated frames; ` +
      `crossings left->right ${s.counts.crossedIn} (truth ${truth.totals.left_to_right} crossings by ${people("left_to_right")} people), ` +
      `right->left ${s.counts.crossedOut} (truth ${truth.totals.right_to_left} by ${people("right_to_left")} people); entries ${s.counts.entered}`,
  );
  // Measured: MAE 0.75, crossings 15 and 19, entries about 45 (before track stitching: 0.91, 11 and 13, 93).
  assert.ok(mae <= 0.9, `people in view: mean absolute error ${mae.toFixed(3)} per frame (goal: at most 1)`);
  // The counter counts every crossing, as the annotation does; the margins fail a return to fragmented tracks.
  const near = (got: number, want: number, tolerance: number) => Math.abs(got - want) <= tolerance;
  assert.ok(near(s.counts.crossedIn, truth.totals.left_to_right, 2), `left->right ${s.counts.crossedIn}, truth ${truth.totals.left_to_right} (+-2)`);
  assert.ok(near(s.counts.crossedOut, truth.totals.right_to_left, 3), `right->left ${s.counts.crossedOut}, truth ${truth.totals.right_to_left} (+-3)`);
  // A person split into several tracks inflates entries (93 before stitching, for a scene of 3 to 9 people at a time).
  assert.ok(s.counts.entered <= 60, `entries ${s.counts.entered}: tracks fragment`);
});
