import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { extractJpegFolder } from "../support/footage-frames.ts";
import { runSender } from "../support/cli-sender.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

let ts: TestServer;
let scratch: string;
let frames: string;
before(async () => {
  ts = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "headcount-cli-sources-"));
  frames = extractJpegFolder(oneByOneVideo, { startS: 20, count: 3, fps: 5, width: 320 });
});
after(async () => {
  await ts?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the real sender CLI; resolves to its exit code, the last stdout line and stderr. */
async function send(...inputs: string[]): Promise<{ code: number | null; last: string; stderr: string }> {
  const r = await runSender(["--server", `127.0.0.1:${ts.grpcPort}`, "--token", TEST_CAPTURE_TOKEN, "--json", "--quiet", ...inputs], { timeoutMs: 120_000 });
  return { code: r.code, last: r.stdout.trim().split("\n").at(-1) ?? "", stderr: r.stderr };
}

const frame = (n: number) => join(frames, `0000${n}.jpg`);

test("JPEG files named on the command line are all sent, in the order given; a single JPEG too", async () => {
  const three = await send(frame(3), frame(1), frame(2));
  assert.equal(three.code, 0, three.stderr);
  const summary = JSON.parse(three.last) as { sent: number; acked: number; processed: number };
  assert.deepEqual([summary.sent, summary.acked, summary.processed], [3, 3, 3]);
  // ffmpeg turns a lone still image into no frames at all; it used to "succeed" having sent nothing.
  const one = await send(frame(1));
  assert.equal(one.code, 0, one.stderr);
  assert.equal((JSON.parse(one.last) as { acked: number }).acked, 1);
});

test("the CLI refuses what it cannot send, and options it cannot honour, with a readable message and a failing exit code", async () => {
  const mixed = await send(frames, oneByOneVideo);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /one source at a time/);
  const missing = await send(join(scratch, "nowhere.mp4"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder: .*nowhere\.mp4/);
  // --window 0.5 used to become 0: the sender then waited for ever, or sent nothing and exited 0.
  const window = await send("--window", "0.5", frame(1));
  assert.equal(window.code, 2);
  assert.match(window.stderr, /--window must be a whole number from 1 to 64 \(got 0\.5\)/);
  const fps = await send("--fps", "1e-9", frame(1));
  assert.equal(fps.code, 2);
  assert.match(fps.stderr, /--fps must be a number from 0\.01 to 1000/);
  const notVideo = join(scratch, "notes.mp4");
  writeFileSync(notVideo, "this is not a video\n");
  const broken = await send(notVideo);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /ffmpeg failed|no frames could be read/);
});
