/**
 * Protocol-level behaviour of the gRPC-Web proxy that clients do not show
 * directly: CORS, HTTP errors, malformed bodies, the request cap, the text
 * format on the wire, backpressure, disconnects and upstream restarts.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { OpenSessionRequest, OpenSessionResponse, WatchAcksRequest, WatchAcksResponse } from "@headcount/proto/capture";
import { NOT_FOUND_MESSAGE, startCaptureTestServer, type CaptureTestServer } from "./capture-test-service.ts";
import { dataFrame, fetchRewritingBody, loadCaptureDescService, protobufTsClient, rawPost, startProxy, type RunningProxy } from "./grpc-web-harness.ts";
import { ClientCallError, connectWebClient, protobufTsWebClient } from "./web-client-adapters.ts";

const ORIGIN = "http://capture.test";
const MAX_REQUEST_BYTES = 64 * 1024;
const BINARY = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" };

let upstream: CaptureTestServer;
let proxy: RunningProxy;

before(async () => {
  upstream = await startCaptureTestServer();
  proxy = await startProxy({ upstream: `http://${upstream.address}`, allowedOrigins: [ORIGIN], maxRequestBytes: MAX_REQUEST_BYTES });
});
after(async () => {
  await proxy.close();
  await upstream.close();
});

const openSessionUrl = (): string => `${proxy.baseUrl}/headcount.v1.CaptureService/OpenSession`;
const watchAcksUrl = (): string => `${proxy.baseUrl}/headcount.v1.CaptureService/WatchAcks`;
const openSessionBody = (cameraId: string): Buffer<ArrayBuffer> => dataFrame(OpenSessionRequest.toBinary({ cameraId, cameraName: "" }));

/** Proves the proxy still serves: one good unary call. */
async function assertStillServing(): Promise<void> {
  const response = await protobufTsClient(proxy.baseUrl, "binary").openSession({ cameraId: "after", cameraName: "" }).response;
  assert.equal(response.sessionId, "s-after");
}

describe("CORS", () => {
  test("preflight from an allowed origin gets 204 with methods, headers and max-age", async () => {
    const response = await fetch(openSessionUrl(), {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web" },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /\bPOST\b/);
    const allowed = (response.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
    for (const name of ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "x-session-id", "authorization", "connect-protocol-version"]) {
      assert.ok(allowed.includes(name), `${name} allowed`);
    }
    assert.ok(Number(response.headers.get("access-control-max-age")) > 0);
  });

  test("preflight from another origin gets 403 and no CORS headers", async () => {
    const response = await fetch(openSessionUrl(), { method: "OPTIONS", headers: { origin: "http://evil.test", "access-control-request-method": "POST" } });
    assert.equal(response.status, 403);
    const corsNames: string[] = [];
    response.headers.forEach((_, name) => name.startsWith("access-control-") && corsNames.push(name));
    assert.deepEqual(corsNames, []);
  });

  test("a call from an allowed origin exposes the gRPC status headers and x-session-id", async () => {
    const response = await fetch(openSessionUrl(), { method: "POST", headers: { ...BINARY, origin: ORIGIN }, body: openSessionBody("lobby") });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
    const exposed = (response.headers.get("access-control-expose-headers") ?? "").split(/,\s*/);
    for (const name of ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-session-id"]) assert.ok(exposed.includes(name), `${name} exposed`);
    await response.arrayBuffer();
  });

  test("a call from another origin is refused with 403 and no CORS headers", async () => {
    const response = await fetch(openSessionUrl(), { method: "POST", headers: { ...BINARY, origin: "http://evil.test" }, body: openSessionBody("lobby") });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });
});

describe("HTTP-level refusals", () => {
  test("a method other than POST gets 405 with Allow", async () => {
    const response = await fetch(openSessionUrl());
    assert.equal(response.status, 405);
    assert.match(response.headers.get("allow") ?? "", /POST/);
  });

  test("a content type other than gRPC-Web gets 415, native application/grpc included", async () => {
    for (const contentType of ["application/json", "application/grpc", "application/grpc-web+json"]) {
      const response = await fetch(openSessionUrl(), { method: "POST", headers: { "content-type": contentType }, body: "{}" });
      assert.equal(response.status, 415, contentType);
    }
  });
});

describe("malformed request bodies", () => {
  let service: Awaited<ReturnType<typeof loadCaptureDescService>>;
  before(async () => {
    service = await loadCaptureDescService();
  });

  const expectInternal = async (call: Promise<unknown>, pattern: RegExp): Promise<void> => {
    const error = await call.then(() => assert.fail("expected failure"), (e: unknown) => e);
    assert.ok(error instanceof ClientCallError, String(error));
    assert.equal(error.code, 13 /* INTERNAL */);
    assert.match(decodeURIComponent(error.shownMessage), pattern);
  };

  test("a truncated frame gives INTERNAL to both clients, and the proxy keeps serving", async () => {
    const truncate = fetchRewritingBody((body) => body.subarray(0, body.length - 2));
    await expectInternal(protobufTsWebClient(proxy.baseUrl, "binary", truncate).openSession("lobby"), /ends inside a frame/);
    await expectInternal(connectWebClient(service, proxy.baseUrl, truncate).openSession("lobby"), /ends inside a frame/);
    await assertStillServing();
  });

  test("bad or unpadded base64 in the text format gives INTERNAL, and the proxy keeps serving", async () => {
    const garbage = fetchRewritingBody(() => "AAAA!!!!");
    await expectInternal(protobufTsWebClient(proxy.baseUrl, "text", garbage).openSession("lobby"), /invalid base64/);
    const unpadded = fetchRewritingBody((body) => new TextDecoder().decode(body).replace(/=+$/, "").slice(0, -1));
    await expectInternal(protobufTsWebClient(proxy.baseUrl, "text", unpadded).openSession("lobby"), /invalid base64/);
    await assertStillServing();
  });

  test("a trailer frame inside a request gives INTERNAL", async () => {
    const body = Buffer.concat([openSessionBody("lobby"), Buffer.from([0x80, 0, 0, 0, 0])]);
    const response = await rawPost(openSessionUrl(), body, BINARY);
    assert.equal(response.status, 200);
    assert.equal(response.trailer?.["grpc-status"], "13");
    assert.match(decodeURIComponent(response.trailer?.["grpc-message"] ?? ""), /unexpected frame flags/);
  });

  test("a body over the cap gives RESOURCE_EXHAUSTED; a body under it goes through", async () => {
    const client = protobufTsClient(proxy.baseUrl, "binary");
    const frame = (bytes: number) => ({ sessionId: "s", frame: { seq: 7, capturedAtMs: 0, jpeg: new Uint8Array(bytes), width: 1, height: 1 } });
    assert.equal((await client.uploadFrame(frame(MAX_REQUEST_BYTES / 2)).response).seq, 7);
    await assert.rejects(client.uploadFrame(frame(MAX_REQUEST_BYTES * 2)).response, { code: "RESOURCE_EXHAUSTED" });
    // A frame header announcing an oversized message is refused before its payload arrives.
    const header = Buffer.from([0, 0x7f, 0xff, 0xff, 0xff]);
    const response = await rawPost(`${proxy.baseUrl}/headcount.v1.CaptureService/UploadFrame`, header, BINARY);
    assert.equal(response.trailer?.["grpc-status"], "8");
  });

  test("a client vanishing mid-upload does not disturb the proxy", async () => {
    await new Promise<void>((resolve) => {
      const request = http.request(openSessionUrl(), { method: "POST", headers: { ...BINARY, "content-length": "1000" } });
      request.on("error", () => resolve());
      request.write(Buffer.from([0, 0, 0, 3, 0xe8, 1, 2]), () => setTimeout(() => request.destroy(), 20));
      request.on("close", () => resolve());
    });
    await assertStillServing();
  });
});

describe("trailers on the wire", () => {
  test("a trailers-only upstream error becomes 200 + one 0x80 frame with status, encoded message and metadata", async () => {
    const response = await rawPost(openSessionUrl(), openSessionBody("missing"), BINARY);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/grpc-web+proto");
    // Not in the headers too: connect-es rejects a body after a header grpc-status of 0.
    assert.equal(response.headers.get("grpc-status"), null);
    assert.deepEqual(response.messages, []);
    assert.equal(response.trailer?.["grpc-status"], "5");
    assert.equal(response.trailer?.["grpc-message"], encodeURI(NOT_FOUND_MESSAGE));
    assert.equal(response.trailer?.["x-reason"], "no-such-camera");
  });

  test("an unknown method gets upstream's UNIMPLEMENTED", async () => {
    const response = await rawPost(`${proxy.baseUrl}/headcount.v1.CaptureService/Nope`, openSessionBody("x"), BINARY);
    assert.equal(response.trailer?.["grpc-status"], "12");
  });
});

describe("text format on the wire", () => {
  test("a base64 body sent in chunks not aligned to 4 is decoded, and the answer is base64", async () => {
    const text = openSessionBody("chunky").toString("base64");
    const status = await new Promise<{ contentType: string; body: string }>((resolve, reject) => {
      const request = http.request(openSessionUrl(), { method: "POST", headers: { "content-type": "application/grpc-web-text", accept: "application/grpc-web-text" } });
      request.on("response", (response) => {
        let body = "";
        response.setEncoding("latin1").on("data", (chunk: string) => (body += chunk)).on("end", () => resolve({ contentType: String(response.headers["content-type"]), body }));
      });
      request.on("error", reject);
      const write = async (): Promise<void> => {
        for (let i = 0, size = 1; i < text.length; i += size, size = (size % 5) + 1) {
          request.write(text.slice(i, i + size));
          await sleep(2);
        }
        request.end();
      };
      void write();
    });
    assert.equal(status.contentType, "application/grpc-web-text+proto");
    assert.match(status.body, /^[A-Za-z0-9+/=]+$/);
    const bytes = Buffer.concat(status.body.split(/(?<==)(?=[^=])/).map((part) => Buffer.from(part, "base64")));
    const length = bytes.readUInt32BE(1);
    assert.equal(OpenSessionResponse.fromBinary(bytes.subarray(5, 5 + length)).sessionId, "s-chunky");
    assert.equal(bytes[5 + length], 0x80);
  });
});

describe("streaming and flow control", () => {
  test("a reader that stops reading holds the upstream back, then gets every message", async () => {
    const count = 400;
    const size = 64 * 1024;
    const body = dataFrame(WatchAcksRequest.toBinary({ sessionId: `flood:${count}:${size}`, resumeAfterSeq: 0 }));
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(watchAcksUrl(), { method: "POST", headers: BINARY }, resolve);
      request.on("error", reject);
      request.end(body);
    });
    response.pause();
    // Let the upstream write until backpressure stops it, then check it stopped short.
    let last = -1;
    for (let stable = 0; stable < 5; await sleep(100)) stable = upstream.floodWritten() === last ? stable + 1 : ((last = upstream.floodWritten()), 0);
    assert.ok(last < count / 2, `upstream wrote ${last} of ${count} messages to a reader that reads nothing`);
    // The stalled stream must not block other calls on the shared upstream connection.
    await assertStillServing();
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    let messages = 0;
    let offset = 0;
    while (bytes[offset] === 0) {
      const length = bytes.readUInt32BE(offset + 1);
      assert.equal(WatchAcksResponse.fromBinary(bytes.subarray(offset + 5, offset + 5 + length)).ack?.seq, messages + 1);
      messages++;
      offset += 5 + length;
    }
    assert.equal(messages, count);
    assert.equal(bytes[offset], 0x80);
    assert.match(bytes.subarray(offset + 5).toString("latin1"), /grpc-status:0\r\n/);
  });

  test("an upstream that goes away mid-stream ends the call with a status; a restarted upstream is reached again", async () => {
    const own = await startCaptureTestServer();
    const ownProxy = await startProxy({ upstream: `http://${own.address}`, allowedOrigins: "*" });
    try {
      const client = protobufTsClient(ownProxy.baseUrl, "binary");
      const call = client.watchAcks({ sessionId: "hold", resumeAfterSeq: 0 });
      await call.headers;
      await own.close();
      const error = await call.status.then(() => assert.fail("expected failure"), (e: unknown) => e);
      assert.ok(["UNAVAILABLE", "CANCELLED", "INTERNAL"].includes((error as { code: string }).code), String(error));
      await assert.rejects(client.openSession({ cameraId: "x", cameraName: "" }).response, { code: "UNAVAILABLE" });
      const restarted = await startCaptureTestServer(own.port);
      try {
        assert.equal((await client.openSession({ cameraId: "back", cameraName: "" }).response).sessionId, "s-back");
      } finally {
        await restarted.close();
      }
    } finally {
      await ownProxy.close();
    }
  });
});
