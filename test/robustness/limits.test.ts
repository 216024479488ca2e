import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../server/src/config.ts";
import { DomainError } from "../../server/src/rpc/errors.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { rpcCode } from "../support/waiting.ts";

let ts: TestServer;
before(async () => {
  const defaults = loadConfig({});
  ts = await startTestServer({
    detector: "none",
    config: { corsOrigins: ["https://counts.example"], limits: { ...defaults.limits, maxSessions: 3, maxFps: 5, maxBytesPerSecond: 100_000 } },
  });
});
after(async () => {
  await ts?.stop();
});

test("the cap on open sessions answers RESOURCE_EXHAUSTED, and a freed slot can be used again", async () => {
  const capture = ts.native.capture;
  const opened = [];
  for (let i = 0; i < 3; i++) opened.push((await capture.openSession({ cameraId: `cap-${i}`, cameraName: "" })).response);
  assert.equal(await rpcCode(capture.openSession({ cameraId: "cap-3", cameraName: "" }).response), "RESOURCE_EXHAUSTED");
  // A StreamFrames call whose session ends frees its slot.
  const call = capture.streamFrames();
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId: "cap-4", cameraName: "" } } });
  await call.requests.complete();
  assert.equal(await rpcCode(call.status), "RESOURCE_EXHAUSTED", "the bidi call is refused too");
  ts.server.sessions.close(ts.server.sessions.get(opened[0]!.sessionId), new DomainError("CANCELLED", "closed by the test"));
  assert.equal(await rpcCode(capture.openSession({ cameraId: "cap-5", cameraName: "" }).response), "OK");
  ts.server.sessions.closeAll(new DomainError("CANCELLED", "closed by the test"));
});

test("CORS: only the configured origins may call the gRPC-Web endpoint from a browser", async () => {
  const url = `${ts.grpcWebUrl}/headcount.v1.CountService/ListCameras`;
  const preflight = (origin: string) =>
    fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,x-session-id" } });
  const allowed = await preflight("https://counts.example");
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://counts.example");
  assert.match(allowed.headers.get("access-control-allow-headers") ?? "", /x-session-id/i);
  const denied = await preflight("https://evil.example");
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get("access-control-allow-origin"), null);
});

test("per-session rate limits: frames beyond max_fps or max_bytes_per_second get RESOURCE_EXHAUSTED, then the rate recovers", async () => {
  const jpeg = extractJpegFrames(oneByOneVideo, { startS: 30, count: 1, fps: 1, width: 320 })[0]!;
  const c = ts.web().capture;
  const { response: s } = await c.openSession({ cameraId: "rate-cam", cameraName: "" });
  assert.equal(s.limits?.maxFps, 5);
  assert.equal(s.limits?.maxBytesPerSecond, 100_000);
  const codes: string[] = [];
  for (let seq = 1; seq <= 12; seq++) {
    codes.push(await rpcCode(c.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } }).response));
  }
  assert.deepEqual(codes.slice(0, 5), ["OK", "OK", "OK", "OK", "OK"], "a burst of one second's worth");
  assert.ok(codes.slice(5).filter((c) => c === "RESOURCE_EXHAUSTED").length >= 6, codes.join(" "));
  await new Promise((r) => setTimeout(r, 1_100));
  assert.equal(await rpcCode(c.uploadFrame({ sessionId: s.sessionId, frame: { seq: 20, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } }).response), "OK", "the rate refills");

  const big = new Uint8Array(60_000);
  big.set(jpeg);
  const { response: s2 } = await c.openSession({ cameraId: "bytes-cam", cameraName: "" });
  const first = await rpcCode(c.uploadFrame({ sessionId: s2.sessionId, frame: { seq: 1, capturedAtMs: Date.now(), jpeg: big, width: 320, height: 180 } }).response);
  const second = await rpcCode(c.uploadFrame({ sessionId: s2.sessionId, frame: { seq: 2, capturedAtMs: Date.now(), jpeg: big, width: 320, height: 180 } }).response);
  assert.deepEqual([first, second], ["OK", "RESOURCE_EXHAUSTED"], "120 kB within a second is over 100 kB/s");
});
