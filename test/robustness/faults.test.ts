import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { loadConfig } from "../../server/src/config.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { until } from "../support/waiting.ts";

let ts: TestServer;
let frames: Buffer[];
before(async () => {
  frames = extractJpegFrames(oneByOneVideo, { startS: 30, count: 8, fps: 5, width: 320 });
  // The crash test uploads faster than the default 30 frames/s limit.
  const limits = { ...loadConfig({}).limits, maxFps: 120 };
  ts = await startTestServer({ detector: "none", config: { workers: 2, sessionIdleMs: 400, limits } });
});
after(async () => {
  await ts?.stop();
});

test("a client that vanishes mid-stream: its stream, queue slot and session are freed within a bounded time", async () => {
  const baseline = ts.server.sessions.size;
  const web = ts.web().capture;
  const vanished: AbortController[] = [];
  for (let i = 0; i < 3; i++) {
    const abort = new AbortController();
    vanished.push(abort);
    const { response: s } = await web.openSession({ cameraId: `vanish-${i}`, cameraName: "" }, { abort: abort.signal });
    web.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal }).status.catch(() => undefined);
    for (let seq = 1; seq <= 3; seq++) {
      await web.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg: frames[seq]!, width: 320, height: 180 } });
    }
  }
  assert.equal(ts.server.sessions.size, baseline + 3);
  const started = Date.now();
  for (const a of vanished) a.abort(); // the tab is closed: every fetch is cut
  await until(() => [...ts.server.sessions.all()].every((s) => s.watcherCount === 0), "the ack streams to be released", 5_000);
  await until(() => ts.server.sessions.size === baseline, "the sessions to expire", 5_000);
  console.log(`vanished clients freed after ${Date.now() - started} ms (idle limit 400 ms)`);
  assert.equal(ts.server.pool.stats().busyJobs, 0);
  const offline = (await ts.native.count.listCameras({})).response.cameras.filter((c) => c.cameraId.startsWith("vanish-"));
  assert.deepEqual(offline.map((c) => c.online), [false, false, false]);
});

test("a detector worker that crashes is replaced; its sessions go on and every frame still gets an ack", async () => {
  const native = ts.native.capture;
  const { response: s } = await native.openSession({ cameraId: "crash-cam", cameraName: "" });
  const acks: FrameAck[] = [];
  const abort = new AbortController();
  const watch = native.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
  watch.responses.onMessage((m) => m.ack && acks.push(m.ack));
  watch.status.catch(() => undefined);
  const crashesBefore = ts.server.pool.stats().crashes;
  const n = 60;
  for (let seq = 1; seq <= n; seq++) {
    await native.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg: frames[seq % frames.length]!, width: 320, height: 180 } });
    if (seq === 20) await Promise.all([ts.server.pool.crashWorker(0), ts.server.pool.crashWorker(1)]);
    await sleep(5);
  }
  await until(() => acks.length === n, `${n} acks`, 15_000);
  assert.deepEqual([...acks.map((a) => a.seq)].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 1));
  assert.equal(ts.server.pool.stats().crashes, crashesBefore + 2, "both crashes are counted");
  assert.equal(ts.server.pool.stats().workers, 2);
  const last = acks.find((a) => a.seq === n)!;
  assert.equal(last.status, FrameStatus.PROCESSED, "frames after the crash are processed by the replacement");
  abort.abort();
});
