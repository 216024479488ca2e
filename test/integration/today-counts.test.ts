import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Camera, WatchCountsResponse } from "@headcount/proto/count";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, until } from "../support/waiting.ts";

const DAY_MS = 86_400_000;
/** An offset from UTC, in whole minutes, at which it is about noon now: every event of this test falls "today", even near midnight UTC. */
const noonOffsetMinutes = Math.round((DAY_MS / 2 - (Date.now() % DAY_MS)) / 60_000);

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe", config: { workers: 1 } });
});
after(async () => {
  await ts?.stop();
});

test("'today' and the totals come from one snapshot: for a camera whose events all fall today they are equal in every snapshot, live", { timeout: 120_000 }, async () => {
  const abort = new AbortController();
  const snapshots: WatchCountsResponse[] = [];
  const call = ts.web().count.watchCounts({ utcOffsetMinutes: noonOffsetMinutes }, { abort: abort.signal });
  call.responses.onMessage((m) => snapshots.push(m));
  call.status.catch(() => undefined);
  const camera = (s: WatchCountsResponse): Camera | undefined => s.cameras.find((c) => c.cameraId === "today-cam");
  // Person 1 walks in at 6.0 s and is still in view at 9.0 s: an entry while streaming, an exit when the stream ends.
  await streamOneByOne(ts, "today-cam", extractJpegFrames(oneByOneVideo, { startS: 5, count: 40, fps: 10, width: 640 }));
  await until(() => (camera(snapshots.at(-1)!)?.counts?.exited ?? 0) >= 1, "the exit in a snapshot");
  abort.abort();

  const seen = snapshots.map(camera).filter((c): c is Camera => c !== undefined);
  assert.ok(seen.some((c) => c.counts!.entered >= 1 && c.counts!.exited === 0), "a snapshot while the person was in view");
  for (const c of seen) {
    assert.deepEqual(
      [c.today?.entered, c.today?.exited, c.today?.crossedIn, c.today?.crossedOut],
      [c.counts!.entered, c.counts!.exited, c.counts!.crossedIn, c.counts!.crossedOut],
      "entered/exited today equal entered/exited in the same snapshot",
    );
    const dayStart = c.today!.fromMs;
    assert.equal((dayStart + noonOffsetMinutes * 60_000) % DAY_MS, 0, "today starts at the viewer's local midnight");
  }
});

test("after a reset the totals restart at zero and 'today' keeps the day's counts; a bad offset is refused", async () => {
  const { response: reset } = await ts.native.count.resetCounts({ cameraId: "today-cam" });
  assert.equal(reset.camera?.counts?.entered, 0);
  const { response: listed } = await ts.native.count.listCameras({ utcOffsetMinutes: noonOffsetMinutes });
  const cam = listed.cameras.find((c) => c.cameraId === "today-cam")!;
  assert.equal(cam.counts?.entered, 0);
  assert.ok((cam.today?.entered ?? 0) >= 1, "the day's entries stay in 'today'");
  assert.equal(cam.today?.exited, cam.today?.entered);
  assert.equal(await rpcCode(ts.native.count.listCameras({ utcOffsetMinutes: 15 * 60 }).response), "INVALID_ARGUMENT");
});
