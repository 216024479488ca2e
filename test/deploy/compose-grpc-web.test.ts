/**
 * gRPC-Web behaviour through Envoy, against the real stack that
 * `docker compose up` runs: pages and gRPC-Web on one origin, every frame
 * acked, statuses kept, CORS, streams that outlive Envoy's default timeouts,
 * and the http listener's /ca.crt and redirect.
 *
 * Needs Docker, so it runs only under `npm run test:compose`
 * (test/deploy/run-compose-tests.sh), which starts the stack and sets
 * HEADCOUNT_COMPOSE_URL (and HEADCOUNT_COMPOSE_HTTP_URL); otherwise skipped.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { DescService } from "@bufbuild/protobuf";
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { OpenSessionRequest, ReceiptStatus } from "@headcount/proto/capture";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import sharp from "sharp";
import { loadCaptureDescService } from "../grpc-web/grpc-web-harness.ts";
import { ClientCallError, connectWebClient } from "../grpc-web/web-client-adapters.ts";
import { rpcCode, until } from "../support/waiting.ts";
import { autoCredentials } from "../support/auto-credentials.ts";

const BASE = process.env.HEADCOUNT_COMPOSE_URL?.replace(/\/+$/, "");
const CAPTURE_TOKEN = process.env.HEADCOUNT_CAPTURE_TOKEN;
const HTTP_BASE = process.env.HEADCOUNT_COMPOSE_HTTP_URL?.replace(/\/+$/, "");
const SKIP = BASE ? false : "needs Docker: set HEADCOUNT_COMPOSE_URL (npm run test:compose starts the stack and sets it)";
/** Envoy's default route timeout, which the gRPC route must have switched off. */
const ENVOY_DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

let jpeg: Uint8Array;
let png: Uint8Array;
let service: DescService;

function clients(format: "binary" | "text") {
  // run-compose-tests.sh starts the stack with this shared capture token.
  const transport = new GrpcWebFetchTransport({ baseUrl: BASE!, format, interceptors: [autoCredentials(CAPTURE_TOKEN)] });
  return { capture: new CaptureServiceClient(transport), count: new CountServiceClient(transport) };
}

/** Opens a WatchAcks stream collecting acks until `stop()`. */
function watchAcks(capture: CaptureServiceClient, sessionId: string) {
  const abort = new AbortController();
  const acks: FrameAck[] = [];
  const call = capture.watchAcks({ sessionId, resumeAfterSeq: 0 }, { abort: abort.signal, meta: { "x-session-id": sessionId } });
  call.responses.onMessage((m) => m.ack && acks.push(m.ack));
  const ended = call.status.then(() => "OK", (e: unknown) => (e instanceof RpcError ? e.code : String(e)));
  return { acks, ended, stop: () => abort.abort() };
}

describe("headcount through Envoy (docker compose)", { skip: SKIP }, () => {
  before(async () => {
    jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: "#6a7" } }).jpeg({ quality: 70 }).toBuffer();
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).png().toBuffer();
    service = await loadCaptureDescService();
  });

  test("the count and capture pages are served on the gRPC-Web origin", async () => {
    for (const path of ["/", "/capture"]) {
      const response = await fetch(`${BASE}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type") ?? "", /text\/html/, path);
    }
  });

  for (const format of ["binary", "text"] as const) {
    test(`capture over gRPC-Web (${format}): every uploaded frame gets one processed ack`, async () => {
      const { capture } = clients(format);
      const call = capture.openSession({ cameraId: `compose-${format}-${randomUUID().slice(0, 8)}`, cameraName: "compose test" });
      const { sessionId } = await call.response;
      assert.equal((await call.headers)["x-session-id"], sessionId, "the session header reaches the browser");
      const watch = watchAcks(capture, sessionId);
      for (let seq = 1; seq <= 3; seq++) {
        const frame = { seq, capturedAtMs: Date.now(), jpeg, width: 640, height: 360 };
        const { response } = await capture.uploadFrame({ sessionId, frame }, { meta: { "x-session-id": sessionId } });
        assert.equal(response.status, ReceiptStatus.ACCEPTED);
        await until(() => watch.acks.length === seq, `ack ${seq}`);
        const ack = watch.acks[seq - 1]!;
        assert.equal(ack.status, FrameStatus.PROCESSED, ack.detail);
        assert.deepEqual([ack.seq, ack.decodedWidth, ack.decodedHeight, ack.jpegBytes], [seq, 640, 360, jpeg.length]);
      }
      watch.stop();
      assert.equal(await watch.ended, "CANCELLED");
    });
  }

  test("errors keep their status through Envoy, for protobuf-ts and connect-es", async () => {
    const { capture } = clients("binary");
    const { sessionId } = await capture.openSession({ cameraId: "compose-errors", cameraName: "" }).response;
    const watch = watchAcks(capture, sessionId);
    const frame = { seq: 1, capturedAtMs: Date.now(), jpeg: png, width: 8, height: 8 };
    assert.equal(await rpcCode(capture.uploadFrame({ sessionId, frame }).response), "INVALID_ARGUMENT");
    await until(() => watch.acks.length === 1, "the rejected ack");
    assert.equal(watch.acks[0]!.status, FrameStatus.REJECTED);
    assert.match(watch.acks[0]!.detail, /not a JPEG/);
    watch.stop();
    assert.equal(await watchAcks(capture, "no-such-session").ended, "NOT_FOUND");

    const connect = connectWebClient(service, BASE!);
    assert.match((await connect.openSession("compose-connect", { headers: { authorization: `Bearer ${CAPTURE_TOKEN}` } })).value.sessionId, /^[A-Za-z0-9_-]{24}$/);
    const error = await connect.watchAcks("no-such-session").then(() => assert.fail("expected NOT_FOUND"), (e: unknown) => e);
    assert.ok(error instanceof ClientCallError && error.code === 5, String(error));
  });

  test("CORS: another origin's page may not call (no preflight approval); the stack's own pages need none", async () => {
    const origin = "https://elsewhere.example";
    const url = `${BASE}/headcount.v1.CaptureService/OpenSession`;
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,x-user-agent,x-session-id,authorization" },
    });
    await preflight.arrayBuffer();
    assert.equal(preflight.headers.get("access-control-allow-origin"), null, "a foreign origin's preflight must not be approved");

    const message = OpenSessionRequest.toBinary({ cameraId: "compose-cors", cameraName: "" });
    const body = new Uint8Array(5 + message.length);
    new DataView(body.buffer).setUint32(1, message.length);
    body.set(message, 5);
    // A same-origin call (what the stack's pages make) sends no Origin to approve.
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", authorization: `Bearer ${CAPTURE_TOKEN}` },
      body,
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.equal(response.headers.get("grpc-status") ?? "0", "0");
  });

  test("count and ack streams outlive Envoy's default 15 s route timeout", async () => {
    const { capture, count } = clients("binary");
    const abort = new AbortController();
    const snapshots: number[] = [];
    const counts = count.watchCounts({}, { abort: abort.signal });
    counts.responses.onMessage(() => snapshots.push(Date.now()));
    const countsEnded = counts.status.then(() => "OK", (e: unknown) => (e instanceof RpcError ? e.code : String(e)));

    const { sessionId } = await capture.openSession({ cameraId: "compose-long", cameraName: "" }).response;
    const watch = watchAcks(capture, sessionId);
    const started = Date.now();
    await sleep(ENVOY_DEFAULT_ROUTE_TIMEOUT_MS + 3_000);
    // The ack stream was quiet all along; it must still deliver.
    await capture.uploadFrame({ sessionId, frame: { seq: 1, capturedAtMs: Date.now(), jpeg, width: 640, height: 360 } }, { meta: { "x-session-id": sessionId } }).response;
    await until(() => watch.acks.length === 1, "an ack on the long-quiet stream");
    assert.ok(snapshots.some((t) => t - started > ENVOY_DEFAULT_ROUTE_TIMEOUT_MS), "count snapshots after 15 s on the same stream");
    abort.abort();
    watch.stop();
    assert.equal(await countsEnded, "CANCELLED");
    assert.equal(await watch.ended, "CANCELLED");
  });

  test("plain http serves the local CA certificate and sends everything else to https", { skip: HTTP_BASE ? false : "set HEADCOUNT_COMPOSE_HTTP_URL" }, async () => {
    const ca = await fetch(`${HTTP_BASE}/ca.crt`);
    assert.equal(ca.status, 200);
    assert.match(await ca.text(), /-----BEGIN CERTIFICATE-----/);
    const page = await fetch(`${HTTP_BASE}/capture?camera=door`, { redirect: "manual" });
    assert.equal(page.status, 301);
    assert.match(page.headers.get("location") ?? "", /^https:\/\/[^/]+\/capture\?camera=door$/);
  });
});
