import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FrameAck } from "@headcount/proto/types";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { until } from "../support/waiting.ts";

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "none" });
});
after(async () => {
  await ts?.stop();
});

/** The value of one sample line of a Prometheus text exposition. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no sample ${name} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(name.length + 1));
}

test("GET /metrics counts frames by ack status, times the stages, and shows sessions and workers", async () => {
  const frames = extractJpegFrames(oneByOneVideo, { startS: 30, count: 3, fps: 5, width: 320 });
  const c = ts.native.capture;
  const { response: s } = await c.openSession({ cameraId: "metrics-cam", cameraName: "" });
  const acks: FrameAck[] = [];
  const abort = new AbortController();
  const watch = c.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
  watch.responses.onMessage((m) => m.ack && acks.push(m.ack));
  watch.status.catch(() => undefined);
  for (const [i, jpeg] of frames.entries()) {
    await c.uploadFrame({ sessionId: s.sessionId, frame: { seq: i + 1, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } });
    await until(() => acks.length === i + 1, `ack ${i + 1}`);
  }
  await c.uploadFrame({ sessionId: s.sessionId, frame: { seq: 10, capturedAtMs: Date.now(), jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0]), width: 1, height: 1 } });
  await until(() => acks.length === 4, "the rejected frame's ack");

  const res = await fetch(ts.metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
  const text = await res.text();
  assert.equal(sample(text, "headcount_frames_received_total"), 4);
  assert.equal(sample(text, 'headcount_frames_acked_total{status="processed"}'), 3);
  assert.equal(sample(text, 'headcount_frames_acked_total{status="rejected"}'), 1);
  assert.equal(sample(text, 'headcount_frames_acked_total{status="dropped_stale"}'), 0);
  assert.equal(sample(text, "headcount_frame_server_seconds_count"), 3);
  assert.equal(sample(text, 'headcount_frame_stage_seconds_count{stage="decode"}'), 3);
  assert.equal(sample(text, "headcount_sessions_open"), 1);
  assert.equal(sample(text, "headcount_cameras_online"), 1);
  assert.equal(sample(text, "headcount_workers"), 1);
  assert.equal(sample(text, "headcount_worker_crashes"), 0);
  // The worker reported its own memory with its last frame.
  assert.ok(sample(text, 'headcount_worker_memory_bytes{worker="0",kind="heap"}') > 1e6);
  assert.ok(sample(text, 'headcount_worker_memory_bytes{worker="0",kind="external"}') > 0);
  assert.ok(sample(text, "headcount_process_resident_memory_bytes") > 0);
  assert.equal((await fetch(ts.metricsUrl.replace("/metrics", "/other"))).status, 404);
  abort.abort();
});
