import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../server/src/config.ts";
import { DomainError } from "../../server/src/rpc/errors.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode } from "../support/waiting.ts";

let ts: TestServer;
before(async () => {
  const defaults = loadConfig({});
  ts = await startTestServer({
    detector: "none",
    config: { corsOrigins: ["https://counts.example"], limits: { ...defaults.limits, maxSessions: 3 } },
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
