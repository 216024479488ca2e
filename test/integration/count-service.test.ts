import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import type { WatchCountsResponse } from "@headcount/proto/count";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { until } from "../support/waiting.ts";

let ts: TestServer;
let jpeg: Buffer;
before(async () => {
  jpeg = extractJpegFrames(oneByOneVideo, { startS: 1, count: 1, fps: 1, width: 320 })[0]!;
  ts = await startTestServer({ detector: "none", config: { sessionIdleMs: 1_000 } });
});
after(async () => {
  await ts?.stop();
});

test("WatchCounts over gRPC-Web shows a camera going online, acking frames, then offline when its session expires", async () => {
  const web = ts.web();
  const abort = new AbortController();
  const snapshots: WatchCountsResponse[] = [];
  const call = web.count.watchCounts({}, { abort: abort.signal });
  call.responses.onMessage((m) => snapshots.push(m));
  const ended = call.status.catch((e: unknown) => (e instanceof RpcError ? e.code : e));
  await until(() => snapshots.length >= 1, "the first snapshot (sent at once)");

  const latest = () => snapshots.at(-1)!.cameras.find((c) => c.cameraId === "cam-count");
  const { response: s } = await web.capture.openSession({ cameraId: "cam-count", cameraName: "Front door" });
  await until(() => latest()?.online === true, "the camera online");
  assert.equal(latest()!.name, "Front door");

  for (let seq = 1; seq <= 3; seq++) {
    await web.capture.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } });
    await sleep(50);
  }
  await until(() => (latest()?.lastSeenAtMs ?? 0) > 0 && (latest()?.ackedFps ?? 0) > 0, "acks reflected in the camera's link figures");

  // No uploads and no ack stream: the session expires and the camera goes offline.
  await until(() => latest()?.online === false, "the camera offline after its session expired", 10_000);

  const listed = await web.count.listCameras({});
  assert.ok(listed.response.cameras.some((c) => c.cameraId === "cam-count" && c.name === "Front door"));
  abort.abort();
  assert.equal(await ended, "CANCELLED");
});

test("SetCountingLine stores a camera's line, validates it, and rejects unknown cameras", async () => {
  const native = ts.native;
  await native.capture.openSession({ cameraId: "cam-line", cameraName: "" });
  const line = { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: true };
  const { response } = await native.count.setCountingLine({ cameraId: "cam-line", line });
  // Coordinates travel as 32-bit floats.
  const near = (got: typeof line | undefined) => !!got && (["ax", "ay", "bx", "by"] as const).every((k) => Math.abs(got[k] - line[k]) < 1e-6) && got.inSideLeft;
  assert.ok(near(response.camera?.line), JSON.stringify(response.camera?.line));
  const reopened = await native.capture.openSession({ cameraId: "cam-line", cameraName: "" });
  assert.ok(near(reopened.response.line), "a new session of the camera gets its line");
  await assert.rejects(native.count.setCountingLine({ cameraId: "cam-line", line: { ...line, bx: 1.5 } }).response, (e: RpcError) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(native.count.setCountingLine({ cameraId: "no-such-camera", line }).response, (e: RpcError) => e.code === "NOT_FOUND");
  const cleared = await native.count.setCountingLine({ cameraId: "cam-line" });
  assert.equal(cleared.response.camera?.line, undefined);
});
