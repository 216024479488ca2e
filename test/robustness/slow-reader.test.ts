/**
 * A client that opens WatchAcks and stops reading while its uploads go on
 * must not make the server buffer acks without limit: the bounded outbox
 * (rpc/ack-stream.ts) ends that stream with RESOURCE_EXHAUSTED, and other
 * sessions are not slowed down. Real server on 127.0.0.1:0, real clients.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { WatchAcksRequest, WatchAcksResponse } from "@headcount/proto/capture";
import { FrameStatus } from "@headcount/proto/types";
import sharp from "sharp";
import { loadConfig } from "../../server/src/config.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { until } from "../support/waiting.ts";

/** Acks the server may have sent or queued for one stream before it must give up on the reader. */
const ACK_BOUND = 5000;
/** Most uploads the test makes before calling the bound missing. */
const UPLOAD_BOUND = 30_000;
const TIME_BOUND_MS = 60_000;

let ts: TestServer;
let jpeg: Buffer;
before(async () => {
  // A tiny frame decodes in well under a millisecond, so acks come fast.
  jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#808080" } }).jpeg().toBuffer();
  const limits = { ...loadConfig({}).limits, maxFps: 100_000, maxBytesPerSecond: 1024 ** 3 };
  ts = await startTestServer({ detector: "none", config: { workers: 1, limits } });
});
after(async () => {
  await ts?.stop();
});

function metadataOf(entries: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(entries)) metadata.set(k, v);
  return metadata;
}

/** A native grpc-js WatchAcks call on its own connection, so a stalled stream blocks no one else's. */
function rawWatch(sessionId: string, sessionToken: string) {
  const client = new grpc.Client(`127.0.0.1:${ts.grpcPort}`, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
  const call = client.makeServerStreamRequest(
    "/headcount.v1.CaptureService/WatchAcks",
    (r: WatchAcksRequest) => Buffer.from(WatchAcksRequest.toBinary(r)),
    (b: Buffer) => WatchAcksResponse.fromBinary(b),
    { sessionId, resumeAfterSeq: 0 },
    metadataOf({ authorization: `Bearer ${sessionToken}` }),
  );
  const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  call.on("error", () => {}); // the status above carries the outcome
  return { call, status, close: () => client.close() };
}

test("a WatchAcks reader that stops reading is cut off with RESOURCE_EXHAUSTED; memory stays bounded and other sessions go on", async () => {
  const capture = ts.native.capture;
  const { response: slow } = await capture.openSession({ cameraId: "slow-reader", cameraName: "" });
  const session = ts.server.sessions.get(slow.sessionId);
  const watch = rawWatch(slow.sessionId, slow.sessionToken);
  // Never read: paused, with no 'data' listener, grpc-js stops reading the HTTP/2 stream and flow control stops the server.
  watch.call.pause();
  await until(() => session.watcherCount === 1, "the server to see the watcher");

  // Another camera, read normally, uploading one frame at a time meanwhile.
  const { response: other } = await capture.openSession({ cameraId: "normal-reader", cameraName: "" });
  const otherAcks: number[] = [];
  const abortOther = new AbortController();
  const otherWatch = capture.watchAcks({ sessionId: other.sessionId, resumeAfterSeq: 0 }, { abort: abortOther.signal });
  otherWatch.responses.onMessage((m) => m.ack && m.ack.status === FrameStatus.PROCESSED && otherAcks.push(m.ack.seq));
  const otherStatus = otherWatch.status.then(() => "OK", (e: unknown) => (e as { code?: string }).code ?? String(e));
  let otherRounds = 0;
  const otherSends = (async () => {
    for (let seq = 1; seq <= 40; seq++) {
      const t0 = Date.now();
      await capture.uploadFrame({ sessionId: other.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 32, height: 24 } });
      await until(() => otherAcks.includes(seq), `the normal reader's ack ${seq}`, 5000);
      otherRounds = Math.max(otherRounds, Date.now() - t0);
    }
  })();

  // Uploads to the slow session as fast as 8 parallel loops go, until the server drops its watcher.
  const started = Date.now();
  let seq = 0;
  const uploads = Array.from({ length: 8 }, async () => {
    while (session.watcherCount > 0 && seq < UPLOAD_BOUND && Date.now() - started < TIME_BOUND_MS) {
      await capture.uploadFrame({ sessionId: slow.sessionId, frame: { seq: ++seq, capturedAtMs: Date.now(), jpeg, width: 32, height: 24 } });
    }
  });
  await Promise.all(uploads);
  const ackedAtCut = session.acked;
  assert.equal(session.watcherCount, 0, `the server still streams to a reader that has not read for ${seq} uploads (${Date.now() - started} ms): the outbox is not bounded`);
  assert.ok(ackedAtCut <= ACK_BOUND, `the server gave up only after ${ackedAtCut} acks`);

  // The session itself lives on: uploads are still accepted, and a new reader may resume.
  const { response: receipt } = await capture.uploadFrame({ sessionId: slow.sessionId, frame: { seq: ++seq, capturedAtMs: Date.now(), jpeg, width: 32, height: 24 } });
  assert.equal(receipt.seq, seq);

  // Reading again, the client gets what was on the wire, then the server's verdict.
  let delivered = 0;
  watch.call.on("data", () => delivered++);
  watch.call.resume();
  const status = await Promise.race([watch.status, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no status within 10 s of reading again")), 10_000))]);
  assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED, status.details);
  assert.match(status.details, /too slowly/);
  assert.ok(delivered < ackedAtCut, `${delivered} acks delivered of ${ackedAtCut}: the rest were dropped with the stream`);
  watch.close();

  // The other session was not held up: every frame acked, its stream still open.
  await otherSends;
  assert.deepEqual(otherAcks, Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(otherRounds < 5000, `slowest upload-to-ack of the normal reader: ${otherRounds} ms`);
  assert.equal(ts.server.sessions.get(other.sessionId).watcherCount, 1);
  abortOther.abort();
  assert.equal(await otherStatus, "CANCELLED");
});
