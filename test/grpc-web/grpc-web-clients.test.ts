/**
 * The gRPC-Web proxy in front of a real @grpc/grpc-js CaptureService, driven
 * by two independent gRPC-Web clients: protobuf-ts (binary and text) and
 * connect-es (binary).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DescService } from "@bufbuild/protobuf";
import { NOT_FOUND_MESSAGE, STREAM_FAILURE_MESSAGE, startCaptureTestServer, type CaptureTestServer } from "./capture-test-service.ts";
import { loadCaptureDescService, startProxy, unusedPort, type RunningProxy } from "./grpc-web-harness.ts";
import { ClientCallError, connectWebClient, protobufTsWebClient, type WebClient } from "./web-client-adapters.ts";

const ORIGIN = "http://capture.test";
const CANCEL_BOUND_MS = 5000;

let upstream: CaptureTestServer;
let proxy: RunningProxy;
let deadProxy: RunningProxy;
let service: DescService;

before(async () => {
  upstream = await startCaptureTestServer();
  proxy = await startProxy({ upstream: `http://${upstream.address}`, allowedOrigins: [ORIGIN] });
  deadProxy = await startProxy({ upstream: `http://127.0.0.1:${await unusedPort()}`, allowedOrigins: "*" });
  service = await loadCaptureDescService();
});
after(async () => {
  await proxy.close();
  await deadProxy.close();
  await upstream.close();
});

/** Asserts that `call` fails with `code`, returning the error. */
async function failsWith(call: Promise<unknown>, code: number): Promise<ClientCallError> {
  const error = await call.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClientCallError, `expected a gRPC error, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const clients: Array<[string, (baseUrl: string) => WebClient]> = [
  ["protobuf-ts binary", (url) => protobufTsWebClient(url, "binary")],
  ["protobuf-ts text", (url) => protobufTsWebClient(url, "text")],
  ["connect-es binary", (url) => connectWebClient(service, url)],
];

for (const [name, makeClient] of clients) {
  describe(`gRPC-Web through the proxy with ${name}`, () => {
    test("unary call returns the response, headers and trailers, with request metadata forwarded", async () => {
      const client = makeClient(proxy.baseUrl);
      const result = await client.openSession("lobby", { headers: { "x-session-id": "sess-42", "x-custom": "hello" }, timeoutMs: 10_000 });
      assert.equal(result.value.sessionId, "s-lobby");
      assert.equal(result.headers["x-session-id"], "s-lobby");
      assert.equal(result.trailers["x-echo-session-id"], "sess-42");
      assert.equal(result.trailers["x-echo-custom"], "hello");
      assert.equal(result.trailers["x-echo-grpc-web"], "1");
      assert.equal(result.trailers["x-echo-has-deadline"], "yes");
    });

    test("unary error keeps its code and its message (spaces, non-ASCII, '%')", async () => {
      const client = makeClient(proxy.baseUrl);
      const error = await failsWith(client.openSession("missing"), 5 /* NOT_FOUND */);
      if (client.decodesGrpcMessage) {
        assert.equal(error.shownMessage, NOT_FOUND_MESSAGE);
      } else {
        // protobuf-ts 2.11.1 shows grpc-message as it travels: percent-encoded (protobuf-ts#83).
        assert.notEqual(error.shownMessage, NOT_FOUND_MESSAGE);
        assert.equal(decodeURIComponent(error.shownMessage), NOT_FOUND_MESSAGE);
      }
    });

    test("server stream delivers every message, then OK with trailers", async () => {
      const result = await makeClient(proxy.baseUrl).watchAcks("ok:5");
      assert.deepEqual(result.value, [1, 2, 3, 4, 5]);
      assert.equal(result.trailers["x-acks-sent"], "5");
    });

    test("server stream with no messages ends OK (trailers-only upstream response)", async () => {
      const result = await makeClient(proxy.baseUrl).watchAcks("empty");
      assert.deepEqual(result.value, []);
    });

    test("server stream failing after some messages delivers them, then its status", async () => {
      const seen: number[] = [];
      const error = await failsWith(makeClient(proxy.baseUrl).watchAcks("fail:3", { onAck: (seq) => seen.push(seq) }), 10 /* ABORTED */);
      assert.deepEqual(seen, [1, 2, 3]);
      assert.equal(error.shownMessage.includes("%") ? decodeURIComponent(error.shownMessage) : error.shownMessage, STREAM_FAILURE_MESSAGE);
    });

    test("messages are streamed as they come, not buffered until the end", async () => {
      const client = makeClient(proxy.baseUrl);
      let resolveFirst = (): void => {};
      const first = new Promise<void>((resolve) => (resolveFirst = resolve));
      const done = client.watchAcks("gate", { onAck: (seq) => seq === 1 && resolveFirst() });
      // The server holds the stream open after ack 1 until the gate opens.
      await withTimeout(first, CANCEL_BOUND_MS, "first message before the stream ended");
      upstream.openGate();
      assert.deepEqual((await done).value, [1, 2]);
    });

    test("headers arrive before any message, and aborting cancels the upstream call", async () => {
      const client = makeClient(proxy.baseUrl);
      const abort = new AbortController();
      const cancelled = upstream.nextCancel();
      let resolveHeaders = (_: Record<string, string>): void => {};
      const headers = new Promise<Record<string, string>>((resolve) => (resolveHeaders = resolve));
      const call = client.watchAcks("hold", { signal: abort.signal, onHeaders: (h) => resolveHeaders(h) });
      call.catch(() => {});
      const received = await withTimeout(headers, CANCEL_BOUND_MS, "response headers of an idle stream");
      assert.equal(received["x-session-id"], "hold");
      abort.abort();
      assert.equal(await withTimeout(cancelled, CANCEL_BOUND_MS, "server-side cancellation"), "hold");
      await failsWith(call, 1 /* CANCELLED */);
    });

    test("an unreachable upstream gives UNAVAILABLE, for unary and streaming calls", async () => {
      const client = makeClient(deadProxy.baseUrl);
      const error = await failsWith(client.openSession("lobby"), 14 /* UNAVAILABLE */);
      assert.match(error.shownMessage, /upstream unavailable/);
      await failsWith(client.watchAcks("ok:1"), 14);
    });
  });
}
