import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Bucket, EventKind, EventReason, ExportContent, ExportFormat } from "@headcount/proto/count";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, waitFor } from "../support/waiting.ts";

let ts: TestServer;
let startedAt: number;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe", config: { workers: 1 } });
  startedAt = Date.now();
  // Person 1 walks in at 6.0 s: 5.0 to 9.0 s holds one entry; they are still in view when the
  // stream ends, so the session's end counts their exit ("capture stopped").
  await streamOneByOne(ts, "hist-cam", extractJpegFrames(oneByOneVideo, { startS: 5, count: 40, fps: 10, width: 640 }));
  await waitFor("the session's exit", async () => (await ts.native.count.listCameras({})).response.cameras[0]?.counts?.exited === 1, 10_000);
});
after(async () => {
  await ts?.stop();
});

test("the event log, the series and both exports agree on the stored entry and exit", async () => {
  const count = ts.web().count;
  const range = { fromMs: startedAt - 60_000, toMs: Date.now() + 60_000, lineId: "", zoneId: "" };
  const { response: log } = await count.listEvents({ cameraId: "hist-cam", fromMs: 0, toMs: 0, limit: 0, cursor: "" });
  assert.deepEqual(log.events.map((e) => [e.kind, e.reason]), [[EventKind.EXIT, EventReason.CAPTURE_STOPPED], [EventKind.ENTRY, EventReason.UNSPECIFIED]]);
  const [exit, entry] = log.events as [typeof log.events[0], typeof log.events[0]];
  assert.ok(entry.trackId > 0 && entry.timeMs >= startedAt - 1000);

  const { response: series } = await count.getSeries({ cameraId: "hist-cam", ...range, bucket: Bucket.MINUTE, utcOffsetMinutes: 0 });
  assert.equal(series.points.reduce((n, p) => n + p.entered, 0), 1);
  assert.ok(series.points.every((p) => p.startMs % 60_000 === 0));

  const { response: csv } = await count.exportCounts({ content: ExportContent.EVENTS, format: ExportFormat.CSV, cameraId: "hist-cam", ...range, bucket: Bucket.UNSPECIFIED, utcOffsetMinutes: 0 });
  assert.equal(csv.contentType, "text/csv");
  assert.match(csv.fileName, /^headcount-events-hist-cam-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = new TextDecoder().decode(csv.data).trim().split("\r\n");
  assert.equal(lines[0], "id,time_iso,time_ms,camera_id,kind,track_id,reason,line_id,zone_id,dwell_ms");
  assert.deepEqual(lines.slice(1), [
    `${entry.id},${new Date(entry.timeMs).toISOString()},${entry.timeMs},hist-cam,entry,${entry.trackId},,,,`,
    `${exit.id},${new Date(exit.timeMs).toISOString()},${exit.timeMs},hist-cam,exit,${entry.trackId},capture_stopped,,,`,
  ]);

  const { response: json } = await count.exportCounts({ content: ExportContent.SERIES, format: ExportFormat.JSON, cameraId: "hist-cam", ...range, bucket: Bucket.HOUR, utcOffsetMinutes: 60 });
  const rows = JSON.parse(new TextDecoder().decode(json.data)) as Array<{ start_ms: number; entered: number }>;
  assert.ok(rows.length >= 1 && rows.every((r) => (r.start_ms + 3_600_000) % 3_600_000 === 0), "hour buckets, zero-filled");
  assert.equal(rows.reduce((n, r) => n + r.entered, 0), 1);
});

test("rename and reset: the reset is an event, totals restart at zero, history stays", async () => {
  const count = ts.native.count;
  const { response: renamed } = await count.renameCamera({ cameraId: "hist-cam", name: "Hall" });
  assert.equal(renamed.camera?.name, "Hall");
  assert.equal(renamed.camera?.counts?.entered, 1);
  // The clip was sent faster than real time, so its capture times (and the exit at its last
  // frame) run ahead of the clock: reset after them, as a reset made from the page would be.
  const { response: before } = await count.listEvents({ cameraId: "hist-cam", fromMs: 0, toMs: 0, limit: 1, cursor: "" });
  await waitFor("the clock to pass the clip's last capture time", async () => Date.now() > (before.events[0]?.timeMs ?? 0), 10_000);
  const { response: reset } = await count.resetCounts({ cameraId: "hist-cam" });
  assert.equal(reset.camera?.counts?.entered, 0);
  assert.ok((reset.camera?.resetAtMs ?? 0) >= startedAt);
  const { response: log } = await count.listEvents({ cameraId: "hist-cam", fromMs: 0, toMs: 0, limit: 10, cursor: "" });
  assert.deepEqual(log.events.map((e) => e.kind), [EventKind.RESET, EventKind.EXIT, EventKind.ENTRY], "newest first, nothing deleted");
  const listed = await count.listCameras({});
  assert.equal(listed.response.cameras.find((c) => c.cameraId === "hist-cam")?.name, "Hall");
});

test("the latest frame of a camera is served for drawing its line (memory only)", async () => {
  const { response } = await ts.web().count.getLatestFrame({ cameraId: "hist-cam" });
  assert.deepEqual([response.width, response.height], [640, 360]);
  assert.deepEqual([...response.jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  await ts.native.capture.openSession({ cameraId: "no-frames-yet", cameraName: "" });
  assert.equal(await rpcCode(ts.web().count.getLatestFrame({ cameraId: "no-frames-yet" }).response), "NOT_FOUND");
});

test("bad history requests get precise statuses", async () => {
  const count = ts.web().count;
  const now = Date.now();
  assert.equal(await rpcCode(count.getSeries({ cameraId: "", fromMs: 0, toMs: now, bucket: Bucket.UNSPECIFIED, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(count.getSeries({ cameraId: "", fromMs: now, toMs: now - 1, bucket: Bucket.DAY, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(count.getSeries({ cameraId: "", fromMs: 0, toMs: now, bucket: Bucket.MINUTE, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(count.getSeries({ cameraId: "nope", fromMs: 0, toMs: now, bucket: Bucket.DAY, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "NOT_FOUND");
  assert.equal(await rpcCode(count.listEvents({ cameraId: "", fromMs: 0, toMs: 0, limit: 5000, cursor: "" }).response), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(count.renameCamera({ cameraId: "hist-cam", name: "  " }).response), "INVALID_ARGUMENT");
  assert.equal(await rpcCode(count.resetCounts({ cameraId: "nope" }).response), "NOT_FOUND");
  assert.equal(await rpcCode(count.exportCounts({ content: ExportContent.EVENTS, format: ExportFormat.UNSPECIFIED, cameraId: "", fromMs: 0, toMs: now, bucket: Bucket.UNSPECIFIED, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "INVALID_ARGUMENT");
  // Past the last date JavaScript can hold: a precise status, not INTERNAL from building the file name.
  for (const content of [ExportContent.EVENTS, ExportContent.SERIES]) {
    const farFuture = { content, format: ExportFormat.CSV, cameraId: "", fromMs: 8.7e15, toMs: 8.8e15, bucket: Bucket.DAY, utcOffsetMinutes: 0, lineId: "", zoneId: "" };
    assert.equal(await rpcCode(count.exportCounts(farFuture).response), "INVALID_ARGUMENT");
  }
  assert.equal(await rpcCode(count.getSeries({ cameraId: "", fromMs: 8.7e15, toMs: 8.8e15, bucket: Bucket.DAY, utcOffsetMinutes: 0, lineId: "", zoneId: "" }).response), "INVALID_ARGUMENT");
});
