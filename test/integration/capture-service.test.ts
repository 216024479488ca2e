import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { ReceiptStatus, type WatchAcksResponse } from "@headcount/proto/capture";
import type { CaptureServiceClient } from "@headcount/proto/capture-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import sharp from "sharp";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { corruptedBody, truncated, withClaimedSize } from "../support/jpeg-mutations.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, until } from "../support/waiting.ts";

let ts: TestServer;
let frames: Buffer[];

before(async () => {
  frames = extractJpegFrames(oneByOneVideo, { startS: 8, count: 12, fps: 10, width: 640 });
  ts = await startTestServer({ detector: "none" });
});
after(async () => {
  await ts?.stop();
});

/** Collects acks of a session into an array until aborted. */
function collectAcks(client: CaptureServiceClient, sessionId: string, resumeAfterSeq = 0) {
  const abort = new AbortController();
  const acks: FrameAck[] = [];
  const call = client.watchAcks({ sessionId, resumeAfterSeq }, { abort: abort.signal, meta: { "x-session-id": sessionId } });
  call.responses.onMessage((m: WatchAcksResponse) => m.ack && acks.push(m.ack));
  const done = call.status.then(
    () => "ok",
    (e: unknown) => (e instanceof RpcError ? e.code : String(e)),
  );
  return { acks, stop: () => abort.abort(), done };
}

for (const transportName of ["native", "grpc-web binary", "grpc-web text"] as const) {
  describe(`capture over ${transportName}`, () => {
    const client = () =>
      transportName === "native" ? ts.native.capture : ts.web(transportName === "grpc-web text" ? "text" : "binary").capture;

    test("every uploaded frame gets one processed ack with the decoded size of the sent JPEG", async () => {
      const c = client();
      const { response: s } = await c.openSession({ cameraId: "cam-roundtrip", cameraName: "Round trip" });
      assert.match(s.sessionId, /^[A-Za-z0-9_-]{24}$/);
      assert.equal(s.limits?.maxInFlight, 2);
      const watch = collectAcks(c, s.sessionId);
      for (let seq = 1; seq <= 5; seq++) {
        const jpeg = frames[seq]!;
        const meta = await sharp(jpeg).metadata();
        const { response } = await c.uploadFrame(
          { sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: meta.width!, height: meta.height! } },
          { meta: { "x-session-id": s.sessionId } },
        );
        assert.equal(response.status, ReceiptStatus.ACCEPTED);
        await until(() => watch.acks.length === seq, `ack ${seq}`);
        const ack = watch.acks[seq - 1]!;
        assert.equal(ack.seq, seq);
        assert.equal(ack.status, FrameStatus.PROCESSED, ack.detail);
        assert.deepEqual([ack.decodedWidth, ack.decodedHeight], [meta.width, meta.height]);
        assert.equal(ack.jpegBytes, jpeg.length);
        assert.ok(ack.timings!.decodeMs > 0 && ack.timings!.totalMs >= ack.timings!.decodeMs);
      }
      watch.stop();
      assert.equal(await watch.done, "CANCELLED");
    });

    test("bad input gets a precise status, a rejected ack, and the session goes on", async () => {
      const c = client();
      const { response: s } = await c.openSession({ cameraId: "cam-bad-input", cameraName: "" });
      const watch = collectAcks(c, s.sessionId);
      const upload = (seq: number, jpeg: Uint8Array) =>
        rpcCode(c.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 640, height: 360 } }));
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).png().toBuffer();
      assert.equal(await upload(1, new Uint8Array()), "INVALID_ARGUMENT");
      assert.equal(await upload(2, png), "INVALID_ARGUMENT");
      assert.equal(await upload(3, new Uint8Array(ts.config.limits.maxFrameBytes + 1).fill(0xff)), "RESOURCE_EXHAUSTED");
      assert.equal(await upload(0, frames[0]!), "INVALID_ARGUMENT");
      assert.equal(await rpcCode(c.uploadFrame({ sessionId: "no-such-session", frame: { seq: 1, capturedAtMs: 0, jpeg: frames[0]!, width: 1, height: 1 } })), "NOT_FOUND");
      // One at a time, so that none is overtaken (and acked as stale) by the next.
      const decodable: Array<[number, Uint8Array]> = [
        [4, truncated(frames[0]!)],
        [5, withClaimedSize(frames[0]!, 60000, 60000)],
        [6, corruptedBody(frames[0]!)],
        [7, frames[0]!],
      ];
      for (const [seq, jpeg] of decodable) {
        assert.equal(await upload(seq, jpeg), "OK");
        await until(() => watch.acks.some((a) => a.seq === seq), `ack ${seq}`);
      }
      const bySeq = new Map(watch.acks.map((a) => [a.seq, a]));
      for (const seq of [1, 2, 3]) assert.equal(bySeq.get(seq)?.status, FrameStatus.REJECTED, `seq ${seq}`);
      assert.match(bySeq.get(1)!.detail, /empty/);
      assert.match(bySeq.get(2)!.detail, /not a JPEG/);
      assert.match(bySeq.get(3)!.detail, /over the limit/);
      assert.equal(bySeq.get(4)?.status, FrameStatus.REJECTED);
      assert.match(bySeq.get(4)!.detail, /corrupt JPEG/);
      assert.equal(bySeq.get(5)?.status, FrameStatus.REJECTED);
      assert.match(bySeq.get(5)!.detail, /60000x60000/);
      assert.equal(bySeq.get(6)?.status, FrameStatus.REJECTED);
      assert.equal(bySeq.get(7)?.status, FrameStatus.PROCESSED, bySeq.get(7)?.detail);
      // A retried seq is recognised and not acked twice.
      const { response: again } = await c.uploadFrame({ sessionId: s.sessionId, frame: { seq: 7, capturedAtMs: Date.now(), jpeg: frames[0]!, width: 640, height: 360 } });
      assert.equal(again.status, ReceiptStatus.DUPLICATE);
      await sleep(200);
      assert.equal(watch.acks.filter((a) => a.seq === 7).length, 1);
      watch.stop();
    });

    test("WatchAcks on an unknown session fails at once with NOT_FOUND (not a hang)", async () => {
      const watch = collectAcks(client(), "unknown-session-id");
      assert.equal(await watch.done, "NOT_FOUND");
    });

    test("frames faster than the pipeline: latest wins, every seq acked exactly once", async () => {
      const c = client();
      const { response: s } = await c.openSession({ cameraId: "cam-burst", cameraName: "Burst" });
      const watch = collectAcks(c, s.sessionId);
      const n = 12;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          c.uploadFrame({ sessionId: s.sessionId, frame: { seq: i + 1, capturedAtMs: Date.now(), jpeg: frames[i % frames.length]!, width: 640, height: 360 } }),
        ),
      );
      await until(() => watch.acks.length >= n, `${n} acks`);
      await sleep(100);
      const seqs = watch.acks.map((a) => a.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: n }, (_, i) => i + 1));
      const processed = watch.acks.filter((a) => a.status === FrameStatus.PROCESSED).length;
      const stale = watch.acks.filter((a) => a.status === FrameStatus.DROPPED_STALE).length;
      assert.equal(processed + stale, n);
      assert.ok(processed >= 2, `at least the first and the last frame are processed (got ${processed})`);
      const last = watch.acks.find((a) => a.seq === n)!;
      assert.equal(last.status, FrameStatus.PROCESSED, "the newest frame is never the one dropped");
      watch.stop();
    });
  });
}

test("a resumed ack stream replays only acks after resume_after_seq", async () => {
  const c = ts.native.capture;
  const { response: s } = await c.openSession({ cameraId: "cam-resume", cameraName: "" });
  const first = collectAcks(c, s.sessionId);
  for (let seq = 1; seq <= 4; seq++) {
    await c.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg: frames[seq]!, width: 640, height: 360 } });
    await until(() => first.acks.length === seq, `ack ${seq}`);
  }
  first.stop();
  const resumed = collectAcks(c, s.sessionId, 2);
  await until(() => resumed.acks.length === 2, "replayed acks");
  assert.deepEqual(resumed.acks.map((a) => a.seq), [3, 4]);
  resumed.stop();
});

test("an ack stream sends its headers at once, before any ack", async () => {
  const c = ts.web().capture;
  const { response: s } = await c.openSession({ cameraId: "cam-headers", cameraName: "" });
  const abort = new AbortController();
  const call = c.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal, meta: { "x-session-id": s.sessionId } });
  const headers = await Promise.race([
    call.headers,
    sleep(5_000).then(() => Promise.reject(new Error("no response headers within 5 s of opening the stream"))),
  ]);
  assert.equal(headers["x-session-id"], s.sessionId);
  abort.abort();
  await call.status.catch(() => undefined);
});

test("cancelling an ack stream frees the session's subscription", async () => {
  const c = ts.web().capture;
  const { response: s } = await c.openSession({ cameraId: "cam-cancel", cameraName: "" });
  const session = ts.server.sessions.get(s.sessionId);
  const watch = collectAcks(c, s.sessionId);
  await until(() => session.watcherCount === 1, "the server to see the watcher");
  watch.stop();
  assert.equal(await watch.done, "CANCELLED");
  await until(() => session.watcherCount === 0, "the server to drop the watcher", 5_000);
});

test("StreamFrames (bidi, native): open, frames in, one ack each, OK at the end", async () => {
  const call = ts.native.capture.streamFrames();
  const got: Array<{ kind: string; seq?: number; status?: FrameStatus }> = [];
  call.responses.onMessage((m) => {
    if (m.message.oneofKind === "session") got.push({ kind: "session" });
    if (m.message.oneofKind === "ack") got.push({ kind: "ack", seq: m.message.ack.seq, status: m.message.ack.status });
  });
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId: "cam-cli", cameraName: "CLI" } } });
  for (let seq = 1; seq <= 5; seq++) {
    await call.requests.send({ message: { oneofKind: "frame", frame: { seq, capturedAtMs: Date.now(), jpeg: frames[seq]!, width: 640, height: 360 } } });
    await until(() => got.length === seq + 1, `ack ${seq}`);
  }
  await call.requests.send({ message: { oneofKind: "frame", frame: { seq: 6, capturedAtMs: Date.now(), jpeg: new Uint8Array([1, 2, 3]), width: 1, height: 1 } } });
  await call.requests.complete();
  const status = await call.status;
  assert.equal(status.code, "OK");
  assert.equal(got[0]!.kind, "session");
  assert.deepEqual(got.slice(1).map((g) => g.seq), [1, 2, 3, 4, 5, 6]);
  assert.ok(got.slice(1, 6).every((g) => g.status === FrameStatus.PROCESSED));
  assert.equal(got[6]!.status, FrameStatus.REJECTED, "a bad frame is acked as rejected and the stream goes on");
});

test("StreamFrames whose first message is not `open` fails with INVALID_ARGUMENT", async () => {
  const call = ts.native.capture.streamFrames();
  await call.requests.send({ message: { oneofKind: "frame", frame: { seq: 1, capturedAtMs: 0, jpeg: frames[0]!, width: 1, height: 1 } } });
  await call.requests.complete();
  assert.equal(await rpcCode(call.status), "INVALID_ARGUMENT");
});

test("OpenSession adopts a session id the client proposes in x-session-id (for replica affinity)", async () => {
  const proposed = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5";
  const { response } = await ts.web().capture.openSession({ cameraId: "cam-affinity", cameraName: "" }, { meta: { "x-session-id": proposed } });
  assert.equal(response.sessionId, proposed);
  const again = ts.web().capture.openSession({ cameraId: "cam-affinity", cameraName: "" }, { meta: { "x-session-id": proposed } });
  assert.equal(await rpcCode(again.response), "ALREADY_EXISTS");
  const short = ts.native.capture.openSession({ cameraId: "cam-affinity", cameraName: "" }, { meta: { "x-session-id": "guessable" } });
  assert.equal(await rpcCode(short.response), "INVALID_ARGUMENT");
});

test("OpenSession rejects a bad camera id with INVALID_ARGUMENT", async () => {
  assert.equal(await rpcCode(ts.native.capture.openSession({ cameraId: "Bad Id!", cameraName: "" })), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(ts.web().capture.openSession({ cameraId: "", cameraName: "" })), "INVALID_ARGUMENT");
});

test("a frame limit above the gRPC-Web endpoint's default body cap holds on both transports, as OpenSession advertises it", async () => {
  const big = await startTestServer({ config: { limits: { ...ts.config.limits, maxFrameBytes: 6 * 1024 * 1024 } } });
  try {
    // 5 MiB: over the endpoint's default cap (4 MiB), within this server's advertised limit.
    const jpeg = Buffer.concat([frames[0]!, Buffer.alloc(5 * 1024 * 1024)]);
    for (const c of [big.native.capture, big.web().capture]) {
      const { response: s } = await c.openSession({ cameraId: "cam-large-frames", cameraName: "" });
      assert.equal(s.limits?.maxFrameBytes, 6 * 1024 * 1024);
      const { response } = await c.uploadFrame({ sessionId: s.sessionId, frame: { seq: 1, capturedAtMs: Date.now(), jpeg, width: 640, height: 360 } });
      assert.equal(response.status, ReceiptStatus.ACCEPTED);
    }
  } finally {
    await big.stop();
  }
});
