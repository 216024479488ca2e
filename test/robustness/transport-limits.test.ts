/**
 * Limits at the transport, where a client can hold resources without ever
 * making a valid call (issue 11, item 20): metadata on the native port, an
 * oversized gRPC-Web body, and a gRPC-Web request whose body never comes.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode } from "../support/waiting.ts";

const IDLE_TIMEOUT_MS = 500;
let t: TestServer;

before(async () => {
  t = await startTestServer({ config: { grpcWebIdleTimeoutMs: IDLE_TIMEOUT_MS } });
});
after(() => t.stop());

/** What a raw HTTP/1.1 client saw on one connection. */
interface RawExchange {
  /** Everything the server sent. */
  answer: string;
  /** Body bytes the client managed to hand to its socket before the server closed the connection. */
  bodyBytesWritten: number;
  /** The server ended or reset the connection. */
  closedByServer: boolean;
}

/**
 * Sends gRPC-Web request headers announcing `declaredBytes`, then `body`
 * (as fast as the socket takes it) and waits up to `waitMs` for the server
 * to close the connection.
 */
function rawGrpcWebCall(path: string, declaredBytes: number, body: (write: (chunk: Buffer) => Promise<boolean>) => Promise<void>, waitMs: number): Promise<RawExchange> {
  const { port } = new URL(t.grpcWebUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    const result: RawExchange = { answer: "", bodyBytesWritten: 0, closedByServer: false };
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (chunk: Buffer) => (result.answer += chunk.toString("latin1")));
    socket.on("end", () => {
      result.closedByServer = true;
      done();
    });
    socket.on("error", () => {
      result.closedByServer = true;
      done();
    });
    socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\ncontent-length: ${declaredBytes}\r\n\r\n`);
    // Resolves once the socket took the chunk (false once the connection is gone).
    void body(async (chunk) => {
      if (socket.destroyed) return false;
      result.bodyBytesWritten += chunk.length;
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
      return !socket.destroyed;
    });
  });
}

function grpcStatusIn(answer: string): string | undefined {
  return /grpc-status:(\d+)/.exec(answer)?.[1];
}

describe("native port", () => {
  test("metadata over 60 KiB is refused with RESOURCE_EXHAUSTED; just under it is served", async () => {
    const pad = (kib: number) => ({ meta: { "x-pad": "a".repeat(kib * 1024) } });
    assert.equal(await rpcCode(t.native.capture.openSession({ cameraId: "meta-small", cameraName: "" }, pad(58)).response), "OK");
    assert.equal(await rpcCode(t.native.capture.openSession({ cameraId: "meta-big", cameraName: "" }, pad(61)).response), "RESOURCE_EXHAUSTED");
    assert.equal(await rpcCode(t.native.capture.openSession({ cameraId: "meta-after", cameraName: "" }).response), "OK");
  });
});

describe("gRPC-Web endpoint", () => {
  test("an oversized body is answered with RESOURCE_EXHAUSTED and its connection closed, not read to its end", async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024);
    // One frame claiming 50 MiB: over the cap from its header on.
    const header = Buffer.from([0, 0, 0, 0, 0]);
    header.writeUInt32BE(total - 5, 1);
    const exchange = await rawGrpcWebCall(
      "/headcount.v1.CaptureService/UploadFrame",
      total,
      async (write) => {
        if (!(await write(header))) return;
        for (let sent = 5; sent < total; sent += chunk.length) if (!(await write(chunk))) return;
      },
      30_000,
    );
    assert.ok(exchange.closedByServer, "the server closed the connection");
    assert.ok(exchange.bodyBytesWritten < 16 * 1024 * 1024, `the server stopped reading early (${exchange.bodyBytesWritten} bytes written)`);
    assert.equal(grpcStatusIn(exchange.answer), "8", `answered RESOURCE_EXHAUSTED: ${exchange.answer.slice(0, 300)}`);
  });

  for (const [what, body] of [
    ["no body at all", Buffer.alloc(0)],
    ["a frame header and then nothing", Buffer.from([0, 0, 0, 0, 40])],
  ] as const) {
    test(`a request whose body stops (${what}) is ended after the stream idle timeout`, { timeout: 30_000 }, async () => {
      const started = Date.now();
      const exchange = await rawGrpcWebCall(
        "/headcount.v1.CaptureService/UploadFrame",
        45,
        async (write) => void (body.length > 0 && (await write(body))),
        20_000,
      );
      assert.equal(grpcStatusIn(exchange.answer), "14", `answered UNAVAILABLE: ${exchange.answer.slice(0, 300)}`);
      assert.match(exchange.answer, /idle/);
      assert.ok(exchange.closedByServer, "the connection, which cannot carry another request, was closed");
      assert.ok(Date.now() - started >= IDLE_TIMEOUT_MS * 0.9, "not before the timeout");
    });
  }

  test("a quiet ack stream is ended by the idle timeout with UNAVAILABLE, and the session lives on", { timeout: 20_000 }, async () => {
    const { capture } = t.web();
    const { response: opened } = await capture.openSession({ cameraId: "quiet", cameraName: "" });
    const call = capture.watchAcks({ sessionId: opened.sessionId, resumeAfterSeq: 0 }, { meta: { "x-session-id": opened.sessionId } });
    assert.equal(await rpcCode(call.status), "UNAVAILABLE");
    assert.ok(t.server.sessions.find(opened.sessionId), "the session is still open");
  });
});
