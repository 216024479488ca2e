import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { ChannelCredentials } from "@grpc/grpc-js";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { type CountEvent, EventKind, EventReason, ExportContent, ExportFormat, Bucket } from "@headcount/proto/count";
import { FrameStatus } from "@headcount/proto/types";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { autoCredentials, TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { extractJpegFolder, extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo, repoRoot } from "../support/paths.ts";
import { startServerProcess } from "../support/server-process.ts";
import { startTestServer } from "../support/test-server.ts";
import { freePort } from "../support/web-app.ts";
import { rpcCode, waitFor } from "../support/waiting.ts";

// Person 1 walks in at 6.0 s of the one-by-one clip and is still in view at 9.0 s.
const cut = { startS: 5, count: 40, fps: 10, width: 640 };
const scratch = mkdtempSync(join(tmpdir(), "headcount-session-end-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function eventsOf(count: CountServiceClient, cameraId: string): Promise<CountEvent[]> {
  return (await count.listEvents({ cameraId, fromMs: 0, toMs: 0, limit: 100, cursor: "" })).response.events;
}

test("capture stopped with a person in view (the CLI's stream ends): the person exits at the last frame, 'capture stopped', and entered == exited", { timeout: 120_000 }, async () => {
  const ts = await startTestServer({ detector: "mediapipe", config: { workers: 1 } });
  try {
    const folder = extractJpegFolder(oneByOneVideo, cut);
    const args = ["--import", "tsx", "server/src/cli/send-main.ts", "--server", `127.0.0.1:${ts.grpcPort}`, "--camera", "end-cli", "--token", TEST_CAPTURE_TOKEN, "--json", "--quiet", folder];
    const run = await promisify(execFile)(process.execPath, args, { cwd: repoRoot });
    const summary = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { processed: number };
    assert.ok(summary.processed >= 30, run.stdout);

    const count = ts.native.count;
    const cam = await waitFor(
      "the session's exits",
      async () => {
        const c = (await count.listCameras({ utcOffsetMinutes: 0 })).response.cameras.find((x) => x.cameraId === "end-cli");
        return c && c.counts!.exited > 0 ? c : undefined;
      },
      10_000,
    );
    assert.ok(cam.counts!.entered >= 1, "the person who walked in was counted");
    assert.equal(cam.counts!.exited, cam.counts!.entered, "entered - exited is back to zero after the session");
    assert.equal(cam.counts!.inView, 0);

    const events = await eventsOf(count, "end-cli");
    const entries = events.filter((e) => e.kind === EventKind.ENTRY);
    const stopped = events.filter((e) => e.kind === EventKind.EXIT && e.reason === EventReason.CAPTURE_STOPPED);
    assert.equal(stopped.length, entries.length, "each person still in view exits once, with the reason");
    assert.ok(entries.every((e) => e.reason === EventReason.UNSPECIFIED));
    const lastCounted = Math.max(...entries.map((e) => e.timeMs));
    // The exits are at the session's last frame (its capture time), after everything the frames counted.
    assert.ok(stopped.every((e) => e.timeMs > lastCounted && e.timeMs - lastCounted < 5_000), JSON.stringify(events));
    assert.equal(events[0]!.reason, EventReason.CAPTURE_STOPPED, "the newest events are the session's exits");

    const range = { fromMs: lastCounted - 60_000, toMs: Date.now() + 60_000, lineId: "", zoneId: "" };
    const { response: csv } = await count.exportCounts({ content: ExportContent.EVENTS, format: ExportFormat.CSV, cameraId: "end-cli", ...range, bucket: Bucket.UNSPECIFIED, utcOffsetMinutes: 0 });
    const lines = new TextDecoder().decode(csv.data).trim().split("\r\n");
    assert.equal(lines.filter((l) => l.endsWith(",exit," + stopped[0]!.trackId + ",capture_stopped,,,")).length, 1, lines.join("\n"));
    const { response: json } = await count.exportCounts({ content: ExportContent.EVENTS, format: ExportFormat.JSON, cameraId: "end-cli", ...range, bucket: Bucket.UNSPECIFIED, utcOffsetMinutes: 0 });
    const rows = JSON.parse(new TextDecoder().decode(json.data)) as Array<{ kind: string; reason: string }>;
    assert.deepEqual(rows.map((r) => r.reason).filter(Boolean), stopped.map(() => "capture_stopped"));
  } finally {
    await ts.stop();
  }
});

test("the capture page's Stop (CloseSession over gRPC-Web) ends the session at once: the person in view exits, 'capture stopped'", { timeout: 120_000 }, async () => {
  const ts = await startTestServer({ detector: "mediapipe", config: { workers: 1 } });
  try {
    const web = ts.web();
    const { response: opened } = await web.capture.openSession({ cameraId: "end-page", cameraName: "" });
    const abort = new AbortController();
    const acked = new Set<number>();
    const watch = web.capture.watchAcks({ sessionId: opened.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
    watch.responses.onMessage((m) => {
      assert.equal(m.ack?.status, FrameStatus.PROCESSED, m.ack?.detail);
      acked.add(m.ack!.seq);
    });
    const watching = watch.status.catch(() => undefined);
    const start = Date.now();
    for (const [i, jpeg] of extractJpegFrames(oneByOneVideo, cut).entries()) {
      await web.capture.uploadFrame({ sessionId: opened.sessionId, frame: { seq: i + 1, capturedAtMs: start + i * 100, jpeg, width: 0, height: 0 } });
      await waitFor(`ack ${i + 1}`, async () => acked.has(i + 1), 30_000, 5);
    }
    const before = (await web.count.listCameras({})).response.cameras.find((c) => c.cameraId === "end-page")!;
    assert.ok(before.counts!.entered >= 1 && before.counts!.exited < before.counts!.entered, "the person is in view before Stop");
    abort.abort();
    await watching;
    await web.capture.closeSession({ sessionId: opened.sessionId });
    // No idle timeout to wait for (60 s here): the exit is there at once.
    const after = (await web.count.listCameras({})).response.cameras.find((c) => c.cameraId === "end-page")!;
    assert.equal(after.counts!.exited, after.counts!.entered);
    assert.equal(after.online, false);
    const exits = (await eventsOf(web.count, "end-page")).filter((e) => e.kind === EventKind.EXIT);
    assert.ok(exits.length > 0 && exits.every((e) => e.reason === EventReason.CAPTURE_STOPPED && e.timeMs === start + 39 * 100), JSON.stringify(exits));
    assert.equal(await rpcCode(web.capture.closeSession({ sessionId: opened.sessionId }).response), "NOT_FOUND", "a session ends once");
  } finally {
    await ts.stop();
  }
});

/** Opens a StreamFrames session on `grpcPort` and sends `frames`, each after the previous one's ack; leaves the stream open. */
async function streamAndHold(grpcPort: number, cameraId: string, frames: readonly Uint8Array[]) {
  const transport = new GrpcTransport({ host: `127.0.0.1:${grpcPort}`, channelCredentials: ChannelCredentials.createInsecure(), interceptors: [autoCredentials(TEST_CAPTURE_TOKEN)] });
  const call = new CaptureServiceClient(transport).streamFrames();
  let acked = 0;
  let wake = () => {};
  call.responses.onMessage((m) => {
    if (m.message.oneofKind !== "ack") return;
    assert.equal(m.message.ack.status, FrameStatus.PROCESSED, m.message.ack.detail);
    acked++;
    wake();
  });
  call.responses.onError(() => wake());
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId, cameraName: "" } } });
  const start = Date.now();
  for (const [i, jpeg] of frames.entries()) {
    await call.requests.send({ message: { oneofKind: "frame", frame: { seq: i + 1, capturedAtMs: start + i * 100, jpeg, width: 0, height: 0 } } });
    while (acked < i + 1) await new Promise<void>((r) => (wake = r));
  }
  // The server going away ends the call; nothing to wait for here.
  call.status.catch(() => undefined);
  return {
    close: () => transport.close(),
    lastCapturedAtMs: start + (frames.length - 1) * 100,
    /** Sends one more frame and does not wait for its ack: it is in the pipeline when the server is told to stop. */
    sendOneMore: (jpeg: Uint8Array) => call.requests.send({ message: { oneofKind: "frame", frame: { seq: frames.length + 1, capturedAtMs: start + frames.length * 100, jpeg, width: 0, height: 0 } } }),
  };
}

/** Counts and events of a camera through a fresh server on `dataDir` (which closes what the last run left open). */
async function inspect(dataDir: string, cameraId: string) {
  const ts = await startTestServer({ config: { dataDir } });
  try {
    const cam = (await ts.native.count.listCameras({ utcOffsetMinutes: 0 })).response.cameras.find((c) => c.cameraId === cameraId)!;
    return { counts: cam.counts!, events: await eventsOf(ts.native.count, cameraId) };
  } finally {
    await ts.stop();
  }
}

test("SIGTERM with a person in view: the server stores the exits before its store closes", { timeout: 180_000 }, async () => {
  const dataDir = join(scratch, "sigterm");
  const grpcPort = await freePort();
  const server = await startServerProcess({ grpcPort, grpcWebPort: await freePort(), dataDir, workers: 1 });
  const frames = extractJpegFrames(oneByOneVideo, cut);
  const sender = await streamAndHold(grpcPort, "end-term", frames);
  await sender.sendOneMore(frames.at(-1)!);
  await server.stop();
  sender.close();
  const { counts, events } = await inspect(dataDir, "end-term");
  assert.ok(counts.entered >= 1);
  assert.equal(counts.exited, counts.entered);
  const exits = events.filter((e) => e.kind === EventKind.EXIT);
  // At the last frame processed: the one in flight at SIGTERM if it finished first, else the one before.
  const lastTimes = [sender.lastCapturedAtMs, sender.lastCapturedAtMs + 100];
  assert.ok(exits.length > 0 && exits.every((e) => e.reason === EventReason.CAPTURE_STOPPED && lastTimes.includes(e.timeMs)), JSON.stringify(exits));
});

test("SIGKILL with a person in view: nothing can close it then; the next start closes the lost session's people as 'session lost', once", { timeout: 180_000 }, async () => {
  const dataDir = join(scratch, "sigkill");
  const grpcPort = await freePort();
  const server = await startServerProcess({ grpcPort, grpcWebPort: await freePort(), dataDir, workers: 1 });
  const sender = await streamAndHold(grpcPort, "end-kill", extractJpegFrames(oneByOneVideo, cut));
  await server.kill();
  sender.close();
  const restarted = await startServerProcess({ grpcPort, grpcWebPort: await freePort(), dataDir, workers: 1 });
  await restarted.stop();
  assert.match(restarted.output(), /closed sessions the last run left open/);
  const { counts, events } = await inspect(dataDir, "end-kill");
  assert.ok(counts.entered >= 1);
  assert.equal(counts.exited, counts.entered, "entered - exited is back to zero after the restart");
  const exits = events.filter((e) => e.kind === EventKind.EXIT);
  const lastStored = Math.max(...events.filter((e) => e.reason === EventReason.UNSPECIFIED).map((e) => e.timeMs));
  // At the lost session's last stored event: the server never learnt of the frames after it.
  assert.ok(exits.length > 0 && exits.every((e) => e.reason === EventReason.SESSION_LOST && e.timeMs === lastStored), JSON.stringify(exits));
});
